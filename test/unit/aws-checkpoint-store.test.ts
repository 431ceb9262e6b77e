// D3: the S3 adapter of the checkpoint store, against a scripted S3 (the kernel's signed S3 adapter's
// interface): the requests it makes, the key order that makes the latest checkpoint one LIST away, and the
// write-once put.
import { beforeEach, describe, expect, it } from 'vitest';
import { type AuditCheckpoint, checkpointText } from '../../lambdas/kernel/audit/checkpoint.js';
import { checkpointKey, S3CheckpointStore, seqOfKey } from '../../lambdas/kernel/aws/checkpoint-store.js';
import { S3Error, type SignedS3 } from '../../lambdas/kernel/aws/s3-client.js';

const BUCKET = 'palisade-audit-checkpoints';

/** The calls made, by operation, and what each operation answers next (a value, or an error to throw). */
let calls: Record<string, unknown[][]>;
let script: Record<string, (...args: unknown[]) => unknown>;
beforeEach(() => {
  calls = {};
  script = {};
});
const s3 = new Proxy(
  {},
  {
    get:
      (_target, op: string) =>
      async (...args: unknown[]) => {
        calls[op] = [...(calls[op] ?? []), args];
        const answer = script[op]?.(...args);
        if (answer instanceof Error) throw answer;
        return answer ?? {};
      },
  },
) as unknown as SignedS3;

const checkpoint = (seq: number, chain = 'main'): AuditCheckpoint => ({
  v: 1,
  chain,
  seq,
  headHash: 'ab'.repeat(32),
  at: '2026-03-01T10:00:00.000Z',
  keyId: 'arn:aws:kms:eu-west-1:111122223333:key/sign-1',
  sig: 'MEUCIQ==',
});

const body = (text: string) => ({ contentLength: text.length, body: Buffer.from(text) });
const store = () => new S3CheckpointStore(s3, BUCKET);

describe('D3 S3CheckpointStore', () => {
  it('D3 names keys so that S3 lists the highest sequence first, and reads a key back to its sequence', () => {
    expect(checkpointKey('main', 1)).toBe('audit-checkpoints/main/999999999998-1.json');
    expect(checkpointKey('main', 42)).toBe('audit-checkpoints/main/999999999957-42.json');
    const keys = [1, 9, 10, 100, 12345].map((seq) => checkpointKey('main', seq));
    expect([...keys].sort()).toEqual([...keys].reverse());
    expect(seqOfKey('main', checkpointKey('main', 42))).toBe(42);
    // A key whose two halves disagree, or of another chain, is not a checkpoint's.
    expect(seqOfKey('main', 'audit-checkpoints/main/999999999957-43.json')).toBeUndefined();
    expect(seqOfKey('main', checkpointKey('other', 42))).toBeUndefined();
  });

  it('D3 writes a checkpoint once, with If-None-Match; a second writer of the sequence learns it exists', async () => {
    expect(await store().put(checkpoint(7))).toBe('written');
    expect(calls.putObject?.[0]).toEqual([
      BUCKET,
      'audit-checkpoints/main/999999999992-7.json',
      checkpointText(checkpoint(7)),
      { contentType: 'application/json', ifNoneMatch: '*' },
    ]);
    script.putObject = () =>
      new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions failed');
    expect(await store().put(checkpoint(7))).toBe('exists');
    script.putObject = () => new S3Error('ConditionalRequestConflict', 409, 'in flight');
    expect(await store().put(checkpoint(7))).toBe('exists');
    script.putObject = () => new S3Error('AccessDenied', 403, 'Access Denied');
    await expect(store().put(checkpoint(7))).rejects.toThrow('Access Denied');
  });

  it('D3 the latest checkpoint is one LIST of one key and one GET', async () => {
    script.listObjectsV2 = () => ({ keys: [checkpointKey('main', 12)], isTruncated: false });
    script.getObject = () => body(checkpointText(checkpoint(12)));
    expect(await store().latest('main')).toEqual({
      ref: checkpointKey('main', 12),
      checkpoint: checkpoint(12),
    });
    expect(calls.listObjectsV2?.[0]).toEqual([BUCKET, { prefix: 'audit-checkpoints/main/', maxKeys: 1 }]);
    script.listObjectsV2 = () => ({ keys: [], isTruncated: false });
    expect(await store().latest('main')).toBeUndefined();
  });

  it("D3 lists a range from its upper end down, ascending in the answer; a body that is not its key's checkpoint is unreadable", async () => {
    const keys = [9, 7, 5, 3].map((seq) => checkpointKey('main', seq));
    script.listObjectsV2 = () => ({ keys, isTruncated: false });
    script.getObject = (_bucket, key) =>
      // Stored under seq 5's key, but seq 6's checkpoint.
      key === checkpointKey('main', 7)
        ? body(checkpointText(checkpoint(7)))
        : key === checkpointKey('main', 5)
          ? body(checkpointText(checkpoint(6)))
          : new S3Error('NoSuchKey', 404, 'not scripted');
    const listed = await store().list('main', { fromSeq: 4, toSeq: 8 });
    expect(calls.listObjectsV2?.[0]).toEqual([
      BUCKET,
      // Just before seq 8's key: the keys of seq ≤ 8 follow.
      { prefix: 'audit-checkpoints/main/', startAfter: 'audit-checkpoints/main/999999999990~' },
    ]);
    expect(listed).toEqual([
      { ref: checkpointKey('main', 5), error: 'holds the checkpoint of main seq 6' },
      { ref: checkpointKey('main', 7), checkpoint: checkpoint(7) },
    ]);
    // seq 9 lies above the range (a real LIST would not return it after StartAfter), seq 3 below: neither read.
    expect(calls.getObject?.map((c) => c[1])).not.toContain(checkpointKey('main', 3));
  });
});
