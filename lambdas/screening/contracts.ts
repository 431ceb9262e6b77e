// F2: what the screening context publishes to other contexts: the bands, the freeze state a withdrawal
// consults, the intake a sign-up hands a new customer to, the screening of withdrawal addresses, the
// workflow's execution names, a customer's recent decisions (the admin user view) and their PEP status (the
// KYC risk rating).

export type { AddressScreen, AddressScreening, SanctionedAddressIndex } from './address-index.js';
export {
  type BandRule,
  HIT_CATEGORIES,
  type HitCategory,
  PEP_BANDS,
  SCREENING_ACTIONS,
  SCREENING_BANDS,
  type ScreeningAction,
  type ScreeningBand,
} from './bands.js';
export { type ListKind, PEP_LIST, SCREENED_LISTS, type ScreenedList } from './config.js';
export type {
  PepFinding,
  ScreeningDecision,
  ScreeningSubject,
  ScreeningTrigger,
} from './decision.js';
export { SCREENING_TRIGGERS } from './decision.js';
export type { ScreeningIntake } from './intake.js';
export { loadListAndRescreen } from './list-loading.js';
export { ListFormatError } from './model.js';
export { type PepStatusFinding, pepStatusOf } from './pep-status.js';
export type { ScreeningActions, ScreeningOutcome } from './screening-actions.js';
export type {
  DecisionSummary,
  RosterEntry,
  ScreeningState,
  ScreeningStore,
} from './screening-store.js';
export type { ScreeningWork } from './screening-work.js';
export {
  type ListStaging,
  MAX_STAGED_FILE_BYTES,
  sha256Hex,
  stagedFileName,
  type UploadSlot,
  uploadSlot,
} from './staging.js';
export type { ListFormat } from './versions.js';
export { rescreenExecutionName, screeningExecutionName } from './workflow-contracts.js';
