// F1: the kinds of KYC document, the file types each accepts, and the refusal of a bad file. Apart from documents.ts (which carries
// pdf-lib) so that contracts.ts, and any context importing it, never bundles the PDF parser.
import type { CodeOf } from '../kernel/error-codes.js';
import { AppError } from '../kernel/errors.js';
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

export type DocumentRefusal =
  | 'empty'
  | 'too-small'
  | 'too-large'
  | 'type'
  | 'type-mismatch'
  | 'pages'
  | 'unreadable';

/** A refused file: 413 too large, 415 not an accepted type, 400 otherwise; `reason` says which rule. */
export class DocumentRefused extends AppError {
  override readonly name = 'DocumentRefused';
  readonly status: 400 | 413 | 415;
  readonly code: CodeOf<400 | 413 | 415>;
  constructor(
    readonly reason: DocumentRefusal,
    message: string,
  ) {
    super(message, [{ path: 'file', message: reason }]);
    this.status = reason === 'too-large' ? 413 : reason === 'type' ? 415 : 400;
    this.code =
      this.status === 413
        ? 'PAYLOAD_TOO_LARGE'
        : this.status === 415
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : 'VALIDATION_FAILED';
  }
}
