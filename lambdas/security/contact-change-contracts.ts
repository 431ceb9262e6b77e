// B1: request and response shapes of the email and phone changes (`PUT /v1/me/email`, `/phone` and their
// `/confirm`); read by the handlers and by the OpenAPI document.
import * as z from 'zod/mini';
import { E164_PHONE, totpCode } from '../kernel/shapes.js';

/** Re-authentication of a security change: the password, and a current TOTP code when TOTP is enabled. */
const reauth = {
  password: z.string().check(z.minLength(1), z.maxLength(256)),
  code: z.optional(totpCode),
};

/** PUT /v1/me/email: a 6-digit code goes to the new address. */
export const changeEmailBody = z.strictObject({ newEmail: z.email().check(z.maxLength(254)), ...reauth });
export type ChangeEmailBody = z.infer<typeof changeEmailBody>;

/** PUT /v1/me/phone: a 6-digit code goes to the new number by SMS. */
export const changePhoneBody = z.strictObject({ newPhone: z.string().check(z.regex(E164_PHONE)), ...reauth });
export type ChangePhoneBody = z.infer<typeof changePhoneBody>;

/** POST /v1/me/email/confirm, /v1/me/phone/confirm: the code sent to the new address or number. */
export const confirmContactBody = z.strictObject({
  code: z.string().check(z.regex(/^\d{6}$/, 'a 6-digit code')),
});
export type ConfirmContactBody = z.infer<typeof confirmContactBody>;

export const contactChangeStartedResponse = z.object({
  status: z.literal('verification-required'),
  expiresAt: z.iso.datetime(),
  /** Masked: where the code went. */
  sentTo: z.string(),
});
export type ContactChangeStartedResponse = z.infer<typeof contactChangeStartedResponse>;

/** The account's contact after the change, masked as GET /v1/me shows it. */
export const contactChangedResponse = z.object({
  changed: z.enum(['email', 'phone']),
  email: z.string(),
  phone: z.optional(z.string()),
});
export type ContactChangedResponse = z.infer<typeof contactChangedResponse>;
