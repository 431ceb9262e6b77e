// Request and response shapes of the token refresh (A8); their own file, so the login's bundles (at their
// size budget) do not carry them.
import * as z from 'zod/mini';
import { deviceId } from './contracts.js';

/**
 * A8: a refresh token and the device id of the login it came from (the token is bound to both). Unknown
 * fields are refused.
 */
export const refreshRequest = z.strictObject({
  refreshToken: z.string().check(z.minLength(16), z.maxLength(8192), z.regex(/^[\x21-\x7e]+$/)),
  deviceId,
});

/** A8: the new tokens; the refresh token presented is spent, the one returned replaces it. */
export const refreshResponse = z.object({
  tokens: z.object({
    accessToken: z.string(),
    idToken: z.string(),
    refreshToken: z.string(),
    expiresInSeconds: z.number(),
  }),
});
