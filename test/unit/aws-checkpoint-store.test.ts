// D3: the S3 adapter of the checkpoint store, against a mocked S3 client: the requests it makes, the key
// order that makes the latest checkpoint one LIST away, and the write-once put.
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type AuditCheckpoint, checkpointText } from '../../lambdas/kernel/audit/checkpoint.js';
import { checkpointKey, S3CheckpointStore, seqOfKey } from '../../lambdas/kernel/aws/checkpoint-store.js';

const s3 = mockClient(S3Client);
const BUCKET = 'palisade-audit-checkpoints';
beforeEach(() => s3.reset());

const checkpoint = (seq: number, chain = 'main'): AuditCheckpoint => ({
  v: 1,
  chain,
  seq,
  headHash: 'ab'.repeat(32),
  at: '2026-03-01T10:00:00.000Z',
  keyId: 'arn:aws:kms:eu-west-1:111122223333:key/sign-1',
  sig: 'MEUCIQ==',
});

const body = (text: string) =>
  ({ Body: { transformToString: async () => text } }) as unknown as GetObjectCommandOutput;
const store = () => new S3CheckpointStore(new S3Client({ region: 'eu-west-1' }), BUCKET);

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
    s3.on(PutObjectCommand).resolvesOnce({});
    expect(await store().put(checkpoint(7))).toBe('written');
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: 'audit-checkpoints/main/999999999992-7.json',
      Body: checkpointText(checkpoint(7)),
      ContentType: 'application/json',
      IfNoneMatch: '*',
    });
    const taken = new S3ServiceException({
      name: 'PreconditionFailed',
      $fault: 'client',
      $metadata: { httpStatusCode: 412 },
    });
    s3.on(PutObjectCommand).rejects(taken);
    expect(await store().put(checkpoint(7))).toBe('exists');
    const denied = new S3ServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
    });
    s3.on(PutObjectCommand).rejects(denied);
    await expect(store().put(checkpoint(7))).rejects.toThrow();
  });

  it('D3 the latest checkpoint is one LIST of one key and one GET', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: checkpointKey('main', 12) }] });
    s3.on(GetObjectCommand).resolves(body(checkpointText(checkpoint(12))));
    expect(await store().latest('main')).toEqual({
      ref: checkpointKey('main', 12),
      checkpoint: checkpoint(12),
    });
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Prefix: 'audit-checkpoints/main/',
      MaxKeys: 1,
    });
    s3.on(ListObjectsV2Command).resolves({});
    expect(await store().latest('main')).toBeUndefined();
  });

  it("D3 lists a range from its upper end down, ascending in the answer; a body that is not its key's checkpoint is unreadable", async () => {
    const keys = [9, 7, 5, 3].map((seq) => checkpointKey('main', seq));
    s3.on(ListObjectsV2Command).resolves({ Contents: keys.map((Key) => ({ Key })) });
    s3.on(GetObjectCommand, { Key: checkpointKey('main', 7) }).resolves(body(checkpointText(checkpoint(7))));
    // Stored under seq 5's key, but seq 6's checkpoint.
    s3.on(GetObjectCommand, { Key: checkpointKey('main', 5) }).resolves(body(checkpointText(checkpoint(6))));
    const listed = await store().list('main', { fromSeq: 4, toSeq: 8 });
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Prefix: 'audit-checkpoints/main/',
      // Just before seq 8's key: the keys of seq ≤ 8 follow.
      StartAfter: 'audit-checkpoints/main/999999999990~',
    });
    expect(listed).toEqual([
      { ref: checkpointKey('main', 5), error: 'holds the checkpoint of main seq 6' },
      { ref: checkpointKey('main', 7), checkpoint: checkpoint(7) },
    ]);
    // seq 9 lies above the range (a real LIST would not return it after StartAfter), seq 3 below: neither read.
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).not.toContain(
      checkpointKey('main', 3),
    );
  });
});
