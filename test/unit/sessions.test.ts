// A8 sessions and A9 login history: the rules of what is live and shown, the store methods against DynamoDB
// semantics (dynalite, signed rows), and the login-history cursor that can never leave the caller's partition.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Session } from '../../lambdas/account/account-store.js';
import { DynamoAccountStore } from '../../lambdas/account/dynamo-account-store.js';
import {
  isLive,
  revokeAllOwnSessions,
  revokeOwnSession,
  sessionViews,
} from '../../lambdas/account/sessions.js';
import { decodeCursor, encodeCursor, pageLimit } from '../../lambdas/auth/login-history.js';
import { type LoginEvent, LoginStore } from '../../lambdas/auth/login-store.js';
import { NotFound, ValidationError } from '../../lambdas/kernel/errors.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();
const HOUR = 3_600_000;
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

const session = (sessionId: string, over: Partial<Session> = {}): Session => ({
  userId: 'u1',
  sessionId,
  createdAt: iso(-HOUR),
  expiresAt: iso(HOUR),
  ip: '203.0.113.7',
  ...over,
});

describe('A8 which sessions are live', () => {
  it('A8 a revoked, an expired and a session from before a revoke-all are not live', () => {
    expect(isLive(session('a'), {}, NOW)).toBe(true);
    expect(isLive(session('b', { revokedAt: iso(-1) }), {}, NOW)).toBe(false);
    expect(isLive(session('c', { expiresAt: iso(0) }), {}, NOW)).toBe(false);
    expect(isLive(session('d'), { sessionsValidAfter: iso(-HOUR) }, NOW)).toBe(false);
    expect(isLive(session('e', { createdAt: iso(-HOUR + 1) }), { sessionsValidAfter: iso(-HOUR) }, NOW)).toBe(
      true,
    );
  });

  it('A8 the list shows live sessions newest first, marks the current one and names the browser', () => {
    const views = sessionViews(
      [
        session('old-one-0001', { createdAt: iso(-3 * HOUR), userAgent: IPHONE_SAFARI }),
        session('revoked-0001', { revokedAt: iso(-1) }),
        session('new-one-0001', { createdAt: iso(-HOUR), ip: undefined }),
      ],
      {},
      'old-one-0001',
      NOW,
    );
    expect(views).toEqual([
      {
        sessionId: 'new-one-0001',
        createdAt: iso(-HOUR),
        expiresAt: iso(HOUR),
        device: 'unknown browser',
        current: false,
      },
      {
        sessionId: 'old-one-0001',
        createdAt: iso(-3 * HOUR),
        expiresAt: iso(HOUR),
        ip: '203.0.113.7',
        device: 'Safari 17 on iOS 17',
        current: true,
      },
    ]);
  });

  it('A8 revoke one uses the caller id for the key; revoke all ends the sessions before signing out', async () => {
    const calls: string[] = [];
    const clock = new ManualClock(NOW);
    const accounts = {
      revokeSession: vi.fn(
        async (userId: string, sessionId: string) => void calls.push(`row ${userId}/${sessionId}`),
      ),
      revokeAllSessions: vi.fn(async (userId: string) => {
        calls.push(`all ${userId}`);
        return { changed: true };
      }),
    };
    const identity = { globalSignOut: vi.fn(async (username: string) => void calls.push(`idp ${username}`)) };
    const caller = { userId: 'u1', sessionId: 's-current', username: 'lara' };
    await expect(revokeOwnSession({ accounts, clock }, caller, 's-other')).resolves.toEqual({
      revoked: 'session',
      revokedAt: NOW.toISOString(),
    });
    await revokeAllOwnSessions({ accounts, identity, clock }, caller);
    expect(calls).toEqual(['row u1/s-other', 'all u1', 'idp lara']);
  });
});

