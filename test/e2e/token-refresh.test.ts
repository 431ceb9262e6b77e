// End to end over HTTP, as a mobile client (A8): a real login (password, emailed code, device link), then
// POST /v1/auth/refresh: rotation on every use, and the reuse of a rotated token ending the whole session,
// with its audit record and its email.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { callFrom, createDevUser, firstLogin, mailText } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const PHONE = 'device-rita-phone-0001';
const SOURCE = '127.0.0.61';
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-refresh-'));
  cloud = await startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

const refresh = (refreshToken: string, deviceId = PHONE, source = SOURCE) =>
  callFrom(cloud, source, 'POST', '/v1/auth/refresh', { refreshToken, deviceId });

const me = (accessToken: string) =>
  callFrom(cloud, SOURCE, 'GET', '/v1/me', undefined, { authorization: `Bearer ${accessToken}` });

async function loggedIn(username: string) {
  const email = `${username}@example.com`;
  const account = { ...(await createDevUser(cloud, username, PASSWORD, email)), email };
  const tokens = (await firstLogin(cloud, { username, email, password: PASSWORD }, PHONE, SOURCE)) as Tokens;
  expect(tokens.refreshToken).toEqual(expect.any(String));
  return { account, tokens };
}

describe('A8 token refresh over HTTP', () => {
  it('A8 login → refresh → the old refresh token reused: the session is revoked, /v1/me answers 401, the user is emailed and the reuse is audited', async () => {
    const { account, tokens: login } = await loggedIn('rita-refresh');
    const sessionId = decodeJwt(login.accessToken).origin_jti;

    // Each refresh answers the session's next tokens; the access token works, the refresh token is new.
    const first = await refresh(login.refreshToken);
    expect(first.status).toBe(200);
    const rotated = first.body.tokens as Tokens;
    expect(rotated.refreshToken).not.toBe(login.refreshToken);
    expect(decodeJwt(rotated.accessToken).origin_jti).toBe(sessionId);
    expect((await me(rotated.accessToken)).status).toBe(200);

    const second = await refresh(rotated.refreshToken);
    expect(second.status).toBe(200);
    const current = second.body.tokens as Tokens;
    expect((await me(current.accessToken)).status).toBe(200);

    // The login's token again (a stolen copy, or a client that lost track): the whole session ends.
    const reuse = await refresh(login.refreshToken, PHONE, '127.0.0.62');
    expect(reuse.status).toBe(401);
    expect(reuse.body.error?.code).toBe('REFRESH_REUSED');
    expect((await me(current.accessToken)).status).toBe(401);
    expect((await me(login.accessToken)).status).toBe(401);
    const after = await refresh(current.refreshToken);
    expect(after.status).toBe(401);
    expect(after.body.error?.code).toBe('SESSION_REVOKED');

    const mail = await mailText(cloud, account.email, /session was ended/i);
    expect(mail).toContain('127.0.0.62');
    expect(mail).toContain('/v1/auth/suspend/');
    expect(mail).not.toContain(login.refreshToken);

    const records = (await cloud.ports.audit.byTarget({ kind: 'user', id: account.userId }, 50)).items;
    const record = records.find((r) => r.action === 'session.refresh-token-reuse');
    expect(record).toMatchObject({
      outcome: 'refused',
      sourceIp: '127.0.0.62',
      details: { sessionId, tokenRotation: 0, sessionRotation: 2, sessionRevoked: true },
    });
  });

  it('A8 refused alike: an unknown token, a token from another device (which then still works on its own), unknown fields', async () => {
    const { tokens } = await loggedIn('sam-refresh');
    const unknown = await refresh('x'.repeat(64));
    expect(unknown.status).toBe(401);
    expect(unknown.body.error?.code).toBe('REFRESH_INVALID');

    const rotated = (await refresh(tokens.refreshToken)).body.tokens as Tokens;
    const elsewhere = await refresh(rotated.refreshToken, 'device-someone-else-01');
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.error?.code).toBe('REFRESH_INVALID');
    expect(elsewhere.comparable.replace('"status":401', '')).toBe(
      unknown.comparable.replace('"status":401', ''),
    );
    expect((await refresh(rotated.refreshToken)).status).toBe(200);

    const extra = await callFrom(cloud, SOURCE, 'POST', '/v1/auth/refresh', {
      refreshToken: rotated.refreshToken,
      deviceId: PHONE,
      sessionId: 'anything',
    });
    expect(extra.status).toBe(400);
  });

  it('A8 a logged-out session cannot be refreshed', async () => {
    const { tokens } = await loggedIn('tess-refresh');
    const out = await callFrom(cloud, SOURCE, 'POST', '/v1/auth/logout', undefined, {
      authorization: `Bearer ${tokens.accessToken}`,
    });
    expect(out.status).toBe(200);
    const answer = await refresh(tokens.refreshToken);
    expect(answer.status).toBe(401);
    expect(answer.body.error?.code).toBe('SESSION_REVOKED');
  });
});
