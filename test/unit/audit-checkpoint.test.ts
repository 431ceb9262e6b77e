// D3: the audit chain's tail, anchored. The verifier (kernel/audit/anchor.ts) against a chain cut short, a
// checkpointed record rewritten and signed again, a forged checkpoint, and the tail it cannot vouch for; the
// writer (checkpoint-writer.ts) that refuses to checkpoint over any of those; the local append-only store.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnchors } from '../../lambdas/kernel/audit/anchor.js';
import type { AuditLog } from '../../lambdas/kernel/audit/audit-log.js';
import {
  AUDIT_LOGICAL_TABLE,
  type AuditRecord,
  chainPartition,
  GENESIS_HASH,
  seqSortKey,
} from '../../lambdas/kernel/audit/audit-record.js';
import { recordHash, verifyChain } from '../../lambdas/kernel/audit/chain.js';
import {
  type AuditCheckpoint,
  type CheckpointEntry,
  checkpointBytes,
  checkpointSignature,
  signCheckpoint,
} from '../../lambdas/kernel/audit/checkpoint.js';
import { AnchorBroken, CheckpointWriter } from '../../lambdas/kernel/audit/checkpoint-writer.js';
import { sha256, verifySignature } from '../../lambdas/kernel/crypto/verify-signature.js';
import { canonicalItemBytes } from '../../lambdas/kernel/integrity/canonical-item.js';
import { RowSigner } from '../../lambdas/kernel/integrity/row-signature.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { CHECKPOINT_FILE, LocalCheckpointStore } from '../../local/adapters/checkpoint-store.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';

let dir: string;
let keys: LocalKeyService;
/** Another platform's key: what an outsider (or a stolen key of another stack) signs with. */
let otherKeys: LocalKeyService;
let publicKeys: Map<string, Uint8Array>;
const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'palisade-checkpoint-'));
  keys = await LocalKeyService.open(join(dir, 'keys'));
  otherKeys = await LocalKeyService.open(join(dir, 'other-keys'));
  const { keyId, spki } = await keys.getPublicKey();
  publicKeys = new Map([[keyId, spki]]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let stores = 0;
const freshStore = () => new LocalCheckpointStore(join(dir, `store-${++stores}`));

/** Appends `n` signed, linked records to `records` (as AuditLog.append would). */
async function append(records: AuditRecord[], n: number): Promise<AuditRecord[]> {
  const signer = new RowSigner(keys);
  for (let i = 0; i < n; i++) {
    const head = records.at(-1);
    const seq = (head?.seq ?? 0) + 1;
    const item = {
      pk: chainPartition('main'),
      sk: seqSortKey(seq),
      chain: 'main',
      seq,
      prevHash: head ? recordHash(head) : GENESIS_HASH,
      actor: { kind: 'admin' as const, id: 'admin-1', tier: 'support' },
      action: 'admin.read-user',
      target: { kind: 'user' as const, id: `user-${seq}` },
      outcome: 'success' as const,
      at: new Date(Date.parse('2026-03-01T09:00:00Z') + seq * 1000).toISOString(),
      requestId: `req-${seq}`,
      targetKey: `user#user-${seq}`,
      actorKey: 'admin#admin-1',
      version: 1,
    };
    records.push(await signer.sign(AUDIT_LOGICAL_TABLE, { pk: item.pk, sk: item.sk }, item));
  }
  return records;
}

const chainOf = (n: number) => append([], n);

/** The insider's edit: change a record and sign it again with the platform key (the local key file). */
async function rewrite(record: AuditRecord, change: Partial<AuditRecord>): Promise<AuditRecord> {
  const { sig: _sig, sigKeyId: _id, ...rest } = record;
  const changed = { ...rest, ...change } as AuditRecord;
  return new RowSigner(keys).sign(AUDIT_LOGICAL_TABLE, { pk: record.pk, sk: record.sk }, changed);
}

const checkpointOf = (records: readonly AuditRecord[], seq: number, signer = keys) => {
  const record = records.find((r) => r.seq === seq);
  if (!record) throw new Error(`no record ${seq}`);
  return signCheckpoint(signer, {
    chain: 'main',
    seq,
    headHash: recordHash(record),
    at: clock.now().toISOString(),
  });
};

const entry = (checkpoint: AuditCheckpoint, ref = `cp-${checkpoint.seq}`): CheckpointEntry => ({
  ref,
  checkpoint,
});

/** The audit log's `range` over an in-memory chain, paged as DynamoDB pages a query. */
const memoryAudit = (records: () => readonly AuditRecord[]): Pick<AuditLog, 'range'> => ({
  async range(fromSeq = 1, limit = 500, startKey?: Record<string, unknown>) {
    const after = startKey ? Number(String(startKey.sk).slice('SEQ#'.length)) : fromSeq - 1;
    // As SignedTable returns them: verified, without their signature attributes.
    const items = [...records()]
      .filter((r) => r.seq > after)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit)
      .map(({ sig: _sig, sigKeyId: _keyId, ...rest }) => rest as AuditRecord);
    const last = items.at(-1);
    return {
      items,
      ...(last && items.length === limit ? { next: { pk: last.pk, sk: last.sk } } : {}),
    };
  },
});

