// The audit checkpoints in AWS (D3): one object per checkpoint in the S3 bucket of lib/audit-checkpoints.ts,
// which has Object Lock in compliance mode (five years' default retention) and a bucket policy that lets
// the checkpoint writer's role alone put objects. Nobody, the account root included, can overwrite or
// delete a locked object version before its retention ends.
//
// Keys are `audit-checkpoints/<chain>/<999999999999 - seq>-<seq>.json`: S3 lists keys in ascending order,
// so the first key listed is the checkpoint of the highest sequence (one LIST call for the latest). A put is
// conditional (If-None-Match), so two writers racing over one sequence leave one object.
import {
  type AuditCheckpoint,
  CHECKPOINT_PREFIX,
  type CheckpointEntry,
  checkpointText,
  MAX_SEQ,
  parseCheckpoint,
} from '../audit/checkpoint.js';
import type { CheckpointStore } from '../ports/checkpoint-store.js';
import { once } from '../runtime/aws-env.js';
import { type S3Error, type SignedS3, s3FromEnv } from './s3-client.js';

/** The environment variable naming the bucket (ACCESS_ENV of the `audit-checkpoint:*` accesses). */
export const CHECKPOINT_BUCKET_ENV = 'AUDIT_CHECKPOINT_BUCKET';

const pad = (n: number) => String(n).padStart(12, '0');
export const chainPrefix = (chain: string) => `${CHECKPOINT_PREFIX}${chain}/`;
export const checkpointKey = (chain: string, seq: number) =>
  `${chainPrefix(chain)}${pad(MAX_SEQ - seq)}-${seq}.json`;

/** The sequence a key names, or undefined for a key that is not a checkpoint's. */
export function seqOfKey(chain: string, key: string): number | undefined {
  const match = /^(\d{12})-(\d{1,12})\.json$/.exec(key.slice(chainPrefix(chain).length));
  if (!key.startsWith(chainPrefix(chain)) || !match) return undefined;
  const seq = Number(match[2]);
  return MAX_SEQ - Number(match[1]) === seq ? seq : undefined;
}

/** How many objects are read at once when listing. */
const READ_CONCURRENCY = 8;

export class S3CheckpointStore implements CheckpointStore {
  constructor(
    private readonly s3: SignedS3,
    private readonly bucket: string,
  ) {}

  async put(checkpoint: AuditCheckpoint): Promise<'written' | 'exists'> {
    try {
      await this.s3.putObject(
        this.bucket,
        checkpointKey(checkpoint.chain, checkpoint.seq),
        checkpointText(checkpoint),
        // Written once: a second writer of the same sequence gets 412 (or 409 while the first is in flight).
        { contentType: 'application/json', ifNoneMatch: '*' },
      );
      return 'written';
    } catch (err) {
      const status = (err as S3Error).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) return 'exists';
      throw err;
    }
  }

  async latest(chain: string): Promise<CheckpointEntry | undefined> {
    const out = await this.s3.listObjectsV2(this.bucket, { prefix: chainPrefix(chain), maxKeys: 1 });
    const key = out.keys[0];
    return key === undefined ? undefined : this.read(chain, key);
  }

  async list(chain: string, range: { fromSeq?: number; toSeq?: number } = {}): Promise<CheckpointEntry[]> {
    const from = range.fromSeq ?? 1;
    const to = Math.min(range.toSeq ?? MAX_SEQ, MAX_SEQ);
    const prefix = chainPrefix(chain);
    // Keys run from the highest sequence down: start just before `to`'s key, stop below `from`.
    const startAfter = to < MAX_SEQ ? `${prefix}${pad(MAX_SEQ - to - 1)}~` : undefined;
    const keys: string[] = [];
    let token: string | undefined;
    let done = false;
    do {
      const out = await this.s3.listObjectsV2(this.bucket, {
        prefix,
        ...(token ? { continuationToken: token } : startAfter ? { startAfter } : {}),
      });
      for (const key of out.keys) {
        const seq = seqOfKey(chain, key);
        if (seq !== undefined && seq < from) {
          done = true;
          break;
        }
        if (seq === undefined || seq <= to) keys.push(key);
      }
      token = out.isTruncated ? out.nextContinuationToken : undefined;
    } while (token && !done);
    const entries: CheckpointEntry[] = new Array(keys.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < keys.length; i = next++)
        entries[i] = await this.read(chain, keys[i] as string);
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, keys.length) }, worker));
    return entries.reverse();
  }

  private async read(chain: string, key: string): Promise<CheckpointEntry> {
    const seq = seqOfKey(chain, key);
    if (seq === undefined) return { ref: key, error: 'not a checkpoint key' };
    const out = await this.s3.getObject(this.bucket, key);
    const entry = parseCheckpoint(key, out.body?.toString('utf8') ?? '');
    if (entry.checkpoint && (entry.checkpoint.chain !== chain || entry.checkpoint.seq !== seq)) {
      return {
        ref: key,
        error: `holds the checkpoint of ${entry.checkpoint.chain} seq ${entry.checkpoint.seq}`,
      };
    }
    return entry;
  }
}

/**
 * The bucket's name is read here rather than through aws-env.ts's schema, which every bundle carries (the
 * login functions are at the size budget); lazyHandler's init check has made sure it is set.
 */
function checkpointBucket(): string {
  const bucket = process.env[CHECKPOINT_BUCKET_ENV];
  if (!bucket) throw new Error(`Missing environment variable ${CHECKPOINT_BUCKET_ENV}`);
  return bucket;
}

export const awsCheckpointStore = /* @__PURE__ */ once(
  () => new S3CheckpointStore(s3FromEnv(), checkpointBucket()),
);
