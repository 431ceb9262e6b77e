// Shapes of the B2 hold: GET /v1/me/security and the security-hold workflow's input.
// Only re-exports: each shape lives in the file of its concern, so a bundle builds only the schemas it uses
// (package.json `sideEffects: false` lets the bundler drop a file none of whose exports are used).

export { sameContact } from './contact-change.js';
export { holdStatus, type SecurityState, SecurityStateStore } from './hold.js';
export {
  type ChangeNotice,
  changeNotice,
  type HoldInput,
  holdInput,
  SECURITY_CHANGE_KINDS,
  type SecurityChangeKind,
  type SecurityResponse,
  securityResponse,
} from './hold-contracts.js';
// Published to other contexts.
export {
  type ChangeOrigin,
  type SecurityChange,
  type SecurityChanges,
  securityChangeOf,
} from './security-changes.js';
