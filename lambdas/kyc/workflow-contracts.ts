// F1/F2: the screening workflow's KYC step (statemachines/screening.asl.json RecordForKyc): the decision of the
// customer's screening on the person data, handed to the KYC record.
import * as z from 'zod/mini';

export const recordKycScreeningInput = z.object({
  userId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)),
  decisionId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/)),
  band: z.string().check(z.regex(/^[a-z-]{1,32}$/)),
});

/** The refresh workflow's task: nothing in (the clock is the function's), its schedule's input ignored. */
export const sweepRefreshInput = z.object({});
