// The operator commands against a real local state folder, run as an operator would: `npm run audit:verify`
// (export + offline verification of the audit chain, against its checkpoints) and `npm run rows:resign`
// (signing-key rotation); and the attacks on the audit chain's tail that the checkpoints answer (D3).
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainPartition, seqSortKey } from '../../lambdas/kernel/audit/audit-record.js';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
} from '../../lambdas/kernel/aws/dynamo-documents.js';
import { RowSigner } from '../../lambdas/kernel/integrity/row-signature.js';
import { CHECKPOINT_FILE } from '../../local/adapters/checkpoint-store.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import type { DevAccount } from '../../local/dev-accounts.js';
import { openLocalState } from '../../local/state-tables.js';
import { localFetch } from '../support/local-client.js';

const run = promisify(execFile);
let stateDir: string;
let outDir: string;
let cloud: LocalCloud | undefined;
let users: DevAccount[] = [];

const boot = () => startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });

async function command(script: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-ops-state-'));
  outDir = await mkdtemp(join(tmpdir(), 'palisade-ops-out-'));
  cloud = await boot();
  for (const name of ['ops1', 'ops2']) {
    const response = await localFetch(cloud, `/_local/dev-users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: name,
        email: `${name}@example.com`,
        password: 'correct horse battery',
      }),
    });
    users.push((await response.json()) as DevAccount);
  }
  // Audit records through a real feature: suspensions append `account.suspend`.
  for (const user of users) {
    const input = { userId: user.userId, reason: 'admin', requestedAt: new Date().toISOString() };
    const { executionId } = await cloud.workflows.start('account-suspension', input, `ops-${user.userId}`);
    expect(await cloud.workflows.waitFor(executionId)).toMatchObject({ status: 'SUCCEEDED' });
  }
  await cloud.stop();
  cloud = undefined;
}, 60_000);

afterAll(async () => {
  await cloud?.stop();
  await Promise.all([stateDir, outDir].map((d) => rm(d, { recursive: true, force: true })));
  users = [];
});

describe('operator commands', () => {
  it('D3 audit:verify exports the chain, verifies it offline, and names the first tampered record', async () => {
    const out = join(outDir, 'audit.jsonl');
    const exported = await command('scripts/audit-verify.ts', ['--state-dir', stateDir, '--out', out]);
    expect(exported.out).toMatch(/audit chain OK: 2 records, seq 1\.\.2/);
    // D3: the stop of the server checkpointed the head; nothing is left unanchored.
    expect(exported.out).toMatch(/checkpoints\s+1 read, 1 matched; latest: seq 2/);
    expect(exported.out).toMatch(/unanchored\s+none/);
    expect(exported.out).toMatch(/result\s+OK/);
    expect(exported.code).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).action)).toEqual(['account.suspend', 'account.suspend']);

    // Offline: only the export and its public keys.
    const keys = `${out}.keys.json`;
    expect((await command('scripts/audit-verify.ts', ['--verify', out, '--keys', keys])).code).toBe(0);
    const tampered = join(outDir, 'tampered.jsonl');
    const second = { ...JSON.parse(lines[1] as string), outcome: 'refused' };
    await writeFile(tampered, `${lines[0]}\n${JSON.stringify(second)}\n`);
    const broken = await command('scripts/audit-verify.ts', ['--verify', tampered, '--keys', keys]);
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/BROKEN at record seq 2: bad-signature/);
  }, 60_000);

  it('E1 rows:resign rotates the signing key and moves every account row forward; the audit chain still verifies', async () => {
    const resigned = await command('scripts/resign-rows.ts', ['--state-dir', stateDir, '--rotate']);
    expect(resigned.code, resigned.out).toBe(0);
    const newKey = /rotated the signing key: (\S+)/.exec(resigned.out)?.[1];
    expect(newKey).toBeDefined();
    // Two accounts, two sessions, the blind-index key row.
    expect(resigned.out).toMatch(/Accounts: 5 rows re-signed/);

    cloud = await boot();
    const { Items = [] } = await cloud.runtime.dynamo.documents.send(
      new ScanCommand({ TableName: 'Accounts' }),
    );
    const rows = Items.filter((i) => !String(i.pk).startsWith('HEAD#'));
    expect(rows.map((i) => i.sigKeyId)).toEqual(rows.map(() => newKey));
    // E1 heads are keys only (no signature to re-sign); each rewritten ledgered row has its head at its new
    // version.
    const heads = Items.filter((i) => String(i.pk).startsWith('HEAD#'));
    expect(heads.every((h) => Object.keys(h).sort().join() === 'pk,sk')).toBe(true);
    const ledgered = rows.filter((i) => i.sk === 'ACCOUNT' || String(i.sk).startsWith('SESSION#'));
    expect(ledgered).toHaveLength(4);
    for (const row of ledgered) {
      expect(heads).toContainEqual({
        pk: `HEAD#${JSON.stringify([row.pk, row.sk])}`,
        sk: String(row.version).padStart(12, '0'),
      });
    }
    for (const user of users) {
      await expect(cloud.ports.accounts.getAccount(user.userId)).resolves.toMatchObject({
        status: 'suspended',
      });
      await expect(cloud.ports.accounts.getContact(user.userId)).resolves.toMatchObject({
        email: expect.any(String),
      });
    }
    // The audit chain keeps the key that signed it, and still verifies through the retired key's public half.
    const audit = await cloud.ports.audit.range();
    expect(audit.items).toHaveLength(2);
    expect(audit.items.every((r) => r.actor.id === 'account-suspension')).toBe(true);
    await cloud.stop();
    cloud = undefined;
    const again = await command('scripts/audit-verify.ts', [
      '--state-dir',
      stateDir,
      '--out',
      join(outDir, 'b.jsonl'),
    ]);
    expect(again.code, again.out).toBe(0);
    // A second run finds nothing left to move.
    expect((await command('scripts/resign-rows.ts', ['--state-dir', stateDir])).out).toMatch(
      /0 rows re-signed/,
    );
  }, 60_000);

  it('E1 rows:resign is the head ledger migration: rows written before it get their head, and their replay is refused', async () => {
    // A table from before the ledger: the same rows, no head records.
    const state = await openLocalState(stateDir);
    let before: Record<string, unknown> | undefined;
    try {
      const { Items = [] } = await state.documents.send(new ScanCommand({ TableName: 'Accounts' }));
      for (const head of Items.filter((i) => String(i.pk).startsWith('HEAD#'))) {
        await state.documents.send(
          new DeleteCommand({ TableName: 'Accounts', Key: { pk: head.pk, sk: head.sk } }),
        );
      }
      before = Items.find((i) => i.pk === `USER#${users[0]?.userId}` && i.sk === 'ACCOUNT');
    } finally {
      await state.close();
    }
    const migrated = await command('scripts/resign-rows.ts', ['--state-dir', stateDir]);
    expect(migrated.code, migrated.out).toBe(0);
    // Two accounts and two sessions are ledgered; the blind-index key row is not.
    expect(migrated.out).toMatch(/Accounts: 4 rows re-signed .*\(4 of them given their first head record\)/);
    expect((await command('scripts/resign-rows.ts', ['--state-dir', stateDir])).out).toMatch(
      /0 rows re-signed/,
    );

    // The row as it was before the migration is a validly signed older version now: put back, it is refused.
    const again = await openLocalState(stateDir);
    try {
      await again.documents.send(new PutCommand({ TableName: 'Accounts', Item: before }));
    } finally {
      await again.close();
    }
    cloud = await boot();
    await expect(cloud.ports.accounts.getAccount(users[0]?.userId as string)).rejects.toThrow(
      /Integrity check failed/,
    );
    await expect(cloud.ports.accounts.getAccount(users[1]?.userId as string)).resolves.toMatchObject({
      status: 'suspended',
    });
    await cloud.stop();
    cloud = undefined;
  }, 60_000);
});

