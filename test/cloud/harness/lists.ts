// Screening lists in the harness's list bucket (F2): a version written as the loader writes it
// (kernel/aws/list-store.ts's layout, through the real S3ListStore and loadListVersion), by the test's own
// hand rather than a function's role: an operator's load, before the approval-plane loader exists.
import { readFileSync } from 'node:fs';
import { S3ListStore } from '../../../lambdas/kernel/aws/list-store.js';
import { S3Error, type SignedS3 } from '../../../lambdas/kernel/aws/s3-client.js';
import { type LoadOutcome, loadListVersion } from '../../../lambdas/screening/versions.js';
import type { CloudHarness } from './cloud.js';

/** The S3 adapter's stand-in over the emulation's objects, outside IAM: writes and reads one bucket. */
function seedingClient(
  h: CloudHarness,
  bucket: string,
): Pick<SignedS3, 'putObject' | 'getObject' | 'listObjectsV2'> {
  const objects = () => h.s3.objects.get(bucket) ?? new Map();
  return {
    async putObject(_bucket, key, body, options = {}) {
      h.s3.seed(bucket, key, Buffer.from(body), options.contentType);
      return {};
    },
    async getObject(_bucket, key) {
      const found = objects().get(key);
      if (!found) throw new S3Error('NoSuchKey', 404, 'The specified key does not exist.');
      return { contentLength: found.body.length, body: found.body };
    },
    async listObjectsV2(_bucket, options) {
      const prefix = options.prefix ?? '';
      return { keys: [...objects().keys()].filter((k) => k.startsWith(prefix)), isTruncated: false };
    },
  };
}

/** The template's list bucket (the one SCREENING_LISTS_BUCKET names). */
export function listBucketOf(h: CloudHarness) {
  const bucket = h.model.buckets.find((b) => h.model.variables.get('SCREENING_LISTS_BUCKET')?.has(b.name));
  if (!bucket) throw new Error('no list bucket in the template');
  return bucket;
}

/** Loads the UN consolidated list of data/lists into the list bucket and makes it current. */
export async function loadUnList(h: CloudHarness): Promise<LoadOutcome> {
  const bucket = listBucketOf(h);
  const store = new S3ListStore(seedingClient(h, bucket.name) as SignedS3, bucket.name);
  return loadListVersion(store, {
    format: 'un-xml',
    list: 'un-sc',
    files: new Map([['consolidated.xml', new Uint8Array(readFileSync('data/lists/un/consolidated.xml'))]]),
    loadedBy: 'operator',
    now: new Date(),
  });
}
