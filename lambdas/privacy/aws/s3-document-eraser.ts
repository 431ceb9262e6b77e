// F5: the KYC documents of a customer whose records are due, erased in AWS. The sweep does not delete them
// itself: it tags every version of every object under `kyc/<userId>/` with ERASE_TAG, and the bucket's
// lifecycle rule on that tag (lib/data.ts) expires them (current and noncurrent versions, a day later). So the
// sweep's role holds no s3:DeleteObject*, only the tagging of those objects and the listing of their versions.
import {
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { DOCUMENT_PREFIX } from '../../kyc/contracts.js';
import { ERASE_TAG } from '../retention-tags.js';

const USER_ID = /^[A-Za-z0-9_-]{1,128}$/;

export class S3DocumentEraser {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** Tags every version under the user's prefix; answers how many documents (keys) it tagged. */
  async eraseAll(userId: string): Promise<number> {
    if (!USER_ID.test(userId)) throw new RangeError('not a safe user id');
    const prefix = `${DOCUMENT_PREFIX}${userId}/`;
    const keys = new Set<string>();
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const page: ListObjectVersionsCommandOutput = await this.s3.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(versionMarker ? { VersionIdMarker: versionMarker } : {}),
        }),
      );
      for (const version of page.Versions ?? []) {
        if (!version.Key) continue;
        await this.s3.send(
          new PutObjectTaggingCommand({
            Bucket: this.bucket,
            Key: version.Key,
            ...(version.VersionId && version.VersionId !== 'null' ? { VersionId: version.VersionId } : {}),
            Tagging: { TagSet: [{ Key: ERASE_TAG.key, Value: ERASE_TAG.value }] },
          }),
        );
        keys.add(version.Key);
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker);
    return keys.size;
  }
}
