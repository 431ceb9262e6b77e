// F1: the document routes' shapes (the upload slot, the completed document) and the provider webhook's answer.
// Published through contracts.ts; a file of its own so a function that needs none of these shapes does not build
// them at import.
import * as z from 'zod/mini';
import { DOCUMENT_TYPES } from './config.js';
import { DOCUMENT_KINDS } from './document-kinds.js';
import { kycOverviewView } from './overview-contracts.js';

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

/** The webhook's answer to the provider: received, and whether it changed the record. */
export const webhookReceivedView = z.strictObject({
  received: z.literal(true),
  outcome: z.enum(['applied', 'ignored']),
});