// D3: an insider with the state folder and the server stopped, as the attack on the running system did it:
// the chain alone verified after each of these; the checkpoint written at the stop catches them.
describe('D3 attacks on the audit chain tail (state folder, server stopped)', () => {
  let base: string;
  const attackDirs: string[] = [];
  const LAST = 3;
  const lastKey = { pk: chainPartition('main'), sk: seqSortKey(LAST) };

  /** A copy of the prepared state folder per attack. */
  async function copyOfState(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-ops-attack-'));
    await cp(base, dir, { recursive: true });
    attackDirs.push(dir);
    return dir;
  }

  const verify = (dir: string) =>
    command('scripts/audit-verify.ts', ['--state-dir', dir, '--out', join(outDir, `${Date.now()}.jsonl`)]);

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'palisade-ops-anchor-'));
    const local = await startLocalCloud({ stateDir: base, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
    try {
      for (const name of ['anchor1', 'anchor2', 'anchor3']) {
        const response = await localFetch(local, '/_local/dev-users', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            username: name,
            email: `${name}@example.com`,
            password: 'correct horse battery',
          }),
        });
        const user = (await response.json()) as DevAccount;
        const input = { userId: user.userId, reason: 'admin', requestedAt: new Date().toISOString() };
        const { executionId } = await local.workflows.start(
          'account-suspension',
          input,
          `anchor-${user.userId}`,
        );
        expect(await local.workflows.waitFor(executionId)).toMatchObject({ status: 'SUCCEEDED' });
      }
    } finally {
      // The stop checkpoints the chain's head (seq 3).
      await local.stop();
    }
    const lines = (await readFile(join(base, CHECKPOINT_FILE), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([LAST]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([base, ...attackDirs].map((d) => rm(d, { recursive: true, force: true })));
  });

  it('D3 deleting the last audit record: the chain still links, audit:verify fails naming the missing record; the restarted runtime writes no checkpoint over it', async () => {
    const dir = await copyOfState();
    const state = await openLocalState(dir);
    try {
      await state.documents.send(new DeleteCommand({ TableName: state.tableNames.audit, Key: lastKey }));
    } finally {
      await state.close();
    }
    const result = await verify(dir);
    expect(result.out).toMatch(/audit chain OK: 2 records, seq 1\.\.2/);
    expect(result.out).toMatch(
      /audit chain TRUNCATED: record seq 3 \(CHAIN#main\/SEQ#000000000003\) is missing: the chain ends at seq 2, but checkpoint audit-checkpoints\.jsonl:1 \(made [^)]+\) anchors seq 3/,
    );
    expect(result.out).toMatch(/result\s+FAILED: 1 finding/);
    expect(result.code).toBe(1);

    // The server started and stopped again: its checkpoint run refuses the truncated chain (no lower
    // checkpoint is added to paper over it), and the export still fails.
    const failures: string[] = [];
    const restarted = await startLocalCloud({
      stateDir: dir,
      port: 0,
      log: (line, error) => failures.push(`${line} ${(error as Error | undefined)?.message ?? ''}`),
    });
    await restarted.stop();
    expect(failures.join('\n')).toMatch(/AuditCheckpoint failed .*no longer has record seq 3/);
    const lines = (await readFile(join(dir, CHECKPOINT_FILE), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([LAST]);
    expect((await verify(dir)).code).toBe(1);
  }, 60_000);

  it("D3 rewriting the last audit record and signing it again with the state folder's key: audit:verify fails naming the record", async () => {
    const dir = await copyOfState();
    const state = await openLocalState(dir);
    try {
      const { Item } = await state.documents.send(
        new GetCommand({ TableName: state.tableNames.audit, Key: lastKey }),
      );
      expect(Item?.action).toBe('account.suspend');
      const { sig: _sig, sigKeyId: _keyId, ...record } = Item as Record<string, unknown>;
      const forged = await new RowSigner(state.keys).sign('Audit', lastKey, {
        ...record,
        outcome: 'refused',
      });
      await state.documents.send(new PutCommand({ TableName: state.tableNames.audit, Item: forged }));
    } finally {
      await state.close();
    }
    const result = await verify(dir);
    // Links and signatures hold: only the checkpoint tells.
    expect(result.out).toMatch(/audit chain OK: 3 records, seq 1\.\.3/);
    expect(result.out).toMatch(
      /audit record REWRITTEN: record seq 3 \(CHAIN#main\/SEQ#000000000003, account\.suspend, at [^)]+\) is not the record checkpoint audit-checkpoints\.jsonl:1/,
    );
    expect(result.out).toMatch(/result\s+FAILED: 1 finding/);
    expect(result.code).toBe(1);
  }, 60_000);

  it('D3 records appended after the last checkpoint are reported as the unanchored tail, then anchored by the export', async () => {
    const dir = await copyOfState();
    // A record appended by a process that stopped before any checkpoint (a crash).
    const state = await openLocalState(dir);
    try {
      await state.rows.audit.append({
        actor: { kind: 'system', id: 'ops-test' },
        action: 'system.note',
        target: { kind: 'system', id: 'ops' },
        outcome: 'success',
        at: new Date().toISOString(),
      });
    } finally {
      await state.close();
    }
    const first = await verify(dir);
    expect(first.out).toMatch(/anchored\s+up to seq 3/);
    expect(first.out).toMatch(/unanchored\s+1 records after the latest checkpoint: seq 4\.\.4/);
    expect(first.out).toMatch(/checkpoint\s+made at seq 4 \(written\)/);
    expect(first.code).toBe(0);
    // Progress goes to stderr, the summary ends the output.
    expect(first.out).toMatch(/… verifying links and signatures of 4 records/);
    const second = await verify(dir);
    expect(second.out).toMatch(/unanchored\s+none/);
    expect(second.out).toMatch(/checkpoint\s+none needed \(the latest already anchors seq 4\)/);
  }, 60_000);
});