let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-sessions-'));
  const keys = await LocalKeyService.open(stateDir);
  table = new SignedTable(
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
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const accountRow = (userId: string) =>
  table.create({
    pk: `USER#${userId}`,
    sk: 'ACCOUNT',
    userId,
    username: userId,
    contact: 'sealed',
    emailMasked: 'x***@example.com',
    emailIndex: 'index',
    status: 'active',
    createdAt: iso(-24 * HOUR),
  });

describe('A8 session rows (DynamoAccountStore)', () => {
  it('A8 listSessions returns only the user’s own session rows; revokeAllSessions ends every live one', async () => {
    const store = new DynamoAccountStore(table);
    await Promise.all([accountRow('ann'), accountRow('bob')]);
    await store.putSession(session('ann-s1-0001', { userId: 'ann' }));
    await store.putSession(session('ann-s2-0001', { userId: 'ann', createdAt: iso(-2 * HOUR) }));
    await store.putSession(session('bob-s1-0001', { userId: 'bob' }));
    // Other rows of the partition are not sessions.
    await new LoginStore(table).recordLogin(loginEvent('ann', iso(-HOUR), 'login-ann-0001'));

    const listed = await store.listSessions('ann');
    expect(listed.map((s) => s.sessionId).sort()).toEqual(['ann-s1-0001', 'ann-s2-0001']);
    expect(listed[0]).not.toHaveProperty('pk');
    expect(listed[0]).not.toHaveProperty('version');

    await expect(store.revokeSession('ann', 'bob-s1-0001', NOW)).rejects.toThrow(NotFound);
    await expect(store.revokeAllSessions('ann', NOW)).resolves.toEqual({ changed: true });
    const account = await store.getAccount('ann');
    expect(account?.sessionsValidAfter).toBe(NOW.toISOString());
    expect((await store.listSessions('ann')).every((s) => s.revokedAt === NOW.toISOString())).toBe(true);
    // Bob is untouched.
    expect((await store.getSession('bob', 'bob-s1-0001'))?.revokedAt).toBeUndefined();
    expect((await store.getAccount('bob'))?.sessionsValidAfter).toBeUndefined();

    // Idempotent, and the instant never moves back.
    await expect(store.revokeAllSessions('ann', new Date(NOW.getTime() - 1000))).resolves.toEqual({
      changed: false,
    });
    expect((await store.getAccount('ann'))?.sessionsValidAfter).toBe(NOW.toISOString());
    await expect(store.revokeAllSessions('nobody', NOW)).rejects.toThrow(NotFound);
  });

  it('A8 concurrent revoke-alls both succeed (a lost race is retried)', async () => {
    const store = new DynamoAccountStore(table);
    await accountRow('cy');
    await store.putSession(session('cy-s1-0001', { userId: 'cy' }));
    const later = new Date(NOW.getTime() + 5000);
    await Promise.all([store.revokeAllSessions('cy', NOW), store.revokeAllSessions('cy', later)]);
    expect((await store.getAccount('cy'))?.sessionsValidAfter).toBe(later.toISOString());
  });
});

const loginEvent = (userId: string, at: string, loginId: string): LoginEvent => ({
  userId,
  at,
  loginId,
  ip: '198.51.100.4',
  browser: 'Safari 17 on iOS 17',
  deviceId: 'device-0001',
  outcome: 'success',
});

describe('A9 login history (LoginStore.listLogins and its cursor)', () => {
  it('A9 pages newest first; the cursor of one page continues exactly after it', async () => {
    const logins = new LoginStore(table);
    for (let i = 0; i < 5; i++)
      await logins.recordLogin(loginEvent('dee', iso(i * 60_000), `login-dee-000${i}`));
    await logins.recordLogin(loginEvent('eve', iso(30_000), 'login-eve-0001'));

    const first = await logins.listLogins('dee', { limit: 2 });
    expect(first.logins.map((l) => l.loginId)).toEqual(['login-dee-0004', 'login-dee-0003']);
    expect(first.logins[0]).toEqual(loginEvent('dee', iso(4 * 60_000), 'login-dee-0004'));
    if (!first.next) throw new Error('expected a next page');
    const cursor = encodeCursor(first.next);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);

    const second = await logins.listLogins('dee', { limit: 2, startKey: decodeCursor(cursor, 'dee') });
    expect(second.logins.map((l) => l.loginId)).toEqual(['login-dee-0002', 'login-dee-0001']);
    const rest = await logins.listLogins('dee', {
      limit: 10,
      ...(second.next ? { startKey: second.next } : {}),
    });
    expect(rest.logins.map((l) => l.loginId)).toEqual(['login-dee-0000']);
    expect(rest.next).toBeUndefined();
  });

  it('A9 a start key outside the caller’s partition or its login rows is refused by the store', async () => {
    const logins = new LoginStore(table);
    await expect(
      logins.listLogins('dee', { limit: 2, startKey: { pk: 'USER#eve', sk: `LOGIN#${iso(0)}#x` } }),
    ).rejects.toThrow(ValidationError);
    await expect(
      logins.listLogins('dee', { limit: 2, startKey: { pk: 'USER#dee', sk: 'SESSION#x' } }),
    ).rejects.toThrow(ValidationError);
  });

  it('A9 a cursor decodes only for its own user, well formed and without extra keys', () => {
    const key = { pk: 'USER#dee', sk: `LOGIN#${iso(0)}#login-dee-0001` };
    const cursor = encodeCursor(key);
    expect(decodeCursor(cursor, 'dee')).toEqual(key);
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const refused = (c: string, user = 'dee') => {
      try {
        decodeCursor(c, user);
      } catch (err) {
        return err instanceof ValidationError ? err.code : 'other';
      }
      return 'accepted';
    };
    expect(refused(cursor, 'eve')).toBe('INVALID_CURSOR');
    expect(refused(forged({ ...key, pk: 'USER#eve' }))).toBe('INVALID_CURSOR');
    expect(refused(forged({ ...key, sk: 'ACCOUNT' }))).toBe('INVALID_CURSOR');
    expect(refused(forged({ ...key, extra: 1 }))).toBe('INVALID_CURSOR');
    expect(refused(forged({ pk: 'USER#dee' }))).toBe('INVALID_CURSOR');
    expect(refused('not-json')).toBe('INVALID_CURSOR');
    expect(refused(forged('USER#dee'))).toBe('INVALID_CURSOR');
  });

  it('A9 the page size defaults to 20 and never exceeds 50', () => {
    expect(pageLimit(undefined)).toBe(20);
    expect(pageLimit('7')).toBe(7);
    expect(pageLimit('50')).toBe(50);
  });
});
