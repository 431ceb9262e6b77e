// A8 token refresh: the rotation and reuse rules of lambdas/auth/token-refresh.ts against DynamoDB semantics
// (dynalite, signed and ledgered session rows, lambdas/account/session-refresh.ts) and the local directory's
// rotating refresh tokens, all on one injected clock.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoAccountStore, SignedSessionRefreshes } from '../../lambdas/account/contracts.js';
import type { LoginShield } from '../../lambdas/auth/login-flow.js';
import {
  type RefreshPorts,
  RefreshRefused,
  refreshShieldName,
  refreshTokenHash,
  TokenRefresh,
} from '../../lambdas/auth/token-refresh.js';
import type { AuditEvent } from '../../lambdas/kernel/audit/audit-record.js';
import type { ClientContext } from '../../lambdas/kernel/client-context.js';
import { TooManyRequests } from '../../lambdas/kernel/errors.js';
import type { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import type { TokenSet } from '../../lambdas/kernel/ports/identity-provider.js';
import type { UserMessage } from '../../lambdas/kernel/ports/user-mail.js';
import { userSessionLifetimeMs } from '../../lambdas/kernel/token-lifetimes.js';
import { LocalIdentityProvider } from '../../local/adapters/identity-provider.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { signedAccountsTable, startTestDynamo, type TestDynamo } from '../support/dynamo.js';

const START = new Date('2026-03-01T12:00:00.000Z');
const PASSWORD = 'correct horse battery staple';
const DEVICE = 'device-aaaa-1111';
const pool = { region: 'eu-west-1', userPoolId: 'eu-west-1_PalisadeLocal', clientId: 'palisadelocalclient' };

let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;
let accounts: DynamoAccountStore;
let identity: LocalIdentityProvider;
const clock = new ManualClock(START);
let userSeq = 0;

const audits: AuditEvent[] = [];
const mails: { userId: string; message: UserMessage }[] = [];
const failures: string[] = [];
let shieldLocked = false;

const successes: string[] = [];
const shield: Pick<LoginShield, 'check' | 'recordFailure' | 'recordSuccess'> = {
  async recordSuccess(attempt) {
    successes.push(attempt.username);
  },
  async check() {
    return shieldLocked ? { allow: false, retryAfterSeconds: 60 } : { allow: true };
  },
  async recordFailure(attempt) {
    failures.push(attempt.username);
  },
};

const client = (deviceId = DEVICE, ip = '203.0.113.7'): ClientContext => ({
  ip,
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  deviceId,
  baseUrl: 'https://api.palisade.test',
});

function ports(overrides: Partial<RefreshPorts> = {}): RefreshPorts {
  return {
    refresher: identity,
    accounts,
    refreshes: new SignedSessionRefreshes(table),
    audit: {
      async append(event) {
        audits.push(event);
        return event as never;
      },
    },
    mail: {
      async send(userId, message) {
        mails.push({ userId, message });
      },
    },
    links: { issue: async () => 'suspension-link-token' },
    clock,
    shield,
    ...overrides,
  };
}

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-refresh-'));
  const keys = await LocalKeyService.open(stateDir);
  table = signedAccountsTable(dynamo.documents, keys);
  accounts = new DynamoAccountStore(table);
  identity = await LocalIdentityProvider.open(stateDir, pool, clock);
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(stateDir, { recursive: true, force: true });
});
beforeEach(() => {
  clock.set(START);
  audits.length = 0;
  mails.length = 0;
  failures.length = 0;
  successes.length = 0;
  shieldLocked = false;
});

/** A user with an account row and a logged-in session, as the login leaves them (no refresh state). */
async function loggedIn(): Promise<{
  userId: string;
  username: string;
  sessionId: string;
  tokens: TokenSet;
}> {
  const username = `refresh-user-${++userSeq}`;
  const { userId } = await identity.createUser({
    username,
    email: `${username}@example.com`,
    password: PASSWORD,
  });
  const at = clock.now().toISOString();
  await table.create({
    pk: `USER#${userId}`,
    sk: 'ACCOUNT',
    userId,
    username,
    contact: 'sealed',
    emailMasked: 'r***@example.com',
    emailIndex: `index-${userId}`,
    status: 'active',
    createdAt: at,
  });
  const auth = await identity.passwordAuth(username, PASSWORD);
  if (auth.kind !== 'tokens') throw new Error('expected tokens');
  const sessionId = String(decodeJwt(auth.tokens.accessToken).origin_jti);
  await accounts.putSession({
    userId,
    sessionId,
    createdAt: at,
    expiresAt: new Date(clock.now().getTime() + userSessionLifetimeMs).toISOString(),
    ip: '203.0.113.7',
    deviceId: DEVICE,
  });
  return { userId, username, sessionId, tokens: auth.tokens };
}

async function refused(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RefreshRefused) {
      expect(err.status).toBe(401);
      return err.code;
    }
    throw err;
  }
  throw new Error('expected a refused refresh');
}

