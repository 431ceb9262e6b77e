// F2: the staged files of a `load-screening-list` request in AWS: `incoming/<requestId>/<name>` of the list
// bucket. A slot is a presigned POST whose policy fixes the bucket, the key and the size range and expires
// with the slot; the bucket's default encryption (SSE-KMS, its own key) applies. The digest is not bound in
// the policy: the loader checks every file's sha-256 against the approved payload before loading anything.
import { GetObjectCommand, type S3Client, type S3ServiceException } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import {
  type ListStaging,
  MAX_STAGED_FILE_BYTES,
  STAGING_SLOT_SECONDS,
  stagedKey,
  type UploadSlot,
} from '../staging.js';

/** The policy conditions of one slot's presigned POST (exported for the tests: the policy is the control). */
export function stagingPolicy(bucket: string, key: string) {
  return [{ bucket }, ['eq', '$key', key], ['content-length-range', 1, MAX_STAGED_FILE_BYTES]] as const;
}

export class S3ListStaging implements ListStaging {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly clock: { now(): Date },
  ) {}

  async createSlots(input: { requestId: string; names: readonly string[] }): Promise<UploadSlot[]> {
    const expiresAt = new Date(this.clock.now().getTime() + STAGING_SLOT_SECONDS * 1000).toISOString();
    return Promise.all(
      input.names.map(async (name) => {
        const key = stagedKey(input.requestId, name);
        const post = await createPresignedPost(this.s3, {
          Bucket: this.bucket,
          Key: key,
          Conditions: stagingPolicy(this.bucket, key) as unknown as Parameters<
            typeof createPresignedPost
          >[1]['Conditions'],
          Expires: STAGING_SLOT_SECONDS,
        });
        return { name, url: post.url, fields: post.fields, expiresAt, maxBytes: MAX_STAGED_FILE_BYTES };
      }),
    );
  }

  async read(requestId: string, name: string): Promise<Uint8Array | undefined> {
    try {
      const object = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: stagedKey(requestId, name) }),
      );
      if ((object.ContentLength ?? 0) > MAX_STAGED_FILE_BYTES || !object.Body) return undefined;
      return await object.Body.transformToByteArray();
    } catch (err) {
      if ((err as S3ServiceException).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }
}
