// Request and response shapes of the account routes; read by the handlers and by the OpenAPI document.
import * as z from 'zod/mini';

export const meResponse = z.object({
  userId: z.string(),
  username: z.string(),
  /** Masked (`j***@example.com`): personal data leaves the service in clear only where a feature needs it. */
  email: z.string(),
  /** Masked (`*** *** 1234`), when the account has a phone. */
  phone: z.optional(z.string()),
  status: z.enum(['active', 'suspended']),
  createdAt: z.iso.datetime(),
  sessionId: z.string(),
});
export type MeResponse = z.infer<typeof meResponse>;

/** Input of the account-suspension workflow and of each of its tasks. */
export const suspensionInput = z.object({
  userId: z.string().check(z.minLength(1), z.maxLength(128)),
  reason: z.enum(['user-reported', 'duress', 'admin', 'integrity']),
  requestedAt: z.iso.datetime(),
});
export type SuspensionInput = z.infer<typeof suspensionInput>;

export type { Account, AccountStatus, AccountStore, Session } from './account-store.js';
export { storedBlindIndexer } from './blind-index-key.js';
export { DynamoAccountStore } from './dynamo-account-store.js';
export { type RefreshRecord, type SessionRefreshes, SignedSessionRefreshes } from './session-refresh.js';
export { endDeviceSessions, isLive, revokeOwnSession } from './sessions.js';
export { revocationResponse } from './sessions-contracts.js';
export { type PendingSignup, SignupStore } from './signup-store.js';
// Published to other contexts.
export { SUSPENSION_LINK_DAYS, SuspensionLinks } from './suspension-links.js';
export { type SuspensionRequests, workflowSuspensions } from './suspension-requests.js';
