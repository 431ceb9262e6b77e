// F1/X4: the KYC context's shapes at the edge (the routes to come: GET /v1/me/kyc, POST /v1/me/kyc/person,
// POST /v1/me/kyc/documents for an upload slot, the provider's webhook, the business declaration) and what it
// publishes to other contexts: the level rules withdrawals read (one source of truth for limits by level) and
// the Travel Rule payload.
// Only re-exports: each shape lives in the file of its concern, so a bundle builds only the schemas it uses
// (package.json `sideEffects: false` lets the bundler drop a file none of whose exports are used).

export {
  type BeneficiaryDeclaredView,
  beneficiaryDeclarationBody,
  beneficiaryDeclaredView,
} from './beneficiary-contracts.js';
export { businessBody } from './business.js';
export {
  type DocumentCheckAnswer,
  type DocumentLinksAnswer,
  documentCheckAnswer,
  documentLinksAnswer,
} from './check-answers.js';
export {
  type DocumentCheckRequest,
  type DocumentLinksRequest,
  documentCheckRequest,
  documentLinksRequest,
} from './check-contracts.js';
export type { AssetLimits, KycConfig, KycLevel, KycRequirement, LimitsPerAsset } from './config.js';
export { KYC_LEVELS, parseKycConfig } from './config.js';
export {
  documentAcceptedView,
  SLOT_ID,
  uploadSlotBody,
  uploadSlotView,
  VERIFICATION_STEPS,
  webhookReceivedView,
} from './document-contracts.js';
export type { KycStore } from './kyc-store.js';
export type { KycOverview, KycStanding, RequirementFacts } from './levels.js';
export { effectiveLimits, kycOverview, levelChange, levelInForce, limitsOfLevel } from './levels.js';
export { type KycOverviewView, kycOverviewView } from './overview-contracts.js';
export { ownerIdsOf } from './owner-ids.js';
export { ownershipDeclaration } from './ownership.js';
export { personBody } from './person.js';
/** F1/F5: every KYC document's key starts with it, then `<userId>/` (the retention sweep erases by it). */
export { DOCUMENT_PREFIX } from './ports.js';
export type { Ivms101Payload } from './travel-rule.js';
export {
  beneficiaryInput,
  buildTravelRulePayload,
  ivms101Payload,
  travelRuleApplies,
} from './travel-rule.js';
export { REVIEWABLE_REQUIREMENTS, type ReviewableRequirement } from './verification.js';
export { decisionEvent } from './webhook.js';