const refreshTokenOf = (tokens: TokenSet) => {
  if (!tokens.refreshToken) throw new Error('no refresh token');
  return tokens.refreshToken;
};

describe('A8 token refresh: rotation', () => {
  it('A8 a refresh answers new tokens of the same session and rotates the refresh token; the session row keeps its hash and count, never the token', async () => {
    const { userId, sessionId, tokens } = await loggedIn();
    const refresh = new TokenRefresh(ports());
    clock.advance(10 * 60_000);
    const first = await refresh.refresh(refreshTokenOf(tokens), client());
    expect(first.refreshToken).not.toBe(tokens.refreshToken);
    expect(first.accessToken).not.toBe(tokens.accessToken);
    const claims = decodeJwt(first.accessToken);
    expect(claims.origin_jti).toBe(sessionId);
    expect(claims.sub).toBe(userId);
    expect(claims.iat).toBe(Math.floor(clock.now().getTime() / 1000));

    clock.advance(10 * 60_000);
    const second = await refresh.refresh(first.refreshToken, client());
    expect(decodeJwt(second.accessToken).origin_jti).toBe(sessionId);

    const session = await accounts.getSession(userId, sessionId);
    expect(session?.refreshRotation).toBe(2);
    expect(session?.refreshHash).toBe(refreshTokenHash(second.refreshToken));
    expect(JSON.stringify(session)).not.toContain(second.refreshToken);
    expect(session?.revokedAt).toBeUndefined();
    expect(audits).toEqual([]);
    expect(mails).toEqual([]);
    expect(successes).toEqual([refreshShieldName('203.0.113.7'), refreshShieldName('203.0.113.7')]);
  });

  it('A8 two refreshes with one token at the same moment: one gets tokens, the other is refused, and the session lives on', async () => {
    const { userId, sessionId, tokens } = await loggedIn();
    const refresh = new TokenRefresh(ports());
    const outcomes = await Promise.allSettled([
      refresh.refresh(refreshTokenOf(tokens), client()),
      refresh.refresh(refreshTokenOf(tokens), client()),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const loser = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect((loser.reason as RefreshRefused).code).toBe('REFRESH_INVALID');
    const session = await accounts.getSession(userId, sessionId);
    expect(session?.revokedAt).toBeUndefined();
    expect(session?.refreshRotation).toBe(1);
  });
});

describe('A8 token refresh: reuse', () => {
  it("A8 the login's token used again after its rotation revokes the whole session, is audited and emailed", async () => {
    const { userId, sessionId, tokens } = await loggedIn();
    const refresh = new TokenRefresh(ports());
    const next = await refresh.refresh(refreshTokenOf(tokens), client());
    clock.advance(60_000);
    expect(
      await refused(refresh.refresh(refreshTokenOf(tokens), client('device-bbbb-2222', '198.51.100.9'))),
    ).toBe('REFRESH_REUSED');
    const session = await accounts.getSession(userId, sessionId);
    expect(session?.revokedAt).toBe(clock.now().toISOString());
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'session.refresh-token-reuse',
        target: { kind: 'user', id: userId },
        outcome: 'refused',
        sourceIp: '198.51.100.9',
        details: expect.objectContaining({ sessionId, tokenRotation: 0, sessionRotation: 1 }),
      }),
    ]);
    expect(mails).toEqual([
      {
        userId,
        message: expect.objectContaining({
          template: 'refresh-token-reuse',
          context: expect.objectContaining({ ip: '198.51.100.9', at: clock.now().toISOString() }),
          reportUrl: 'https://api.palisade.test/v1/auth/suspend/suspension-link-token',
        }),
      },
    ]);
    // The current token of the revoked session buys nothing either; no second email.
    expect(await refused(refresh.refresh(next.refreshToken, client()))).toBe('SESSION_REVOKED');
    expect(mails).toHaveLength(1);
    // Reuse is a failure for the shield (the address's counters), a revoked session is not.
    expect(failures).toEqual([refreshShieldName('198.51.100.9')]);
  });

  it('A8 a token from several rotations back is reuse as well', async () => {
    const { userId, sessionId, tokens } = await loggedIn();
    const refresh = new TokenRefresh(ports());
    const first = await refresh.refresh(refreshTokenOf(tokens), client());
    const second = await refresh.refresh(first.refreshToken, client());
    await refresh.refresh(second.refreshToken, client());
    expect(await refused(refresh.refresh(first.refreshToken, client()))).toBe('REFRESH_REUSED');
    expect((await accounts.getSession(userId, sessionId))?.revokedAt).toBeDefined();
    expect(audits[0]?.details).toEqual(expect.objectContaining({ tokenRotation: 1, sessionRotation: 3 }));
  });

  it('A8 a used token presented again once its session was revoked answers SESSION_REVOKED, without a second email', async () => {
    const { userId, sessionId, tokens } = await loggedIn();
    const refresh = new TokenRefresh(ports());
    await refresh.refresh(refreshTokenOf(tokens), client());
    await accounts.revokeSession(userId, sessionId, clock.now());
    expect(await refused(refresh.refresh(refreshTokenOf(tokens), client()))).toBe('SESSION_REVOKED');
    expect(audits).toEqual([]);
    expect(mails).toEqual([]);
  });
});

