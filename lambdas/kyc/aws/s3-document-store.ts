// F1: the KYC documents in AWS. The client never sends a file through the API: it gets a presigned POST for
// one object key (one per slot), whose policy fixes the key, the content type, the size range and SSE-KMS with
// the personal-data key, and expires with the slot. The server then reads the object to check it
// (documents.ts) and deletes it when it is refused.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
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

/**
 * The presigner of GETs (`getSignedUrl` of @aws-sdk/s3-request-presigner), given only where links are signed
 * (CheckKycDocument, aws/documents-env.ts `awsDocumentChecker`) so that the upload route does not bundle it.
 */
export type GetPresigner = (
  client: S3Client,
  command: GetObjectCommand,
  options: { expiresIn: number; signingDate: Date },
) => Promise<string>;

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
    private readonly s3: S3Client,
    private readonly options: S3DocumentStoreOptions,
    private readonly presign?: GetPresigner,
  ) {}

  async createUploadSlot(request: SlotRequest): Promise<UploadSlot> {
    const { key, fields, conditions } = slotPolicy(request, this.options);
    const post = await createPresignedPost(this.s3, {
      Bucket: this.options.bucket,
      Key: key,
      // The library types the conditions loosely; ours are the documented POST policy conditions.
      Conditions: conditions as unknown as Parameters<typeof createPresignedPost>[1]['Conditions'],
      Fields: fields,
      Expires: request.expiresInSeconds,
    });
    return {
      slotId: request.slotId,
      key,
      url: post.url,
      fields: post.fields,
      expiresAt: new Date(this.options.clock.now().getTime() + request.expiresInSeconds * 1000).toISOString(),
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
    if (!this.presign) throw new Error('This document store signs no links');
    const issuedAt = this.options.clock.now();
    const command = new GetObjectCommand({ Bucket: this.options.bucket, Key: key });
    const url = await this.presign(this.s3, command, { expiresIn: expiresInSeconds, signingDate: issuedAt });
    return { url, expiresAt: new Date(issuedAt.getTime() + expiresInSeconds * 1000).toISOString() };
  }

  async head(key: string): Promise<number | undefined> {
    try {
      const object = await this.s3.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return object.ContentLength ?? 0;
    } catch (err) {
      const name = (err as S3ServiceException).name;
      if (name === 'NotFound' || name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async read(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      if ((object.ContentLength ?? 0) > maxBytes || !object.Body) return undefined;
      return await object.Body.transformToByteArray();
    } catch (err) {
      if ((err as S3ServiceException).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  /** F5: the accepted upload's current version tagged complete: the pending uploads' expiry leaves it. */
  async keep(key: string): Promise<void> {
    await this.s3.send(
      new PutObjectTaggingCommand({
        Bucket: this.options.bucket,
        Key: key,
        Tagging: { TagSet: [{ Key: UPLOAD_TAG.key, Value: UPLOAD_TAG.complete }] },
      }),
    );
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
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      versionId = head.VersionId;
    } catch (err) {
      const name = (err as S3ServiceException).name;
      if (name === 'NotFound' || name === 'NoSuchKey') return;
      throw err;
    }
    await this.s3.send(
      new DeleteObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        ...(versionId && versionId !== 'null' ? { VersionId: versionId } : {}),
      }),
    );
  }
}
