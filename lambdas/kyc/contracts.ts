// F1/X4: the KYC context's shapes at the edge (the routes to come: GET /v1/me/kyc, POST /v1/me/kyc/person,
// POST /v1/me/kyc/documents for an upload slot, the provider's webhook, the business declaration) and what it
// publishes to other contexts: the level rules withdrawals read (one source of truth for limits by level) and
// the Travel Rule payload.
import * as z from 'zod/mini';
import { OWNER_ROLES } from './business.js';
import { DOCUMENT_TYPES, KYC_LEVELS, KYC_REQUIREMENTS } from './config.js';
import { DOCUMENT_KINDS } from './document-kinds.js';
import { REQUIREMENT_STATUSES } from './levels.js';

export { businessBody } from './business.js';
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
  /** F1: the business declared, the persons behind it with their names masked (E2) and screening standing. */
  business: z.optional(
    z.strictObject({
      registrationNumber: z.string(),
      jurisdiction: z.string(),
      declaredAt: z.iso.datetime(),
      owners: z.array(
        z.strictObject({
          ownerId: z.string(),
          role: z.enum(OWNER_ROLES),
          percent: z.optional(z.string()),
          name: z.string(),
          screening: z.enum(['pending', 'met']),
        }),
      ),
    }),
  ),
  /** F1: enhanced due diligence asked of this customer (the rating itself is never shown). */
  edd: z.optional(
    z.array(z.strictObject({ requirement: z.enum(KYC_REQUIREMENTS), status: z.enum(REQUIREMENT_STATUSES) })),
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
