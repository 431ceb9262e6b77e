// C2: the withdrawal history page's query and answer (GET /v1/me/withdrawals). Published through contracts.ts;
// a file of its own so a function that needs none of these shapes does not build them at import.
import * as z from 'zod/mini';
import { ASSET_IDS } from '../kernel/assets.js';
import { WITHDRAWAL_ID, WITHDRAWAL_STATUSES } from './record.js';

export const WITHDRAWALS_PAGE = Object.freeze({ defaultLimit: 20, maxLimit: 50 });

export const withdrawalsQuery = z.object({
  /** Page size, 1–50; 20 when absent. */
  limit: z.optional(z.string().check(z.regex(/^(?:[1-9]|[1-4]\d|50)$/))),
  /** `next` of the previous page: the last withdrawal id it showed. */
  cursor: z.optional(z.string().check(z.regex(WITHDRAWAL_ID))),
});
export type WithdrawalsQuery = z.infer<typeof withdrawalsQuery>;

export const withdrawalView = z.object({
  withdrawalId: z.string(),
  asset: z.enum(ASSET_IDS as ['BTC', 'ETH']),
  amount: z.string(),
  addressMasked: z.string(),
  speed: z.enum(['standard', 'instant']),
  status: z.enum(WITHDRAWAL_STATUSES),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  decision: z.optional(
    z.object({ outcome: z.enum(['approved', 'rejected', 'cancelled']), at: z.iso.datetime() }),
  ),
  /** The custody transfer reference, once dispatched. */
  transferRef: z.optional(z.string()),
});
export type WithdrawalView = z.infer<typeof withdrawalView>;

export const withdrawalsResponse = z.object({
  withdrawals: z.array(withdrawalView),
  /** Present while older withdrawals may follow: pass it as `cursor`. */
  next: z.optional(z.string()),
});
export type WithdrawalsResponse = z.infer<typeof withdrawalsResponse>;

export const pageLimit = (limit: string | undefined): number =>
  limit === undefined ? WITHDRAWALS_PAGE.defaultLimit : Math.min(Number(limit), WITHDRAWALS_PAGE.maxLimit);
