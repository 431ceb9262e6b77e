// F1: CheckKycDocument's answers, which CompleteKycDocument parses (the checker only returns them). Published
// through contracts.ts; a file of its own so the checker does not build them at import.
import * as z from 'zod/mini';
import { DOCUMENT_TYPES } from './config.js';
import { DOCUMENT_KINDS } from './document-kinds.js';

/** The answer to documentLinksRequest: each document as a link the provider fetches, with when it expires. */
export const documentLinksAnswer = z.strictObject({
  documents: z.array(
    z.strictObject({ kind: z.enum(DOCUMENT_KINDS), url: z.url(), expiresAt: z.iso.datetime() }),
  ),
});
export type DocumentLinksAnswer = z.infer<typeof documentLinksAnswer>;

/**
 * The answer to documentCheckRequest: accepted (what the bytes are), refused (deleted; why), or nothing uploaded
 * to the key yet.
 */
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
