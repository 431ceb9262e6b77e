// D1/D4: the admin authorizer's decisions on real tokens of two local pools (own keys, issuers, clients):
// a tier is required, a disabled admin or a token issued before `sessionsValidAfter` is refused, and neither
// pool's verifier accepts the other pool's tokens.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminAuthorizerPorts, authorizeAdmin } from '../../lambdas/admin/admin-authorize.js';
import { type AdminProfile, type AdminSession, knownTiers } from '../../lambdas/admin/admin-directory.js';
import { makeHandler } from '../../lambdas/admin/handlers/admin-authorizer.js';
import type { RefusalEvent, RefusalKey } from '../../lambdas/admin/refusal-evidence.js';
import { CognitoTokenVerifier } from '../../lambdas/kernel/aws/cognito-token-verifier.js';
import { IntegrityError } from '../../lambdas/kernel/errors.js';
import { ADMIN_TOKENS } from '../../lambdas/kernel/token-lifetimes.js';
import { LocalTokenIssuer, type PoolConfig } from '../../local/adapters/token-issuer.js';
import { localAdminPool, localPool } from '../../local/ports.js';

const T0 = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (ms: number) => new Date(T0.getTime() + ms);
let stateDir: string;
let userIssuer: LocalTokenIssuer;
let adminIssuer: LocalTokenIssuer;
let userVerifier: CognitoTokenVerifier;
let adminVerifier: CognitoTokenVerifier;
const profiles = new Map<string, AdminProfile>();
const sessions = new Map<string, AdminSession>();

const userPool: PoolConfig = localPool('eu-west-1');
const adminPool: PoolConfig = localAdminPool('eu-west-1');

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-admin-authz-'));
  userIssuer = await LocalTokenIssuer.open(stateDir, userPool);
  adminIssuer = await LocalTokenIssuer.open(stateDir, adminPool, ADMIN_TOKENS, 'admin-identity');
  userVerifier = new CognitoTokenVerifier(userPool.userPoolId, userPool.clientId, userIssuer.jwks());
  adminVerifier = new CognitoTokenVerifier(adminPool.userPoolId, adminPool.clientId, adminIssuer.jwks());
});
afterAll(() => rm(stateDir, { recursive: true, force: true }));

const ports = (): AdminAuthorizerPorts => ({
  adminTokens: adminVerifier,
  admins: {
    get: async (id) => profiles.get(id),
    getSession: async (id, sessionId) => sessions.get(`${id}/${sessionId}`),
  },
  clock: { now: () => at(1000) },
});

/** An admin with a directory row and a recorded session; returns their token. */
async function admin(
  adminId: string,
  groups: string[],
  profile: Partial<AdminProfile> = {},
  issuer = adminIssuer,
): Promise<string> {
  const issued = await issuer.issue(
    { userId: adminId, username: `${adminId}-name`, email: 'a@b.cd', groups },
    T0,
  );
  profiles.set(adminId, {
    adminId,
    username: `${adminId}-name`,
    // The directory row follows the admin pool at every login: by default the token's known groups.
    tiers: knownTiers(groups),
    status: 'active',
    createdAt: T0.toISOString(),
    ...profile,
  });
  sessions.set(`${adminId}/${issued.originJti}`, {
    adminId,
    sessionId: issued.originJti,
    createdAt: T0.toISOString(),
    expiresAt: at(3_600_000).toISOString(),
  });
  return `Bearer ${issued.tokens.accessToken}`;
}

