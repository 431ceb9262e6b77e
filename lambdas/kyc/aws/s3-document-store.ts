// F1: the KYC documents in AWS. The client never sends a file through the API: it gets a presigned POST for
// one object key (one per slot), whose policy fixes the key, the content type, the size range and SSE-KMS with
// the personal-data key, and expires with the slot. The server then reads the object to check it
// (documents.ts) and deletes it when it is refused.
import {
  deleteObject,
  headObject,
  presignGet,
  presignPost,
  putObjectTagging,
  type S3Error,
  type SignedS3,
} from '../../kernel/aws/s3-client.js';
import {
  type DocumentLink,
  type DocumentStore,
  documentKey,
  PENDING_UPLOAD_TAGGING,
  type SlotRequest,
  UPLOAD_TAG,
  type UploadSlot,
} from '../ports.js';

/** The environment variables naming the bucket and the data key (the `kyc-documents:*` accesses, to come). */
export const KYC_DOCUMENTS_BUCKET_ENV = 'KYC_DOCUMENTS_BUCKET';
export const KYC_DOCUMENTS_KEY_ENV = 'KYC_DOCUMENTS_KEY_ARN';

export interface S3DocumentStoreOptions {
  bucket: string;
  /** The KMS key (ARN) the objects are encrypted with: the personal-data key (E2). */
  kmsKeyArn: string;
  clock: { now(): Date };
}

/** The policy conditions and fields of one slot's presigned POST (exported for the tests: the policy is the control). */
export function slotPolicy(
  request: SlotRequest,
  options: Pick<S3DocumentStoreOptions, 'bucket' | 'kmsKeyArn'>,
) {
  const key = documentKey(request.userId, request.slotId);
  const fields = {
    'Content-Type': request.contentType,
    'x-amz-server-side-encryption': 'aws:kms',
    'x-amz-server-side-encryption-aws-kms-key-id': options.kmsKeyArn,
    // F5: the upload is pending until its check accepts it; the bucket expires a pending one after a day.
    tagging: PENDING_UPLOAD_TAGGING,
  };
  const conditions = [
    { bucket: options.bucket },
    ['eq', '$key', key],
    ['eq', '$Content-Type', request.contentType],
    ['content-length-range', 1, request.maxBytes],
    ['eq', '$x-amz-server-side-encryption', 'aws:kms'],
    ['eq', '$x-amz-server-side-encryption-aws-kms-key-id', options.kmsKeyArn],
    ['eq', '$tagging', PENDING_UPLOAD_TAGGING],
  ] as const;
  return { key, fields, conditions };
}

export class S3DocumentStore implements DocumentStore {
  constructor(
    private readonly s3: SignedS3,
    private readonly options: S3DocumentStoreOptions,
    /** Whether this store signs links (CheckKycDocument's, aws/documents-check-env.ts). */
    private readonly signsLinks = false,
  ) {}

  async createUploadSlot(request: SlotRequest): Promise<UploadSlot> {
    const { key, fields, conditions } = slotPolicy(request, this.options);
    const now = this.options.clock.now();
    const post = await presignPost(this.s3, this.options.bucket, key, {
      conditions,
      fields,
      expiresIn: request.expiresInSeconds,
      now,
    });
    return {
      slotId: request.slotId,
      key,
      url: post.url,
      fields: post.fields,
      expiresAt: new Date(now.getTime() + request.expiresInSeconds * 1000).toISOString(),
      maxBytes: request.maxBytes,
      contentType: request.contentType,
    };
  }

  /**
   * A presigned GET of the object, signed with this function's role: whoever holds the URL reads the object as
   * that role until it expires, so the role needs `s3:GetObject` on the key and S3's use of the data key
   * (`kms:Decrypt` via S3) at the time of the fetch. Temporary role credentials cap the lifetime: a URL is
   * never valid past the session it was signed with (Lambda's sessions outlive the few minutes asked here).
   */
  async linkFor(key: string, expiresInSeconds: number): Promise<DocumentLink> {
    if (!this.signsLinks) throw new Error('This document store signs no links');
    const issuedAt = this.options.clock.now();
    const url = await presignGet(this.s3, this.options.bucket, key, {
      expiresIn: expiresInSeconds,
      signingDate: issuedAt,
    });
    return { url, expiresAt: new Date(issuedAt.getTime() + expiresInSeconds * 1000).toISOString() };
  }

  async head(key: string): Promise<number | undefined> {
    try {
      return (await headObject(this.s3, this.options.bucket, key)).contentLength;
    } catch (err) {
      const name = (err as S3Error).name;
      if (name === 'NotFound' || name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async read(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    try {
      const object = await this.s3.getObject(this.options.bucket, key, { maxBytes });
      return object.body ? new Uint8Array(object.body) : undefined;
    } catch (err) {
      if ((err as S3Error).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  /** F5: the accepted upload's current version tagged complete: the pending uploads' expiry leaves it. */
  async keep(key: string): Promise<void> {
    await putObjectTagging(this.s3, this.options.bucket, key, { [UPLOAD_TAG.key]: UPLOAD_TAG.complete });
  }

  /**
   * The bucket is versioned (F5 keeps overwritten documents five years), so a plain delete would only hide a
   * refused file behind a delete marker: the current version is deleted by its id, for good. (A slot's key can
   * be posted to again until the policy expires; an earlier upload to it stays a noncurrent version, the
   * customer's own file, expired with the bucket's noncurrent versions.)
   */
  async delete(key: string): Promise<void> {
    let versionId: string | undefined;
    try {
      versionId = (await headObject(this.s3, this.options.bucket, key)).versionId;
    } catch (err) {
      const name = (err as S3Error).name;
      if (name === 'NotFound' || name === 'NoSuchKey') return;
      throw err;
    }
    await deleteObject(
      this.s3,
      this.options.bucket,
      key,
      versionId && versionId !== 'null' ? versionId : undefined,
    );
  }
}
