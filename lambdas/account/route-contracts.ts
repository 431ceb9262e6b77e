// The account routes' queries, bodies and answers (GET /v1/me, the step-up) and the account-suspension
// workflow's input. Published through contracts.ts; a file of its own so a function that needs none of these
// shapes does not build them at import.
import * as z from 'zod/mini';

export const meQuery = z.object({
  /**
   * `contact`: the email and phone in clear, for their owner after a fresh step-up of this session
   * (`POST /v1/me/step-up`, 5 minutes); refused with STEP_UP_REQUIRED otherwise; every such read is audited.
   */
  reveal: z.optional(z.literal('contact')),
});
export type MeQuery = z.infer<typeof meQuery>;

export const meResponse = z.object({
  userId: z.string(),
  username: z.string(),
  /**
   * Masked (`j***@example.com`): personal data leaves the service in clear only where a feature needs it;
   * in clear with `?reveal=contact` after a fresh step-up (`contactRevealed`).
   */
  email: z.string(),
  /** Masked (`*** *** 1234`), when the account has a phone; in clear as `email` is. */
  phone: z.optional(z.string()),
  /** True when `email` and `phone` are in clear. */
  contactRevealed: z.boolean(),
  status: z.enum(['active', 'suspended', 'closed']),
  createdAt: z.iso.datetime(),
  sessionId: z.string(),
});
export type MeResponse = z.infer<typeof meResponse>;

/** POST /v1/me/step-up: the password, and a TOTP code when enrolled. */
export const stepUpRequest = z.strictObject({
  password: z.string().check(z.minLength(1), z.maxLength(256)),
  code: z.optional(z.string().check(z.regex(/^\d{6}$/, 'a 6-digit code'))),
});
export type StepUpRequest = z.infer<typeof stepUpRequest>;

export const stepUpResponse = z.object({
  steppedUpAt: z.iso.datetime(),
  /** Until when reads that need a fresh step-up are allowed in this session. */
  freshUntil: z.iso.datetime(),
});
export type StepUpResponse = z.infer<typeof stepUpResponse>;

/** Input of the account-suspension workflow and of each of its tasks. */
export const suspensionInput = z.object({
  userId: z.string().check(z.minLength(1), z.maxLength(128)),
  reason: z.enum(['user-reported', 'duress', 'admin', 'integrity']),
  requestedAt: z.iso.datetime(),
});
export type SuspensionInput = z.infer<typeof suspensionInput>;
