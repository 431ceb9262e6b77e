// F2 roster backfill against DynamoDB semantics (dynalite): every account listed page by page through the
// account store's cursor, the missing ones enrolled with sign-up's facts, a second run enrolling nothing, and
// the re-screen started once when someone was enrolled and a list version is in force.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAccountStore } from '../../lambdas/account/dynamo-account-store.js';
import { GetCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { ValidationError } from '../../lambdas/kernel/errors.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import type { ListVersionManifest } from '../../lambdas/kernel/ports/list-store.js';
import type { FieldCipher } from '../../lambdas/kernel/privacy/field-cipher.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { backfillRoster } from '../../lambdas/screening/backfill.js';
import { nameOfUsername } from '../../lambdas/screening/intake.js';
import { rosterPartitionOf, ScreeningStore } from '../../lambdas/screening/screening-store.js';
import { openLocalFieldCipher } from '../../local/adapters/field-cipher.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;
/** E2: the roster's facts are sealed by the vault (here the local field cipher the vault uses). */
let vault: FieldCipher;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-backfill-'));
  const keys = await LocalKeyService.open(stateDir);
  vault = await openLocalFieldCipher(stateDir);
  const spec = TABLES.accounts;
  table = new SignedTable(
    dynamo.documents,
    { logicalName: spec.logicalName, tableName: spec.logicalName, partitionKey: 'pk', sortKey: 'sk' },
    new RowSigner(keys),
    new RowVerifier(keys, async () => {}),
  );
});
afterAll(async () => {
  await dynamo.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const account = (userId: string, username: string) =>
  table.create({
    pk: `USER#${userId}`,
    sk: 'ACCOUNT',
    userId,
    username,
    contact: 'sealed',
    emailMasked: 'a***@example.com',
    emailIndex: 'i',
    status: 'active',
    createdAt: '2026-01-01T00:00:00.000Z',
  });

describe('F2 roster backfill', () => {
  it('F2 lists every account page by page, enrols only the missing ones (as sign-up would), idempotent, re-screens once', async () => {
    const accounts = new DynamoAccountStore(table);
    const roster = new ScreeningStore(table, { pending: () => undefined } as never, vault);
    const ids = Array.from({ length: 7 }, (_, i) => `u${i}`);
    for (const id of ids) await account(id, `user_${id}.name`);
    // rows of other kinds in the same partitions: skipped by the listing's filter
    await table.create({ pk: 'USER#u0', sk: 'LIMITS', daily: '1' });
    // two customers enrolled already (sign-up after screening existed)
    await roster.enrol({ userId: 'u1', name: nameOfUsername('user_u1.name') });
    await roster.enrol({ userId: 'u4', name: nameOfUsername('user_u4.name') });

    const starts: { input: unknown; name?: string }[] = [];
    const manifest = { list: 'un-sc', version: '2026-01-01-abc' } as ListVersionManifest;
    const ports = {
      accounts,
      roster,
      lists: { current: async (list: string) => (list === 'un-sc' ? manifest : undefined) },
      workflows: {
        start: async (_wf: string, input: unknown, name?: string) => {
          starts.push({ input, ...(name ? { name } : {}) });
          return { executionId: `exec-${name}` };
        },
      },
    };
    const pages: number[] = [];
    const now = () => new Date('2026-12-05T01:30:00Z');
    const first = await backfillRoster(ports as never, { now, limit: 3, onPage: (p) => pages.push(p.seen) });
    expect(first).toMatchObject({ accountsSeen: 7, alreadyEnrolled: 2, enrolledNow: 5 });
    expect(first.pages).toBeGreaterThan(2); // the cursor carried the listing across pages
    expect(pages.reduce((a, b) => a + b, 0)).toBe(7);
    expect(first.rescreen).toEqual({
      started: true,
      rescreen: 'exec-rescreen-backfill-20261205013000',
      lists: ['un-sc@2026-01-01-abc'],
    });
    expect(starts).toEqual([
      {
        input: { trigger: 'rescreen', list: 'un-sc', version: '2026-01-01-abc', backfill: true },
        name: 'rescreen-backfill-20261205013000',
      },
    ]);
    for (const id of ids) {
      const page = await roster.rosterPage(rosterPartitionOf(id), 100);
      expect(page.customers).toContainEqual({ userId: id, name: `user ${id} name` });
    }

    // E2: the roster rows hold the facts sealed, never the name in clear
    const raw = await dynamo.documents.send(
      new GetCommand({
        TableName: TABLES.accounts.logicalName,
        Key: { pk: `SCREENROSTER#${String(rosterPartitionOf('u2')).padStart(3, '0')}`, sk: 'u2' },
      }),
    );
    expect(raw.Item?.identity).toEqual(expect.any(String));
    expect(raw.Item?.name).toBeUndefined();
    expect(JSON.stringify(raw.Item)).not.toContain('user u2 name');

    const second = await backfillRoster(ports as never, { now, limit: 3 });
    expect(second).toMatchObject({ accountsSeen: 7, alreadyEnrolled: 7, enrolledNow: 0 });
    expect(second.rescreen).toBeUndefined();
    expect(starts).toHaveLength(1);
  });

  it('F2 with no list version in force the backfill only enrols, and says so', async () => {
    await account('late1', 'late_one');
    const ports = {
      accounts: new DynamoAccountStore(table),
      roster: new ScreeningStore(table, { pending: () => undefined } as never, vault),
      lists: { current: async () => undefined },
      workflows: { start: async () => expect.fail('no re-screen without a list version') },
    };
    const out = await backfillRoster(ports as never, { now: () => new Date(), limit: 50 });
    expect(out).toMatchObject({ enrolledNow: 1, rescreen: { started: false, reason: 'no-list-version' } });
  });

  it('F2 a malformed listing cursor is a client error', async () => {
    await expect(new DynamoAccountStore(table).listAccounts(10, 'not-json')).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