describe('A8 token refresh: refusals', () => {
  it('A8 an unknown token is REFRESH_INVALID and counted by the shield; a locked shield answers 429 first', async () => {
    const refresh = new TokenRefresh(ports());
    expect(await refused(refresh.refresh('not-a-refresh-token-of-anyone', client()))).toBe('REFRESH_INVALID');
    expect(failures).toEqual([refreshShieldName('203.0.113.7')]);
    shieldLocked = true;
    await expect(refresh.refresh('not-a-refresh-token-of-anyone', client())).rejects.toBeInstanceOf(
      TooManyRequests,
    );
  });

  it('A8 a suspended account is refused (ACCOUNT_SUSPENDED), before and after its first refresh', async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    const refresh = new TokenRefresh(ports());
    const next = await refresh.refresh(refreshTokenOf(b.tokens), client());
    await accounts.suspend(a.userId, clock.now(), 'user-reported');
    await accounts.suspend(b.userId, clock.now(), 'user-reported');
    expect(await refused(refresh.refresh(refreshTokenOf(a.tokens), client()))).toBe('ACCOUNT_SUSPENDED');
    expect(await refused(refresh.refresh(next.refreshToken, client()))).toBe('ACCOUNT_SUSPENDED');
    expect(failures).toEqual([]);
  });

  it('A8 a revoked session, a session ended by revoke-all and an expired session are refused (SESSION_REVOKED)', async () => {
    const revoked = await loggedIn();
    const ended = await loggedIn();
    const refresh = new TokenRefresh(ports());
    const next = await refresh.refresh(refreshTokenOf(revoked.tokens), client());
    await accounts.revokeSession(revoked.userId, revoked.sessionId, clock.now());
    expect(await refused(refresh.refresh(next.refreshToken, client()))).toBe('SESSION_REVOKED');
    clock.advance(1000);
    await accounts.revokeAllSessions(ended.userId, clock.now());
    expect(await refused(refresh.refresh(refreshTokenOf(ended.tokens), client()))).toBe('SESSION_REVOKED');

    const expiring = await loggedIn();
    const fresh = await refresh.refresh(refreshTokenOf(expiring.tokens), client());
    clock.advance(userSessionLifetimeMs);
    // The session row's end is checked before the provider is asked: never refreshed past it.
    expect(await refused(refresh.refresh(fresh.refreshToken, client()))).toBe('SESSION_REVOKED');
    const row = await accounts.getSession(expiring.userId, expiring.sessionId);
    expect(row?.refreshRotation).toBe(1);
  });

  it('A8 a token presented with another device id is refused and spends nothing: its own device still refreshes with it', async () => {
    const { userId, sessionId, tokens } = await loggedIn();
    const refresh = new TokenRefresh(ports());
    const next = await refresh.refresh(refreshTokenOf(tokens), client());
    expect(await refused(refresh.refresh(next.refreshToken, client('device-cccc-3333')))).toBe(
      'REFRESH_INVALID',
    );
    const again = await refresh.refresh(next.refreshToken, client());
    expect(decodeJwt(again.accessToken).origin_jti).toBe(sessionId);
    expect((await accounts.getSession(userId, sessionId))?.refreshRotation).toBe(2);
  });

  it("A8 the login's own token from another device is refused, and its session takes no refresh state", async () => {
    const { userId, sessionId, tokens } = await loggedIn();
    const refresh = new TokenRefresh(ports());
    expect(await refused(refresh.refresh(refreshTokenOf(tokens), client('device-dddd-4444')))).toBe(
      'REFRESH_INVALID',
    );
    const session = await accounts.getSession(userId, sessionId);
    expect(session?.refreshHash).toBeUndefined();
    expect(session?.revokedAt).toBeUndefined();
  });

  it('A8 tokens the provider answers for another session are refused: a token is bound to the session it was issued for', async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    const honest = new TokenRefresh(ports());
    const aNext = await honest.refresh(refreshTokenOf(a.tokens), client());
    // A provider that mixed sessions up (or a token row pointing elsewhere): b's tokens for a's token.
    const crossed = new TokenRefresh(
      ports({ refresher: { refreshTokens: () => identity.refreshTokens(refreshTokenOf(b.tokens)) } }),
    );
    expect(await refused(crossed.refresh(aNext.refreshToken, client()))).toBe('REFRESH_INVALID');
    const session = await accounts.getSession(a.userId, a.sessionId);
    expect(session?.refreshRotation).toBe(1);
    expect(session?.refreshHash).toBe(refreshTokenHash(aNext.refreshToken));
  });
});
