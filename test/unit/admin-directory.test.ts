// D1/D4: the admin directory on signed rows (dynalite): created on first login, never re-enabled by a
// login, disabled once, and the instant from which the admin authorizer refuses older tokens.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminDirectory } from '../../lambdas/admin/admin-directory.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let admins: AdminDirectory;
const T0 = new Date('2030-03-01T10:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-admin-dir-'));
  const keys = await LocalKeyService.open(stateDir);
  const table = new SignedTable(
    dynamo.documents,
    {
      logicalName: TABLES.accounts.logicalName,
      tableName: TABLES.accounts.logicalName,
      partitionKey: 'pk',
      sortKey: 'sk',
    },
    new RowSigner(keys),
    new RowVerifier(keys, async () => {}),
  );
  admins = new AdminDirectory(table);
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe('admin directory', () => {
  it('D1 ensure creates an active admin once and follows the pool’s username and tiers', async () => {
    expect(await admins.get('a-1')).toBeUndefined();
    const created = await admins.ensure({ adminId: 'a-1', username: 'ada', tiers: ['support'], at: T0 });
    expect(created).toEqual({
      adminId: 'a-1',
      username: 'ada',
      tiers: ['support'],
      status: 'active',
      createdAt: T0.toISOString(),
    });
    const again = await admins.ensure({
      adminId: 'a-1',
      username: 'ada',
      tiers: ['security'],
      at: later(1000),
    });
    expect(again).toMatchObject({ tiers: ['security'], createdAt: T0.toISOString() });
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => admins.ensure({ adminId: 'a-2', username: 'bob', at: T0 })),
    );
    expect(new Set(concurrent.map((p) => p.createdAt)).size).toBe(1);
  });

  it('D4 disable marks the admin disabled once, revokes earlier sessions, and ensure never re-enables', async () => {
    await admins.ensure({ adminId: 'a-3', username: 'cy', tiers: ['operations'], at: T0 });
    expect(await admins.disable('a-3', later(60_000))).toEqual({ changed: true });
    expect(await admins.disable('a-3', later(120_000))).toEqual({ changed: false });
    await admins.ensure({ adminId: 'a-3', username: 'cy', tiers: ['operations'], at: later(180_000) });
    expect(await admins.get('a-3')).toMatchObject({
      status: 'disabled',
      disabledAt: later(60_000).toISOString(),
      sessionsValidAfter: later(60_000).toISOString(),
    });
  });

  it('D4 disabling an admin who never logged in leaves a disabled row', async () => {
    expect(await admins.disable('a-never', T0)).toEqual({ changed: true });
    expect(await admins.get('a-never')).toMatchObject({ status: 'disabled', tiers: [] });
  });

  it('D4 revokeSessions moves sessionsValidAfter forward only and keeps the admin active', async () => {
    await admins.ensure({ adminId: 'a-4', username: 'di', at: T0 });
    expect(await admins.revokeSessions('a-4', later(5000))).toEqual({ changed: true });
    expect(await admins.revokeSessions('a-4', later(1000))).toEqual({ changed: false });
    expect(await admins.get('a-4')).toMatchObject({
      status: 'active',
      sessionsValidAfter: later(5000).toISOString(),
    });
  });

  it('D1 admin sessions are recorded once and read back', async () => {
    const session = {
      adminId: 'a-5',
      sessionId: 's-1',
      createdAt: T0.toISOString(),
      expiresAt: later(3_600_000).toISOString(),
    };
    await admins.recordSession(session);
    expect(await admins.getSession('a-5', 's-1')).toEqual(session);
    expect(await admins.getSession('a-5', 's-2')).toBeUndefined();
    await expect(admins.recordSession(session)).rejects.toThrow();
  });
});
