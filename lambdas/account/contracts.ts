// Request and response shapes of the account routes; read by the handlers and by the OpenAPI document.
// Only re-exports: each shape lives in the file of its concern, so a bundle builds only the schemas it uses
// (package.json `sideEffects: false` lets the bundler drop a file none of whose exports are used).

/** F2: a page of the account listing (the screening roster's backfill reads it). */
export type { Account, AccountPage, AccountStatus, AccountStore, Session } from './account-store.js';
export { storedBlindIndexer } from './blind-index-key.js';
export { DynamoAccountStore } from './dynamo-account-store.js';
export {
  type MeQuery,
  type MeResponse,
  meQuery,
  meResponse,
  type StepUpRequest,
  type StepUpResponse,
  type SuspensionInput,
  stepUpRequest,
  stepUpResponse,
  suspensionInput,
} from './route-contracts.js';
export { type RefreshRecord, type SessionRefreshes, SignedSessionRefreshes } from './session-refresh.js';
export { endDeviceSessions, isLive, revokeOwnSession } from './sessions.js';
export { revocationResponse } from './sessions-contracts.js';
export { type PendingSignup, SignupStore } from './signup-store.js';
// Published to other contexts.
export { SUSPENSION_LINK_DAYS, SuspensionLinks } from './suspension-links.js';
export { type SuspensionRequests, workflowSuspensions } from './suspension-requests.js';
