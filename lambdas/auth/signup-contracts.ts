// A1 sign-up: request and response shapes of `POST /v1/auth/signup` and `POST /v1/auth/signup/verify`.
import * as z from 'zod/mini';
import { E164_PHONE, PASSWORD_POLICY } from '../kernel/shapes.js';
import { username } from './contracts.js';

export { E164_PHONE, PASSWORD_POLICY };

export const signupRequest = z.object({
  username,
  email: z.email().check(z.maxLength(254)),
  phone: z.string().check(z.regex(E164_PHONE)),
  // Bounded here on the raw text; the policy itself is checked on the NFKC form (signup-flow.ts).
  password: z.string().check(z.minLength(1), z.maxLength(1024)),
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

export const verifySignupRequest = z.object({
  signupId: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  emailCode: code,
  phoneCode: code,
});

export const verifySignupResponse = z.object({
  status: z.literal('verified'),
  username: z.string(),
  message: z.string(),
});
