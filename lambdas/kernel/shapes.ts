// Input shapes more than one context validates: the password policy, phone numbers, TOTP codes, and the answer
// of a page an emailed link opens. One definition, so every route refuses the same inputs the same way.
import * as z from 'zod/mini';

/**
 * The password policy (NIST SP 800-63B): 12 to 256 characters of the NFKC form, any characters; X3: not
 * weak (the zxcvbn-ts score, 0–4, at least `minStrength`, with the username and email as user inputs) and
 * not in a known breach (lambdas/auth/password-screen.ts).
 */
export const PASSWORD_POLICY = Object.freeze({ minLength: 12, maxLength: 256, minStrength: 3 });
/** E.164: a `+` and 8 to 15 digits, no leading zero. */
export const E164_PHONE = /^\+[1-9]\d{7,14}$/;

/** Six digits, as Google Authenticator shows them (RFC 6238 with SHA-1, 30 s). */
export const totpCode = z.string().check(z.regex(/^\d{6}$/, 'a 6-digit code'));

/** The JSON answer of an emailed link's action (device confirmation, suspension, address confirmation). */
export const linkResponse = z.object({ done: z.boolean(), message: z.string() });

/** The token of an emailed link: in the page's path, and in the body its button (or an app) posts. */
export const linkToken = z.strictObject({ token: z.string().check(z.regex(/^[A-Za-z0-9_-]{32,64}$/)) });

/** The HTML page an emailed link opens (kernel/link-page.ts): text/html, never JSON. */
export const linkPage = z.string();
