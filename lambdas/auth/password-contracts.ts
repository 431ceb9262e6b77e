// B1: request and response shapes of `PUT /v1/me/password`.
import * as z from 'zod/mini';
import { PASSWORD_POLICY_TEXT } from './signup-contracts.js';
import { totpCode } from './totp-contracts.js';

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().check(z.minLength(1), z.maxLength(256)),
  // Bounded here on the raw text; the policy itself is checked on the NFKC form (signup-flow.ts).
  newPassword: z.string().check(z.minLength(1), z.maxLength(1024), z.describe(PASSWORD_POLICY_TEXT)),
  /** A current TOTP code, when TOTP is enabled. */
  code: z.optional(totpCode),
});
export type ChangePasswordBody = z.infer<typeof changePasswordBody>;

export const passwordChangedResponse = z.object({
  passwordChanged: z.literal(true),
  /** Other sessions ended by the change (their tokens are refused from now on). */
  otherSessionsEnded: z.number().check(z.int(), z.minimum(0)),
});
export type PasswordChangedResponse = z.infer<typeof passwordChangedResponse>;
