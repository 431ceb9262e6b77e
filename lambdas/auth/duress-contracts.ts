// Shapes of the duress routes and of the duress-check function (A5).
import * as z from 'zod/mini';
import { totpCode } from './totp-contracts.js';

export const setDuressBody = z.strictObject({
  duressPassword: z.string().check(z.minLength(1), z.maxLength(256)),
  /** Re-authentication: the account password, and a current TOTP code when TOTP is on. */
  password: z.string().check(z.minLength(1), z.maxLength(256)),
  code: z.optional(totpCode),
});

export const duressSetResponse = z.object({ duressPasswordSet: z.boolean() });

/** What the login sends the duress-check function: the candidate never leaves these two functions. */
export const duressCheckRequest = z.object({
  userId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  candidate: z.string().check(z.minLength(1), z.maxLength(256)),
  ip: z.string().check(z.maxLength(64)),
  at: z.iso.datetime(),
});
export const duressCheckResponse = z.object({ match: z.boolean() });
