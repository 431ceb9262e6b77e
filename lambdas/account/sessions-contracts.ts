// Request and response shapes of the session routes (A8); read by the handlers and by the OpenAPI document.
import * as z from 'zod/mini';

/** The id in `/v1/me/sessions/{sessionId}`: the tokens' origin_jti (a UUID from Cognito). */
export const sessionIdParam = z.object({
  sessionId: z.string().check(z.regex(/^[A-Za-z0-9-]{8,64}$/)),
});

export const sessionView = z.object({
  sessionId: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  ip: z.optional(z.string()),
  /** Browser and system, from the User-Agent of the login ("Safari 17 on iOS 17"). */
  device: z.string(),
  /** The session of the token this request came with. */
  current: z.boolean(),
});
export type SessionView = z.infer<typeof sessionView>;

export const sessionsResponse = z.object({ sessions: z.array(sessionView) });
export type SessionsResponse = z.infer<typeof sessionsResponse>;

export const revocationResponse = z.object({
  revoked: z.enum(['session', 'all-sessions']),
  revokedAt: z.iso.datetime(),
});
export type RevocationResponse = z.infer<typeof revocationResponse>;