describe('admin authorizer', () => {
  it('D1 an active admin with a tier gets the admin context, unknown groups dropped', async () => {
    const outcome = await authorizeAdmin(ports(), await admin('a-ok', ['security', 'wizards', 'support']));
    expect(outcome).toMatchObject({
      allow: true,
      context: { principal: 'admin', adminId: 'a-ok', username: 'a-ok-name', tiers: 'support,security' },
    });
  });

  it('D1 a token without a known tier is refused', async () => {
    expect(await authorizeAdmin(ports(), await admin('a-none', []))).toEqual({
      allow: false,
      reason: 'no-tier',
    });
    expect(await authorizeAdmin(ports(), await admin('a-odd', ['wizards']))).toEqual({
      allow: false,
      reason: 'no-tier',
    });
  });

  it('D1 tiers come from the signed directory row: a token claiming more gets only what the row grants', async () => {
    const token = await admin('a-claims', ['support', 'superadmin'], { tiers: ['support'] });
    expect(await authorizeAdmin(ports(), token)).toMatchObject({
      allow: true,
      tiers: ['support'],
      context: { tiers: 'support' },
    });
    const none = await admin('a-claims2', ['superadmin'], { tiers: ['support'] });
    expect(await authorizeAdmin(ports(), none)).toEqual({ allow: false, reason: 'no-tier' });
  });

  it('D1 a token issued in the future (beyond a minute of skew) is refused', async () => {
    const token = await admin('a-future', ['support']);
    const early = { ...ports(), clock: { now: () => at(-120_000) } };
    expect(await authorizeAdmin(early, token)).toEqual({ allow: false, reason: 'token-from-future' });
    const skewed = { ...ports(), clock: { now: () => at(-30_000) } };
    expect(await authorizeAdmin(skewed, token)).toMatchObject({ allow: true });
  });

  it('D4 a disabled admin is refused', async () => {
    const token = await admin('a-off', ['operations'], {
      status: 'disabled',
      disabledAt: at(500).toISOString(),
    });
    expect(await authorizeAdmin(ports(), token)).toEqual({
      allow: false,
      reason: 'admin-disabled',
      adminId: expect.any(String),
    });
  });

  it('D4 a token issued before sessionsValidAfter is refused, a later one passes', async () => {
    const old = await admin('a-rev', ['operations'], { sessionsValidAfter: at(0).toISOString() });
    expect(await authorizeAdmin(ports(), old)).toEqual({
      allow: false,
      reason: 'session-revoked',
      adminId: expect.any(String),
    });
    const fresh = await admin('a-rev2', ['operations'], { sessionsValidAfter: at(-1000).toISOString() });
    expect(await authorizeAdmin(ports(), fresh)).toMatchObject({ allow: true });
  });

  it('D1 a token without a recorded or with an expired session is refused', async () => {
    const token = await admin('a-ses', ['support']);
    sessions.clear();
    expect(await authorizeAdmin(ports(), token)).toEqual({ allow: false, reason: 'session-unknown' });
    const late = await admin('a-late', ['support']);
    const p = ports();
    expect(await authorizeAdmin({ ...p, clock: { now: () => at(3_600_000) } }, late)).toEqual({
      allow: false,
      reason: 'session-expired',
    });
    expect(
      await authorizeAdmin(
        p,
        await admin('a-unknown', ['support']).then((t) => {
          profiles.delete('a-unknown');
          return t;
        }),
      ),
    ).toEqual({ allow: false, reason: 'unknown-admin' });
  });

  it('E1 a directory or session row that fails its integrity check refuses the token instead of failing the request', async () => {
    const token = await admin('a-replayed', ['operations']);
    const failing = (): Promise<never> => Promise.reject(new IntegrityError('Integrity check failed'));
    const p = ports();
    for (const admins of [
      { ...p.admins, get: failing },
      { ...p.admins, getSession: failing },
    ]) {
      expect(await authorizeAdmin({ ...p, admins }, token)).toEqual({
        allow: false,
        reason: 'row-integrity',
      });
    }
    // Any other failure is not a refusal: it stays an error (a 500), never an answer from a doubtful row.
    const down = { ...p.admins, get: () => Promise.reject(new Error('throttled')) };
    await expect(authorizeAdmin({ ...p, admins: down }, token)).rejects.toThrow('throttled');
  });

  it('D1 a user-pool token is refused by the admin authorizer, even with tier groups', async () => {
    const userToken = await admin('a-wrongpool', ['superadmin'], {}, userIssuer);
    expect(await authorizeAdmin(ports(), userToken)).toEqual({ allow: false, reason: 'token-invalid' });
    expect(await authorizeAdmin(ports(), undefined)).toEqual({ allow: false, reason: 'token-invalid' });
  });

  it('D1 each pool’s verifier refuses the other pool’s access tokens', async () => {
    const subject = { userId: 'u-1', username: 'u1', email: 'u@b.cd', groups: ['security'] };
    const userToken = (await userIssuer.issue(subject, new Date())).tokens.accessToken;
    const adminToken = (await adminIssuer.issue(subject, new Date())).tokens.accessToken;
    await expect(userVerifier.verifyAccessToken(userToken)).resolves.toMatchObject({ sub: 'u-1' });
    await expect(adminVerifier.verifyAccessToken(adminToken)).resolves.toMatchObject({
      groups: ['security'],
    });
    await expect(userVerifier.verifyAccessToken(adminToken)).rejects.toThrow();
    await expect(adminVerifier.verifyAccessToken(userToken)).rejects.toThrow();
    // Same key, other pool: the issuer and client checks alone refuse it.
    const sameKeyOtherPool = await LocalTokenIssuer.open(stateDir, adminPool, ADMIN_TOKENS, 'identity');
    const forged = (await sameKeyOtherPool.issue(subject, new Date())).tokens.accessToken;
    await expect(userVerifier.verifyAccessToken(forged)).rejects.toThrow();
  });

  it("D3 the refusal of a disabled admin's token is an admin.token-refused record; a bad token is not", async () => {
    const recorded: [RefusalKey, RefusalEvent][] = [];
    const handler = makeHandler({
      ...ports(),
      refusals: {
        record: async (key, event) => {
          recorded.push([key, event]);
          return true;
        },
      },
    });
    const token = await admin('a-gone', ['security'], {
      status: 'disabled',
      disabledAt: at(500).toISOString(),
    });
    const methodArn = 'arn:aws:execute-api:eu-west-1:000000000000:api/prod/GET/v1/admin/me';
    const context = { awsRequestId: 'r', functionName: 'AdminAuthorizer' } as never;
    await expect(handler({ type: 'TOKEN', authorizationToken: token, methodArn }, context)).rejects.toThrow(
      'Unauthorized',
    );
    await expect(
      handler({ type: 'TOKEN', authorizationToken: 'Bearer a.b.c', methodArn }, context),
    ).rejects.toThrow('Unauthorized');
    expect(recorded).toEqual([
      [
        { kind: 'admin', id: 'a-gone' },
        expect.objectContaining({
          action: 'admin.token-refused',
          actor: { kind: 'admin', id: 'a-gone' },
          details: { reason: 'admin-disabled', route: 'GET/v1/admin/me' },
        }),
      ],
    ]);
  });
});
