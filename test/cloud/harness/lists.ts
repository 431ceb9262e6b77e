// Screening lists in the harness's list bucket (F2): a version written as the loader writes it
// (kernel/aws/list-store.ts's layout, through the real S3ListStore and loadListVersion), by the test's own
// hand rather than a function's role: an operator's load, before the approval-plane loader exists.
import { readFileSync } from 'node:fs';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3ListStore } from '../../../lambdas/kernel/aws/list-store.js';
import { type LoadOutcome, loadListVersion } from '../../../lambdas/screening/versions.js';
import type { CloudHarness } from './cloud.js';

/** An S3 client stand-in over the emulation's objects, outside IAM: writes and reads one bucket. */
function seedingClient(h: CloudHarness, bucket: string) {
  const objects = () => h.s3.objects.get(bucket) ?? new Map();
  return {
    async send(command: unknown) {
      if (command instanceof PutObjectCommand) {
        const body = command.input.Body as Uint8Array | string;
        h.s3.seed(bucket, command.input.Key as string, Buffer.from(body), command.input.ContentType);
        return {};
      }
      if (command instanceof GetObjectCommand) {
        const found = objects().get(command.input.Key as string);
        if (!found) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
        return { Body: { transformToString: async () => found.body.toString('utf8') } };
      }
      if (command instanceof ListObjectsV2Command) {
        const prefix = command.input.Prefix ?? '';
        return {
          Contents: [...objects().keys()].filter((k) => k.startsWith(prefix)).map((Key) => ({ Key })),
        };
      }
      throw new Error('not used by the loader');
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
  const store = new S3ListStore(seedingClient(h, bucket.name) as never, bucket.name);
  return loadListVersion(store, {
    format: 'un-xml',
    list: 'un-sc',
    files: new Map([['consolidated.xml', new Uint8Array(readFileSync('data/lists/un/consolidated.xml'))]]),
    loadedBy: 'operator',
    now: new Date(),
  });
}
