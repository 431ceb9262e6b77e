// Request and response shapes of the login routes (A1–A9); read by the handlers and by the OpenAPI document.
import * as z from 'zod/mini';

/** A1: free usernames, 3–32 characters of a clear alphabet (no look-alikes of other scripts). */
export const username = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,30}[A-Za-z0-9]$/));
export const deviceId = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,128}$/));

export const loginRequest = z.strictObject({
  username: z.string().check(z.minLength(1), z.maxLength(128)),
  password: z.string().check(z.minLength(1), z.maxLength(256)),
  deviceId,
});

export const loginStep = z.enum(['totp', 'ip-code', 'device-confirmation']);

export const challengeRequest = z.strictObject({
  loginId: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  challenge: loginStep,
  code: z.optional(z.string().check(z.regex(/^\d{6}$/))),
});

export const tokenSet = z.object({
  accessToken: z.string(),
  idToken: z.string(),
  refreshToken: z.optional(z.string()),
  expiresInSeconds: z.number(),
});

export const loginResponse = z.union([
  z.object({ status: z.literal('authenticated'), tokens: tokenSet }),
  z.object({
    status: z.literal('challenge'),
    loginId: z.string(),
    challenge: loginStep,
    expiresAt: z.iso.datetime(),
    /** Device confirmation: the emailed link has not been opened yet; poll again. */
    pending: z.optional(z.boolean()),
    /**
     * With `pending`: the seconds to wait before the next poll (a poll is one request answered at once;
     * polling faster gains nothing and counts against the rate limits).
     */
    pollAfterSeconds: z.optional(z.number().check(z.int(), z.minimum(1))),
  }),
]);

/** An emailed link's token, its page and its JSON answer. */
export { linkPage, linkResponse, linkToken } from '../kernel/shapes.js';

// Published to other contexts.
export type { ShieldAttempt, ShieldVerdict } from '../kernel/shield/bot-shield.js';
export { type KnownDevice, type LoginEvent, LoginStore } from './login-store.js';
