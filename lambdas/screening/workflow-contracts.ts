// F2: the screening workflow's inputs and task payloads (statemachines/screening.asl.json).
import * as z from 'zod/mini';
import { ROSTER_PARTITIONS } from './config.js';
import { SCREENING_TRIGGERS } from './decision.js';

const userId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/));
const trigger = z.enum(SCREENING_TRIGGERS);

/** ScreenTheCustomer: one customer, by id; the facts are read from the account. */
export const screenCustomerInput = z.object({ userId, trigger });

/** ListThePartitions: the roster's partitions, as the Map's items. */
export const listPartitionsInput = z.object({ trigger });

/** RescreenAPage: one page of one partition; the answer carries the cursor of the next page, if any. */
export const rescreenPageInput = z.object({
  partition: z.number().check(z.int(), z.gte(0), z.lt(ROSTER_PARTITIONS)),
  trigger,
  cursor: z.optional(userId),
});

/** The execution name of one customer's screening (a retried start is not a second screening). */
export const screeningExecutionName = (userId: string, trigger: string, at: string): string =>
  `screen-${trigger}-${userId}-${at.replace(/[^0-9]/g, '').slice(0, 14)}`.slice(0, 80);

/** The execution name of the re-screen of a list version. */
export const rescreenExecutionName = (list: string, version: string): string =>
  `rescreen-${list}-${version}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
