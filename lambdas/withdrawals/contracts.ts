// Shapes of the withdrawal routes (C2): the request, its answer and the history page; read by the handlers
// and the OpenAPI document. The risk score and its signals never appear in a response.
import * as z from 'zod/mini';
import { ASSET_IDS } from '../kernel/assets.js';
import { ValidationError } from '../kernel/errors.js';
import { totpCode } from '../kernel/shapes.js';
import { WITHDRAWAL_ID, WITHDRAWAL_STATUSES } from './record.js';

/** `Idempotency-Key`: 8–64 characters of [A-Za-z0-9_-], e.g. a UUID. Required on every withdrawal request. */
/** The statuses a withdrawal ends in (F5: any other is in flight, and refuses an account closure). */
export { FINAL as FINAL_WITHDRAWAL_STATUSES } from './record.js';

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,64}$/;

/** Reads the Idempotency-Key header (any case); absent or malformed is a 400 with its own code. */
export function idempotencyKeyOf(headers: Record<string, string | undefined> | null | undefined): string {
  const value = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'idempotency-key')?.[1];
  if (value === undefined || value === '') {
    throw new ValidationError(
      'The Idempotency-Key header is required (8–64 characters: letters, digits, - and _)',
      undefined,
      'IDEMPOTENCY_KEY_REQUIRED',
    );
  }
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new ValidationError(
      'The Idempotency-Key header must be 8–64 characters: letters, digits, - and _',
      undefined,
      'IDEMPOTENCY_KEY_INVALID',
    );
  }
  return value;
}

export const withdrawalRequest = z.strictObject({
  asset: z.enum(ASSET_IDS as ['BTC', 'ETH']),
  /** A decimal string of the asset's unit (`0.015`); checked against the asset's precision (AMOUNT_INVALID). */
  amount: z.string().check(z.minLength(1), z.maxLength(100)),
  /** One of the caller's whitelisted addresses (GET /v1/me/addresses). */
  addressId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'an address id')),
  /** `instant` skips nothing here: the hold and every check apply alike (B2). Default `standard`. */
  speed: z.optional(z.enum(['standard', 'instant'])),
  /** Step-up: the account password, and a current TOTP code when TOTP is on (TOTP_REQUIRED otherwise). */
  password: z.string().check(z.minLength(1), z.maxLength(256)),
  code: z.optional(totpCode),
});
export type WithdrawalRequest = z.infer<typeof withdrawalRequest>;

export const withdrawalAccepted = z.object({
  withdrawalId: z.string().check(z.regex(WITHDRAWAL_ID)),
  status: z.enum(WITHDRAWAL_STATUSES),
  asset: z.enum(ASSET_IDS as ['BTC', 'ETH']),
  amount: z.string(),
  createdAt: z.iso.datetime(),
});
export type WithdrawalAccepted = z.infer<typeof withdrawalAccepted>;

export { WithdrawalDecisions } from './decisions.js';
export {
  pageLimit,
  WITHDRAWALS_PAGE,
  type WithdrawalsQuery,
  type WithdrawalsResponse,
  type WithdrawalView,
  withdrawalsQuery,
  withdrawalsResponse,
  withdrawalView,
} from './history-contracts.js';
export type { WithdrawalLedger } from './ledger.js';
// Published to other contexts.
export { WithdrawalLifecycle } from './lifecycle.js';
export { WithdrawalLimits } from './limits.js';
export type { WithdrawalRow } from './record.js';
export type { ReviewAnswers } from './review-answers.js';
export { ReviewTokens } from './review-tokens.js';
