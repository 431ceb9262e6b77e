// F1/X4: the KYC context's shapes at the edge (the routes to come: GET /v1/me/kyc, POST /v1/me/kyc/person,
// POST /v1/me/kyc/documents for an upload slot, the provider's webhook, the business declaration) and what it
// publishes to other contexts: the level rules withdrawals read (one source of truth for limits by level) and
// the Travel Rule payload.
import * as z from 'zod/mini';
import { DOCUMENT_TYPES, KYC_LEVELS, KYC_REQUIREMENTS } from './config.js';
import { DOCUMENT_KINDS } from './document-kinds.js';
import { REQUIREMENT_STATUSES } from './levels.js';
import { beneficiaryInput as beneficiaryInputSchema } from './travel-rule.js';

export type { AssetLimits, KycConfig, KycLevel, KycRequirement, LimitsPerAsset } from './config.js';
export { KYC_LEVELS, parseKycConfig } from './config.js';
export type { KycOverview, KycStanding, RequirementFacts } from './levels.js';
export { effectiveLimits, kycOverview, levelChange, levelInForce, limitsOfLevel } from './levels.js';
export { ownershipDeclaration } from './ownership.js';
export { personBody } from './person.js';
export type { Ivms101Payload } from './travel-rule.js';
export {
  beneficiaryInput,
  buildTravelRulePayload,
  ivms101Payload,
  travelRuleApplies,
} from './travel-rule.js';
export { decisionEvent } from './webhook.js';

/** F1: the body of PUT /v1/me/addresses/{addressId}/beneficiary: who receives what is sent to the address. */
export const beneficiaryDeclarationBody = z.strictObject({ beneficiary: beneficiaryInputSchema });

/** Its answer: the name masked, never returned whole (D5). */
export const beneficiaryDeclaredView = z.strictObject({
  addressId: z.string(),
  beneficiaryMasked: z.string(),
  declaredAt: z.iso.datetime(),
});
export type BeneficiaryDeclaredView = z.infer<typeof beneficiaryDeclaredView>;

const limits = z.object({ daily: z.string(), monthly: z.string() });
const limitsPerAsset = z.object({ BTC: limits, ETH: limits });

/** The answer of GET /v1/me/kyc (levels.ts kycOverview): never the risk rating or its reasons. */
export const kycOverviewView = z.strictObject({
  level: z.enum(KYC_LEVELS),
  effectiveLevel: z.enum(KYC_LEVELS),
  limits: limitsPerAsset,
  refresh: z.optional(z.strictObject({ dueAt: z.iso.datetime(), overdue: z.boolean() })),
  next: z.optional(
    z.strictObject({
      level: z.enum(KYC_LEVELS),
      limits: limitsPerAsset,
      requirements: z.array(
        z.strictObject({ requirement: z.enum(KYC_REQUIREMENTS), status: z.enum(REQUIREMENT_STATUSES) }),
      ),
    }),
  ),
});
export type KycOverviewView = z.infer<typeof kycOverviewView>;

/** The body of POST /v1/me/kyc/documents: which document, of which type (the presigned POST fixes both). */
export const uploadSlotBody = z.strictObject({
  kind: z.enum(DOCUMENT_KINDS),
  contentType: z.enum(DOCUMENT_TYPES),
});

/** Its answer: where and how to POST the file (multipart/form-data: the fields, then `file`). */
export const uploadSlotView = z.strictObject({
  slotId: z.string(),
  url: z.url(),
  fields: z.record(z.string(), z.string()),
  expiresAt: z.iso.datetime(),
  maxBytes: z.number(),
  contentType: z.enum(DOCUMENT_TYPES),
});
