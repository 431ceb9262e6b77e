// F1: what CompleteKycDocument asks the CheckKycDocument function (a slot's check, the provider's links); the
// answers are in check-answers.ts. Published through contracts.ts; a file of its own so a function that needs
// none of these shapes does not build them at import.
import * as z from 'zod/mini';
import { DOCUMENT_TYPES } from './config.js';
import { DOCUMENT_KINDS } from './document-kinds.js';

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
