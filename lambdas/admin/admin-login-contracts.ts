// Request and response shapes of the admin login routes (D1); read by the handlers and the OpenAPI document.
import * as z from 'zod/mini';
import { ADMIN_TIERS } from '../kernel/settings.js';
import { ADMIN_CAPABILITIES } from './permissions.js';

export const adminLoginRequest = z.strictObject({
  username: z.string().check(z.minLength(1), z.maxLength(128)),
  password: z.string().check(z.minLength(1), z.maxLength(256)),
});

export const adminChallengeRequest = z.strictObject({
  loginId: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  code: z.string().check(z.regex(/^\d{6}$/)),
});

export const adminLoginResponse = z.object({
  status: z.literal('challenge'),
  loginId: z.string(),
  challenge: z.literal('totp'),
  expiresAt: z.iso.datetime(),
});

export const adminAuthenticatedResponse = z.object({
  status: z.literal('authenticated'),
  adminId: z.string(),
  tiers: z.array(z.enum(ADMIN_TIERS)),
  /** The admin pool's access token only: admin sessions are short and are not refreshed. */
  tokens: z.object({ accessToken: z.string(), expiresInSeconds: z.number() }),
});

/** GET /v1/admin/me: the admin as the admin authorizer verified them. */
export const adminMeResponse = z.object({
  adminId: z.string(),
  username: z.string(),
  sessionId: z.string(),
  tiers: z.array(z.enum(ADMIN_TIERS)),
  /**
   * X5: the capabilities the tiers hold under this deployment's approval policies (permissions.ts), so that the
   * console shows only the pages and buttons the admin may use; every route checks again.
   */
  capabilities: z.array(z.enum(ADMIN_CAPABILITIES)),
});