describe('D3 audit:verify against the checkpoints (anchor.ts)', () => {
  it('D3 a chain that reaches its checkpoints passes, and the records after the latest are counted as the unanchored tail', async () => {
    const records = await chainOf(7);
    const entries = [entry(await checkpointOf(records, 3)), entry(await checkpointOf(records, 5))];
    const report = checkAnchors(records, entries, publicKeys, { complete: true });
    expect(report).toMatchObject({
      ok: true,
      checked: 2,
      anchoredTo: 5,
      latest: { seq: 5, ref: 'cp-5' },
      tail: {
        count: 2,
        fromSeq: 6,
        toSeq: 7,
        firstAt: records[5]?.at,
        lastAt: records[6]?.at,
      },
      findings: [],
    });
    // Fully anchored: no tail.
    const all = checkAnchors(records, [entry(await checkpointOf(records, 7))], publicKeys, {
      complete: true,
    });
    expect(all.ok).toBe(true);
    expect(all.tail).toBeUndefined();
  });

  it('D3 truncation: deleting the last records leaves a chain that verifies, but shorter than its checkpoint; the missing records are named', async () => {
    const records = await chainOf(6);
    const entries = [entry(await checkpointOf(records, 6))];
    const truncated = records.slice(0, 4);
    // The chain alone cannot tell.
    expect(verifyChain(truncated, publicKeys).ok).toBe(true);
    const report = checkAnchors(truncated, entries, publicKeys, { complete: true });
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([
      {
        kind: 'truncated',
        checkpoint: { ref: 'cp-6', seq: 6, at: clock.now().toISOString() },
        lastSeq: 4,
        missingFrom: 5,
        missingTo: 6,
      },
    ]);
    // Every record gone is truncation as well.
    expect(checkAnchors([], entries, publicKeys, { complete: true }).findings).toMatchObject([
      { kind: 'truncated', lastSeq: 0, missingFrom: 1, missingTo: 6 },
    ]);
  });

  it('D3 a checkpointed record rewritten and signed again with the platform key: the chain still verifies, the checkpoint names the record', async () => {
    const records = await chainOf(5);
    const entries = [entry(await checkpointOf(records, 3)), entry(await checkpointOf(records, 5))];
    const last = records[4] as AuditRecord;
    const forged = [...records.slice(0, 4), await rewrite(last, { outcome: 'refused' })];
    expect(verifyChain(forged, publicKeys).ok).toBe(true);
    const report = checkAnchors(forged, entries, publicKeys, { complete: true });
    expect(report.ok).toBe(false);
    expect(report.anchoredTo).toBe(3);
    expect(report.findings).toEqual([
      {
        kind: 'rewritten',
        checkpoint: { ref: 'cp-5', seq: 5, at: clock.now().toISOString() },
        record: {
          seq: 5,
          id: 'CHAIN#main/SEQ#000000000005',
          action: 'admin.read-user',
          at: last.at,
          requestId: 'req-5',
        },
        expected: recordHash(last),
        found: recordHash(forged[4] as AuditRecord),
      },
    ]);
  });

  it('D3 a rewrite deeper in the chain, relinked and re-signed up to the head, fails every checkpoint after it', async () => {
    const records = await chainOf(6);
    const entries = await Promise.all([2, 4, 6].map(async (seq) => entry(await checkpointOf(records, seq))));
    // Record 3 changed; 3..6 signed again so that every link holds.
    const forged = records.slice(0, 2);
    for (const original of records.slice(2)) {
      const prev = forged.at(-1) as AuditRecord;
      forged.push(
        await rewrite(original, {
          prevHash: recordHash(prev),
          ...(original.seq === 3 ? { outcome: 'failed' as const } : {}),
        }),
      );
    }
    expect(verifyChain(forged, publicKeys).ok).toBe(true);
    const report = checkAnchors(forged, entries, publicKeys, { complete: true });
    expect(report.anchoredTo).toBe(2);
    expect(report.findings.map((f) => f.kind === 'rewritten' && f.record.seq)).toEqual([4, 6]);
  });

  it('D3 a checkpoint whose signature does not verify is refused and anchors nothing', async () => {
    const records = await chainOf(4);
    const genuine = await checkpointOf(records, 2);
    // A checkpoint claiming a longer chain, with the genuine signature of another one.
    const altered = { ...genuine, seq: 9 };
    // Signed by a key the platform never had.
    const foreign = await checkpointOf(records, 4, otherKeys);
    // A bare signature that is not DER.
    const garbage = { ...genuine, sig: Buffer.from('not a signature').toString('base64') };
    expect(checkpointSignature(genuine, publicKeys)).toBe('valid');
    expect(checkpointSignature(altered, publicKeys)).toBe('bad-signature');
    expect(checkpointSignature(foreign, publicKeys)).toBe('unknown-key');
    expect(checkpointSignature(garbage, publicKeys)).toBe('bad-signature');

    const report = checkAnchors(
      records,
      [entry(genuine), entry(altered, 'altered'), entry(foreign, 'foreign'), entry(garbage, 'garbage')],
      publicKeys,
      { complete: true },
    );
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([
      {
        kind: 'forged-checkpoint',
        checkpoint: expect.objectContaining({ ref: 'altered', seq: 9 }),
        reason: 'bad-signature',
      },
      {
        kind: 'forged-checkpoint',
        checkpoint: expect.objectContaining({ ref: 'foreign', seq: 4 }),
        reason: 'unknown-key',
      },
      {
        kind: 'forged-checkpoint',
        checkpoint: expect.objectContaining({ ref: 'garbage', seq: 2 }),
        reason: 'bad-signature',
      },
    ]);
    // The forged seq 9 claims no truncation; the genuine checkpoint is the latest; the tail is counted from it.
    expect(report.latest).toMatchObject({ seq: 2 });
    expect(report.tail).toMatchObject({ count: 2, fromSeq: 3, toSeq: 4 });
    // Unreadable stored bytes are a finding too.
    expect(
      checkAnchors(records, [{ ref: 'line 3', error: 'not JSON' }, entry(genuine)], publicKeys, {
        complete: true,
      }).findings,
    ).toEqual([{ kind: 'unreadable-checkpoint', ref: 'line 3', error: 'not JSON' }]);
  });

  it("D3 a checkpoint's signature is never a row's, nor a row's a checkpoint's", async () => {
    const records = await chainOf(1);
    const checkpoint = await checkpointOf(records, 1);
    const spki = publicKeys.get(checkpoint.keyId) as Uint8Array;
    const record = records[0] as AuditRecord;
    const rowBytes = canonicalItemBytes(AUDIT_LOGICAL_TABLE, { pk: record.pk, sk: record.sk }, record);
    expect(verifySignature(spki, rowBytes, Buffer.from(checkpoint.sig, 'base64'))).toBe(false);
    expect(
      verifySignature(spki, checkpointBytes(checkpoint), Buffer.from(String(record.sig), 'base64')),
    ).toBe(false);
    expect(Buffer.from(checkpointBytes(checkpoint)).toString()).toContain('"table":"AuditCheckpoint"');
    expect(sha256(checkpointBytes(checkpoint))).toHaveLength(32);
  });

  it('D3 records without any checkpoint are not anchored, unless the operator accepts it', async () => {
    const records = await chainOf(3);
    expect(checkAnchors(records, [], publicKeys, { complete: true })).toMatchObject({
      ok: false,
      findings: [{ kind: 'not-anchored', records: 3 }],
      tail: { count: 3, fromSeq: 1, toSeq: 3 },
    });
    expect(checkAnchors(records, [], publicKeys, { complete: true, allowUnanchored: true }).ok).toBe(true);
    expect(checkAnchors([], [], publicKeys, { complete: true }).ok).toBe(true);
  });

  it('D3 a partial export (an upper bound asked) compares only the checkpoints within it', async () => {
    const records = await chainOf(6);
    const entries = [entry(await checkpointOf(records, 2)), entry(await checkpointOf(records, 6))];
    const report = checkAnchors(records.slice(0, 4), entries, publicKeys, { complete: false });
    expect(report).toMatchObject({ ok: true, checked: 1, outOfRange: 1, anchoredTo: 2 });
  });
});

