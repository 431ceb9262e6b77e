// D2: GET /v1/admin/withdrawals?status=review's query and answer. Published through contracts.ts; a file of its
// own so a function that needs none of these shapes does not build them at import.
import * as z from 'zod/mini';

/** D2: `GET /v1/admin/withdrawals?status=review`: the withdrawals under investigation. */
export const withdrawalReviewsQuery = z.object({ status: z.literal('review') });

/** A withdrawal in review as an investigator sees it: risk and signals, masked address; never the task token. */
export const withdrawalReviewView = z.strictObject({
  withdrawalId: z.string(),
  userId: z.string(),
  asset: z.string(),
  amount: z.string(),
  addressMasked: z.string(),
  speed: z.enum(['standard', 'instant']),
  createdAt: z.iso.datetime(),
  /** When it entered review (its last move). */
  reviewStartedAt: z.iso.datetime(),
  risk: z.strictObject({
    score: z.number(),
    band: z.enum(['low', 'unusual', 'blocked']),
    signals: z.array(z.strictObject({ id: z.string(), points: z.number(), detail: z.string() })),
  }),
});
export type WithdrawalReviewView = z.infer<typeof withdrawalReviewView>;
export const withdrawalReviewsResponse = z.object({ withdrawals: z.array(withdrawalReviewView) });
