// A1 sign-up: request and response shapes of `POST /v1/auth/signup` and `POST /v1/auth/signup/verify`.
import * as z from 'zod/mini';
import { E164_PHONE, PASSWORD_POLICY } from '../kernel/shapes.js';
import { username } from './contracts.js';

export { E164_PHONE, PASSWORD_POLICY };

/** The password policy as the schema says it (the rule itself: PASSWORD_POLICY, checked in signup-flow.ts). */
export const PASSWORD_POLICY_TEXT =
  `Password policy: ${PASSWORD_POLICY.minLength} to ${PASSWORD_POLICY.maxLength} characters (Unicode code ` +
  'points of its NFKC form), not blank, not the username; otherwise 400 PASSWORD_POLICY. X3: not easy to ' +
  `guess (zxcvbn score at least ${PASSWORD_POLICY.minStrength} of 4, the username and email counting as known ` +
  'words; otherwise 400 PASSWORD_WEAK with advice in `details`) and not in a known data breach (400 ' +
  'PASSWORD_BREACHED)';

export const signupRequest = z.strictObject({
  username: username.check(
    z.describe(
      'A1: 3 to 32 characters: letters, digits, ".", "_" and "-", starting and ending with a letter or digit; ' +
        'not the email address nor its part before the @ (400 USERNAME_IS_EMAIL)',
    ),
  ),
  email: z.email().check(z.maxLength(254)),
  phone: z.string().check(z.regex(E164_PHONE)),
  // Bounded here on the raw text; the policy itself is checked on the NFKC form (signup-flow.ts).
  password: z.string().check(z.minLength(1), z.maxLength(1024), z.describe(PASSWORD_POLICY_TEXT)),
});
export type SignupRequest = z.infer<typeof signupRequest>;

export const signupResponse = z.object({
  status: z.literal('verification-required'),
  signupId: z.string(),
  expiresAt: z.iso.datetime(),
  /** Masked: where the two codes went. */
  emailMasked: z.string(),
  phoneMasked: z.string(),
});

const code = z.string().check(z.regex(/^\d{6}$/));

export const verifySignupRequest = z.strictObject({
  signupId: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  emailCode: code,
  phoneCode: code,
});

export const verifySignupResponse = z.object({
  status: z.literal('verified'),
  username: z.string(),
  message: z.string(),
});