describe('D3 the checkpoint writer', () => {
  it('D3 checkpoints the head, makes none while nothing is added, then anchors the new head', async () => {
    const records = await chainOf(3);
    const store = freshStore();
    const writer = new CheckpointWriter(
      memoryAudit(() => records),
      keys,
      store,
      clock,
    );
    const first = await writer.run();
    expect(first).toMatchObject({ outcome: 'written', linked: 3, checkpoint: { seq: 3, chain: 'main' } });
    expect(first.outcome !== 'empty' && first.checkpoint.headHash).toBe(
      recordHash(records[2] as AuditRecord),
    );
    expect(await writer.run()).toMatchObject({ outcome: 'unchanged', checkpoint: { seq: 3 } });
    await append(records, 2);
    clock.advance(5 * 60_000);
    expect(await writer.run()).toMatchObject({ outcome: 'written', linked: 2, checkpoint: { seq: 5 } });
    const stored = await store.list('main');
    expect(stored.map((e) => e.checkpoint?.seq)).toEqual([3, 5]);
    expect(checkAnchors(records, stored, publicKeys, { complete: true })).toMatchObject({
      ok: true,
      checked: 2,
    });
    // An empty chain has nothing to anchor.
    expect(
      await new CheckpointWriter(
        memoryAudit(() => []),
        keys,
        freshStore(),
        clock,
      ).run(),
    ).toEqual({
      outcome: 'empty',
    });
  });

  it('D3 links at most maxRecords per run, page by page; the next run goes on from there', async () => {
    const records = await chainOf(12);
    const store = freshStore();
    const writer = new CheckpointWriter(
      memoryAudit(() => records),
      keys,
      store,
      clock,
      {
        maxRecords: 5,
        pageSize: 2,
      },
    );
    expect(await writer.run()).toMatchObject({ outcome: 'written', linked: 5, checkpoint: { seq: 5 } });
    expect(await writer.run()).toMatchObject({ outcome: 'written', linked: 5, checkpoint: { seq: 10 } });
    expect(await writer.run()).toMatchObject({ outcome: 'written', linked: 2, checkpoint: { seq: 12 } });
    expect(await writer.run()).toMatchObject({ outcome: 'unchanged' });
  });

  it('D3 refuses to checkpoint over a truncated chain, a rewritten anchored record, a forged latest checkpoint or a broken link', async () => {
    const records = await chainOf(4);
    const store = freshStore();
    let current: AuditRecord[] = records;
    const writer = new CheckpointWriter(
      memoryAudit(() => current),
      keys,
      store,
      clock,
    );
    await writer.run();

    current = records.slice(0, 3);
    await expect(writer.run()).rejects.toMatchObject({
      name: 'IntegrityError',
      detail: { reason: 'truncated', checkpointSeq: 4 },
    });
    current = [...records.slice(0, 3), await rewrite(records[3] as AuditRecord, { outcome: 'refused' })];
    const rewritten = await writer.run().catch((err: unknown) => err);
    expect(rewritten).toBeInstanceOf(AnchorBroken);
    expect((rewritten as AnchorBroken).detail).toMatchObject({ reason: 'rewritten', seq: 4 });
    expect((rewritten as Error).message).toMatch(/record seq 4 is not the record checkpoint/);

    // A record after the checkpoint that does not link to it.
    const next = (await append([...records], 1))[4] as AuditRecord;
    current = [...records, await rewrite(next, { prevHash: 'ab'.repeat(32) })];
    await expect(writer.run()).rejects.toMatchObject({
      detail: { reason: 'chain', chainBreak: { seq: 5, reason: 'broken-link' } },
    });
    // Nothing was written over any of it.
    expect((await store.list('main')).map((e) => e.checkpoint?.seq)).toEqual([4]);

    // A latest checkpoint signed by a key the platform does not have.
    const forgedStore = freshStore();
    await forgedStore.put(await checkpointOf(records, 4, otherKeys));
    await expect(
      new CheckpointWriter(
        memoryAudit(() => records),
        keys,
        forgedStore,
        clock,
      ).run(),
    ).rejects.toMatchObject({ detail: { reason: 'forged-checkpoint', signature: 'unknown-key', seq: 4 } });
  });
});

