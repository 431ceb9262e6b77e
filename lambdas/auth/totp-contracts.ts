// Request and response shapes of the TOTP routes (A2); read by the handlers and by the OpenAPI document.
import * as z from 'zod/mini';

import { totpCode } from '../kernel/shapes.js';

export { totpCode };

/** POST /v1/me/mfa/totp: the shared secret, once, in three forms for the authenticator app. */
export const totpEnrolmentResponse = z.object({
  /** Base32 (RFC 4648), for typing in by hand. */
  secret: z.string().check(z.regex(/^[A-Z2-7]+=*$/, 'a base32 secret')),
  /** Key Uri Format: `otpauth://totp/Palisade:<username>?secret=…&issuer=Palisade&…`. */
  otpauthUri: z.string().check(z.startsWith('otpauth://totp/')),
  /** The otpauth URI as a QR code: an SVG image in a data URI. */
  qrCode: z.string().check(z.startsWith('data:image/svg+xml;base64,')),
  /** The same QR code as a PNG image in a data URI, for apps that cannot show SVG. */
  qrPng: z.string().check(z.startsWith('data:image/png;base64,')),
});
export type TotpEnrolmentResponse = z.infer<typeof totpEnrolmentResponse>;

/** POST /v1/me/mfa/totp/confirm: the first code, and the password (B1: enabling MFA re-authenticates). */
export const confirmTotpBody = z.strictObject({
  code: totpCode,
  password: z.string().check(z.minLength(1), z.maxLength(256)),
});
export type ConfirmTotpBody = z.infer<typeof confirmTotpBody>;

/** POST /v1/me/mfa/totp/disable: re-authentication with the password and a current code. */
export const disableTotpBody = z.strictObject({
  password: z.string().check(z.minLength(1), z.maxLength(256)),
  code: totpCode,
});
export type DisableTotpBody = z.infer<typeof disableTotpBody>;

export const totpStatusResponse = z.object({ totpEnabled: z.boolean() });
export type TotpStatusResponse = z.infer<typeof totpStatusResponse>;
