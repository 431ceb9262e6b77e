// F5: the KYC documents of a customer whose records are due, erased in AWS. The sweep does not delete them
// itself: it tags every version of every object under `kyc/<userId>/` with ERASE_TAG, and the bucket's
// lifecycle rule on that tag (lib/data.ts) expires them (current and noncurrent versions, a day later). So the
// sweep's role holds no s3:DeleteObject*, only the tagging of those objects and the listing of their versions.
import { listObjectVersions, putObjectTagging, type SignedS3 } from '../../kernel/aws/s3-client.js';
import { DOCUMENT_PREFIX } from '../../kyc/contracts.js';
import { ERASE_TAG } from '../retention-tags.js';

const USER_ID = /^[A-Za-z0-9_-]{1,128}$/;

export class S3DocumentEraser {
  constructor(
    private readonly s3: SignedS3,
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
      const page = await listObjectVersions(this.s3, this.bucket, {
        prefix,
        ...(keyMarker ? { keyMarker } : {}),
        ...(versionMarker ? { versionIdMarker: versionMarker } : {}),
      });
      for (const version of page.versions) {
        if (!version.key) continue;
        await putObjectTagging(
          this.s3,
          this.bucket,
          version.key,
          { [ERASE_TAG.key]: ERASE_TAG.value },
          version.versionId && version.versionId !== 'null' ? version.versionId : undefined,
        );
        keys.add(version.key);
      }
      keyMarker = page.isTruncated ? page.nextKeyMarker : undefined;
      versionMarker = page.isTruncated ? page.nextVersionIdMarker : undefined;
    } while (keyMarker);
    return keys.size;
  }
}