describe('D3 the local checkpoint store (append-only file)', () => {
  it('D3 appends one line per checkpoint and never rewrites one: earlier bytes stay as they were', async () => {
    const records = await chainOf(3);
    const store = freshStore();
    expect(await store.latest('main')).toBeUndefined();
    expect(await store.put(await checkpointOf(records, 1))).toBe('written');
    const before = await readFile(store.path, 'utf8');
    expect(await store.put(await checkpointOf(records, 3))).toBe('written');
    // A second checkpoint of a sequence is not written (a racing writer).
    expect(await store.put(await checkpointOf(records, 3))).toBe('exists');
    const after = await readFile(store.path, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after.trim().split('\n')).toHaveLength(2);
    expect(store.path.endsWith(CHECKPOINT_FILE)).toBe(true);
    expect((await store.latest('main'))?.checkpoint?.seq).toBe(3);
    expect((await store.list('main', { fromSeq: 2 })).map((e) => e.checkpoint?.seq)).toEqual([3]);
    expect(await store.list('other')).toEqual([]);
  });

  it('D3 the latest is the highest sequence, not the last line; an unreadable line is listed as such', async () => {
    const records = await chainOf(5);
    const store = freshStore();
    await store.put(await checkpointOf(records, 5));
    await store.put(await checkpointOf(records, 2));
    expect((await store.latest('main'))?.checkpoint?.seq).toBe(5);
    // A line cut short by a crash: the next checkpoint starts on its own line.
    await writeFile(store.path, `${await readFile(store.path, 'utf8')}{"v":1,"cha`);
    await store.put(await checkpointOf(records, 4));
    const listed = await store.list('main');
    expect(listed.map((e) => e.checkpoint?.seq ?? e.error)).toEqual(['not JSON', 2, 4, 5]);
    expect(listed[0]?.ref).toBe(`${CHECKPOINT_FILE}:3`);
  });

  it('X5 D3 status reads the chain as the writer checks it, without writing: empty, not anchored, verified with its tail, broken', async () => {
    expect(
      await new CheckpointWriter(
        memoryAudit(() => []),
        keys,
        freshStore(),
        clock,
      ).status(),
    ).toMatchObject({ state: 'empty', tail: { linked: 0, complete: true } });
    const records = await chainOf(3);
    let current: AuditRecord[] = records;
    const store = freshStore();
    const writer = new CheckpointWriter(
      memoryAudit(() => current),
      keys,
      store,
      clock,
      { pageSize: 2 },
    );
    expect(await writer.status()).toMatchObject({ state: 'not-anchored', tail: { linked: 3, lastSeq: 3 } });
    await writer.run();
    await append(records, 2);
    const verified = await writer.status();
    expect(verified).toMatchObject({
      state: 'verified',
      checkpoint: { seq: 3, headHash: recordHash(records[2] as AuditRecord) },
      tail: { linked: 2, lastSeq: 5, complete: true },
    });
    // A bounded read says it did not reach the end.
    expect(await writer.status(1)).toMatchObject({ state: 'verified', tail: { linked: 1, complete: false } });
    // status wrote nothing.
    expect((await store.list('main')).map((e) => e.checkpoint?.seq)).toEqual([3]);
    // The anchored record rewritten: broken, with the reason in words.
    current = [...records.slice(0, 2), await rewrite(records[2] as AuditRecord, { outcome: 'refused' })];
    const broken = await writer.status();
    expect(broken.state).toBe('broken');
    expect(broken.problem).toMatch(/record seq 3 is not the record checkpoint/);
    // A record after the checkpoint that does not link to it.
    current = [
      ...records.slice(0, 4),
      await rewrite(records[4] as AuditRecord, { prevHash: 'ab'.repeat(32) }),
    ];
    expect(await writer.status()).toMatchObject({
      state: 'broken',
      checkpoint: { seq: 3 },
      problem: expect.stringMatching(/record seq 5 .*broken-link/),
    });
  });
});
