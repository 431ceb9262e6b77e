// F1/X4: the KYC context's shapes at the edge (the routes to come: GET /v1/me/kyc, POST /v1/me/kyc/person,
// POST /v1/me/kyc/documents for an upload slot, the provider's webhook, the business declaration) and what it
// publishes to other contexts: the level rules withdrawals read (one source of truth for limits by level) and
// the Travel Rule payload.
import * as z from 'zod/mini';
import { OWNER_ROLES } from './business.js';
import { DOCUMENT_TYPES, KYC_LEVELS, KYC_REQUIREMENTS } from './config.js';
import { DOCUMENT_KINDS } from './document-kinds.js';
import { REQUIREMENT_STATUSES } from './levels.js';
import { OWNER_WAITS } from './owners.js';
import { beneficiaryInput as beneficiaryInputSchema } from './travel-rule.js';

export { businessBody } from './business.js';
export type { AssetLimits, KycConfig, KycLevel, KycRequirement, LimitsPerAsset } from './config.js';
export { KYC_LEVELS, parseKycConfig } from './config.js';
export type { KycStore } from './kyc-store.js';
export type { KycOverview, KycStanding, RequirementFacts } from './levels.js';
export { effectiveLimits, kycOverview, levelChange, levelInForce, limitsOfLevel } from './levels.js';
export { ownerIdsOf } from './owner-ids.js';
export { ownershipDeclaration } from './ownership.js';
export { personBody } from './person.js';
export type { Ivms101Payload } from './travel-rule.js';
export {
  beneficiaryInput,
  buildTravelRulePayload,
  ivms101Payload,
  travelRuleApplies,
} from './travel-rule.js';
export { REVIEWABLE_REQUIREMENTS, type ReviewableRequirement } from './verification.js';
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
          /** F1: the owner's own KYC: their identity documents verified by the provider or a reviewer. */
          identity: z.enum(['missing', 'pending', 'in-review', 'met', 'rejected']),
          /** What this owner still needs before the business's `beneficial-owners` is met (empty: passed). */
          waiting: z.array(z.enum(OWNER_WAITS)),
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
  /** F1: a business's beneficial owner (their `ownerId` in GET /v1/me/kyc) whose identity document this is. */
  ownerId: z.optional(z.string().check(z.regex(/^bo_[0-9a-f]{24}$/, 'an owner id'))),
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

/** The slot id of `POST /v1/me/kyc/documents/{slotId}/complete` (a slot id handed out by the slot route). */
export const SLOT_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Where the identity verification stands after an accepted document: asked now, already under way, waiting
 * for the other identity documents, not needed for this kind, or the provider unreachable (complete the slot
 * again to retry; the document is kept).
 */
export const VERIFICATION_STEPS = [
  'started',
  'in-progress',
  'waiting-for-documents',
  'not-needed',
  'provider-unavailable',
] as const;

/** The answer of the complete call for an accepted file: the requirement it answers and where it stands. */
export const documentAcceptedView = z.strictObject({
  slotId: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  status: z.literal('accepted'),
  /** Whether the verification provider was asked now (the three identity documents are in). */
  verification: z.enum(VERIFICATION_STEPS),
  kyc: kycOverviewView,
});

/** What CompleteKycDocument asks the CheckKycDocument function: one slot's object, its kind, its declared type. */
export const documentCheckRequest = z.strictObject({
  key: z.string().check(z.regex(/^kyc\/[A-Za-z0-9_-]{1,128}\/[A-Za-z0-9_-]{8,64}$/)),
  kind: z.enum(DOCUMENT_KINDS),
  declared: z.enum(DOCUMENT_TYPES),
});
export type DocumentCheckRequest = z.infer<typeof documentCheckRequest>;

/**
 * F1: what CompleteKycDocument asks CheckKycDocument when the provider is to be asked: short-lived links to the
 * accepted identity documents, signed with the checker's role (the one that holds the reads of the bucket).
 */
export const documentLinksRequest = z.strictObject({
  links: z
    .array(z.strictObject({ kind: z.enum(DOCUMENT_KINDS), key: documentCheckRequest.shape.key }))
    .check(z.minLength(1), z.maxLength(5)),
  expiresInSeconds: z.number().check(z.int(), z.minimum(60), z.maximum(3600)),
  /** The API's public base URL (a local store serves its links there; S3 ignores it). */
  baseUrl: z.optional(z.url()),
});
export type DocumentLinksRequest = z.infer<typeof documentLinksRequest>;

/** Its answer: each document as a link the provider fetches, with when it expires. */
export const documentLinksAnswer = z.strictObject({
  documents: z.array(
    z.strictObject({ kind: z.enum(DOCUMENT_KINDS), url: z.url(), expiresAt: z.iso.datetime() }),
  ),
});
export type DocumentLinksAnswer = z.infer<typeof documentLinksAnswer>;

/** Its answer: accepted (what the bytes are), refused (deleted; why), or nothing uploaded to the key yet. */
export const documentCheckAnswer = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('accepted'),
    contentType: z.enum(DOCUMENT_TYPES),
    bytes: z.number(),
    pages: z.optional(z.number()),
  }),
  z.strictObject({
    outcome: z.literal('refused'),
    reason: z.enum(['empty', 'too-small', 'too-large', 'type', 'type-mismatch', 'pages', 'unreadable']),
    message: z.string(),
  }),
  z.strictObject({ outcome: z.literal('missing') }),
]);
export type DocumentCheckAnswer = z.infer<typeof documentCheckAnswer>;

/** The webhook's answer to the provider: received, and whether it changed the record. */
export const webhookReceivedView = z.strictObject({
  received: z.literal(true),
  outcome: z.enum(['applied', 'ignored']),
});

/** F1/F5: every KYC document's key starts with it, then `<userId>/` (the retention sweep erases by it). */
export { DOCUMENT_PREFIX } from './ports.js';
