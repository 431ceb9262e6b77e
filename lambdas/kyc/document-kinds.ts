// F1: the kinds of KYC document and the file types each accepts. Apart from documents.ts (which carries
// pdf-lib) so that contracts.ts, and any context importing it, never bundles the PDF parser.
import type { DocumentType } from './config.js';

export const DOCUMENT_KINDS = [
  'government-id',
  'proof-of-address',
  'selfie',
  'source-of-funds',
  'incorporation',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The types each kind accepts: a selfie is a photo; statements and registers may be PDFs. */
export const ACCEPTED_TYPES: Record<DocumentKind, readonly DocumentType[]> = {
  'government-id': ['image/jpeg', 'image/png', 'image/heic', 'image/webp', 'application/pdf'],
  'proof-of-address': ['image/jpeg', 'image/png', 'image/heic', 'image/webp', 'application/pdf'],
  selfie: ['image/jpeg', 'image/png', 'image/heic', 'image/webp'],
  'source-of-funds': ['image/jpeg', 'image/png', 'application/pdf'],
  incorporation: ['image/jpeg', 'image/png', 'application/pdf'],
};
