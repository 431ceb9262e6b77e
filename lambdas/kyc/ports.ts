// F1: the KYC context's ports. The document store (presigned uploads straight to S3, locally the state folder),
// the verification provider, the seen-id store that makes webhooks replay-safe, and the price source of the
// Travel Rule threshold. Adapters: lambdas/kyc/aws/ (AWS) and local/adapters/ (local).
import type { Asset } from '../kernel/assets.js';
import type { DocumentType, Fiat } from './config.js';
import type { DocumentKind } from './document-kinds.js';

/** One upload slot: the client POSTs the file as multipart/form-data to `url` with `fields`, then the file. */
export interface UploadSlot {
  slotId: string;
  key: string;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
  maxBytes: number;
  contentType: DocumentType;
}

export interface SlotRequest {
  userId: string;
  slotId: string;
  kind: DocumentKind;
  contentType: DocumentType;
  maxBytes: number;
  expiresInSeconds: number;
  /** The API's public base URL: where a local store's upload endpoint is (S3 ignores it). */
  baseUrl?: string;
}

/** Every KYC document's key starts with it (the grants' resource). */
export const DOCUMENT_PREFIX = 'kyc/';

/**
 * F5: an upload is tagged `palisade:upload=pending` by its presigned POST (the policy requires the tag) and
 * `complete` once the server-side check accepts it; the bucket's lifecycle rule expires a pending version a day
 * later, so a file uploaded but never completed is not kept (lib/data.ts).
 */
export const UPLOAD_TAG = Object.freeze({ key: 'palisade:upload', pending: 'pending', complete: 'complete' });
/** The POST form's `tagging` field of a new upload: the tag set S3 stores with the object. */
export const PENDING_UPLOAD_TAGGING = `<Tagging><TagSet><Tag><Key>${UPLOAD_TAG.key}</Key><Value>${UPLOAD_TAG.pending}</Value></Tag></TagSet></Tagging>`;
/** Days after which a version still tagged pending expires (the lifecycle rule's). */
export const PENDING_UPLOAD_DAYS = 1;

/** The one object key of a slot: a slot is never reused, so a key names one upload. */
export const documentKey = (userId: string, slotId: string): string => {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(userId) || !/^[A-Za-z0-9_-]{8,64}$/.test(slotId)) {
    throw new RangeError('not a safe user or slot id');
  }
  return `${DOCUMENT_PREFIX}${userId}/${slotId}`;
};

export interface DocumentStore {
  /** A presigned POST for exactly one key, one content type and at most `maxBytes` bytes. */
  createUploadSlot(request: SlotRequest): Promise<UploadSlot>;
  /** The size in bytes of the object under the key, undefined when nothing was uploaded to it. */
  head(key: string): Promise<number | undefined>;
  /** The uploaded bytes, or undefined when nothing (or more than `maxBytes`) was uploaded to the key. */
  read(key: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** Deletes the object and every version of it (a refused file: nothing kept); a missing key is a no-op. */
  delete(key: string): Promise<void>;
  /** F5: marks an accepted upload complete (UPLOAD_TAG), so the pending uploads' expiry leaves it. */
  keep(key: string): Promise<void>;
  /**
   * F1: a short-lived link that reads the object without credentials (S3: a presigned GET signed with the
   * caller's role, which must hold `s3:GetObject` on the key and `kms:Decrypt` of the data key via S3), for the
   * verification provider to fetch the document. `baseUrl`: where a local store serves it (S3 ignores it).
   */
  linkFor(key: string, expiresInSeconds: number, baseUrl?: string): Promise<DocumentLink>;
}

/** A document as the provider fetches it: a link that expires (`expiresAt`), never a key of the bucket. */
export interface DocumentLink {
  url: string;
  expiresAt: string;
}

/** The partition key prefix of a seen webhook event id's row (Shield table; the grant's LeadingKeys). */
export const SEEN_ID_PREFIX = 'KYC-WEBHOOK#';

/** Remembers webhook event ids until they expire: `claim` is true the first time an id is seen only. */
export interface SeenIdStore {
  claim(id: string, expiresAt: Date): Promise<boolean>;
}

export interface VerificationRequest {
  checkId: string;
  userId: string;
  /** Each identity document as a short-lived link the provider fetches (DocumentStore `linkFor`). */
  documents: ({ kind: DocumentKind } & DocumentLink)[];
}

export interface VerificationProvider {
  /** Starts a check; the decision arrives later as a signed webhook (webhook.ts). */
  startCheck(request: VerificationRequest): Promise<{ providerRef: string }>;
}

export interface Price {
  /** Fiat per one unit of the asset, as a decimal string. */
  price: string;
  at: Date;
}

export interface PriceSource {
  price(asset: Asset, fiat: Fiat): Promise<Price | undefined>;
}
