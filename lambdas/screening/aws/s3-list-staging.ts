// F2: the staged files of a `load-screening-list` request in AWS: `incoming/<requestId>/<name>` of the list
// bucket. A slot is a presigned POST whose policy fixes the bucket, the key and the size range and expires
// with the slot; the bucket's default encryption (SSE-KMS, its own key) applies. The digest is not bound in
// the policy: the loader checks every file's sha-256 against the approved payload before loading anything.
import { presignPost, type S3Error, type SignedS3 } from '../../kernel/aws/s3-client.js';
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
    private readonly s3: SignedS3,
    private readonly bucket: string,
    private readonly clock: { now(): Date },
  ) {}

  async createSlots(input: { requestId: string; names: readonly string[] }): Promise<UploadSlot[]> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + STAGING_SLOT_SECONDS * 1000).toISOString();
    return Promise.all(
      input.names.map(async (name) => {
        const key = stagedKey(input.requestId, name);
        const post = await presignPost(this.s3, this.bucket, key, {
          conditions: stagingPolicy(this.bucket, key),
          expiresIn: STAGING_SLOT_SECONDS,
          now,
        });
        return { name, url: post.url, fields: post.fields, expiresAt, maxBytes: MAX_STAGED_FILE_BYTES };
      }),
    );
  }

  async read(requestId: string, name: string): Promise<Uint8Array | undefined> {
    try {
      const object = await this.s3.getObject(this.bucket, stagedKey(requestId, name), {
        maxBytes: MAX_STAGED_FILE_BYTES,
      });
      return object.body ? new Uint8Array(object.body) : undefined;
    } catch (err) {
      if ((err as S3Error).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }
}
