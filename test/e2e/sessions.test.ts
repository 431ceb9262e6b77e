// End to end over HTTP, as a mobile client: the caller's sessions (A8: list, revoke one, revoke all, logout)
// and login history (A9: paged, newest first, a cursor that cannot reach another user's rows).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { type DevAccount, type DevSession, signInDevAccount } from '../../local/dev-accounts.js';
import { followLink, linkIn } from '../support/email-links.js';
import { createDevUser, localFetch } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const APP_UA = 'PalisadeTest/1.0 (iPhone)';
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
/** Token iat has second precision and a revocation refuses tokens of its own second: step past it. */
const nextSecond = () => {
  clockOffsetMs += 2000;
};
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-sessions-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const newUser = (username: string): Promise<DevAccount> => createDevUser(cloud, username, PASSWORD);

const signIn = (username: string, client: { ip?: string; userAgent?: string } = {}) =>
  signInDevAccount(cloud.ports, username, PASSWORD, client);

const call = (method: string, path: string, token?: string, body?: unknown) =>
  fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      'user-agent': APP_UA,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const meStatus = async (token: string) => (await call('GET', '/v1/me', token)).status;

interface SessionView {
  sessionId: string;
  createdAt: string;
  expiresAt: string;
  ip?: string;
  device: string;
  current: boolean;
}
const sessionsOf = async (token: string) => {
  const response = await call('GET', '/v1/me/sessions', token);
  expect(response.status).toBe(200);
  return ((await response.json()) as { sessions: SessionView[] }).sessions;
};

/** Refresh tokens as the local directory keeps them (Cognito's are opaque): revoked or not. */
async function refreshFamilies(username: string): Promise<{ originJti: string; revokedAt?: string }[]> {
  const file = JSON.parse(await readFile(join(stateDir, 'identity', 'users.json'), 'utf8')) as {
    users: Record<string, { refreshFamilies: { originJti: string; revokedAt?: string }[] }>;
  };
  return file.users[username]?.refreshFamilies ?? [];
}

describe('A8 sessions', () => {
  it('A8 the list shows the live sessions, the current one marked, with IP and browser', async () => {
    const ann = await newUser('ann-sessions');
    nextSecond();
    const phone = await signIn(ann.username, { ip: '203.0.113.9', userAgent: IPHONE_SAFARI });

    const sessions = await sessionsOf(ann.accessToken);
    expect(sessions).toHaveLength(2);
    expect(sessions.find((s) => s.current)?.sessionId).toBe(ann.sessionId);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.find((s) => s.sessionId === phone.sessionId)).toMatchObject({
      ip: '203.0.113.9',
      device: 'Safari 17 on iOS 17',
      current: false,
    });
    // Newest first; seen from the other session, that one is current.
    expect(sessions[0]?.sessionId).toBe(phone.sessionId);
    expect((await sessionsOf(phone.accessToken)).find((s) => s.current)?.sessionId).toBe(phone.sessionId);
  });

  it('A8 revoking one session refuses its token on the next request; the other session goes on', async () => {
    const bea = await newUser('bea-sessions');
    const other = await signIn(bea.username, { ip: '198.51.100.20' });
    expect(await meStatus(other.accessToken)).toBe(200);

    const revoked = await call('DELETE', `/v1/me/sessions/${other.sessionId}`, bea.accessToken);
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ revoked: 'session' });

    expect(await meStatus(other.accessToken)).toBe(401);
    expect(await meStatus(bea.accessToken)).toBe(200);
    expect((await sessionsOf(bea.accessToken)).map((s) => s.sessionId)).toEqual([bea.sessionId]);
    // Again: idempotent.
    expect((await call('DELETE', `/v1/me/sessions/${other.sessionId}`, bea.accessToken)).status).toBe(200);
  });

  it("A8 E5 another user's session id is Not Found and that session is untouched", async () => {
    const cid = await newUser('cid-sessions');
    const dan = await newUser('dan-sessions');

    const attempt = await call('DELETE', `/v1/me/sessions/${dan.sessionId}`, cid.accessToken);
    expect(attempt.status).toBe(404);
    expect(((await attempt.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect(await meStatus(dan.accessToken)).toBe(200);
    expect((await cloud.ports.accounts.getSession(dan.userId, dan.sessionId))?.revokedAt).toBeUndefined();
    expect(await cloud.ports.accounts.getSession(cid.userId, dan.sessionId)).toBeUndefined();
    // A malformed id is refused before any lookup.
    expect((await call('DELETE', '/v1/me/sessions/..%2F..', cid.accessToken)).status).toBe(400);
  });

  it('A8 revoke all: every access token is refused and every refresh token revoked; a new login works', async () => {
    const eve = await newUser('eve-sessions');
    const second = await signIn(eve.username);
    const third = await signIn(eve.username, { userAgent: IPHONE_SAFARI });
    const everyone: DevSession[] = [eve, second, third];
    for (const s of everyone) expect(await meStatus(s.accessToken)).toBe(200);

    const response = await call('DELETE', '/v1/me/sessions', second.accessToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ revoked: 'all-sessions' });

    for (const s of everyone) expect(await meStatus(s.accessToken)).toBe(401);
    const families = await refreshFamilies(eve.username);
    expect(families.map((f) => f.originJti).sort()).toEqual(everyone.map((s) => s.sessionId).sort());
    expect(families.every((f) => typeof f.revokedAt === 'string')).toBe(true);
    // The directory refuses the old tokens too (a signed-out family).
    await expect(cloud.ports.identity.beginTotpEnrolment(third.accessToken)).rejects.toThrow(
      /invalid|expired/i,
    );

    nextSecond();
    const fresh = await signIn(eve.username);
    expect(await meStatus(fresh.accessToken)).toBe(200);
    expect((await sessionsOf(fresh.accessToken)).map((s) => s.sessionId)).toEqual([fresh.sessionId]);
  });

  it('A8 logout ends the current session only', async () => {
    const fay = await newUser('fay-sessions');
    const other = await signIn(fay.username);
    const out = await call('POST', '/v1/auth/logout', fay.accessToken);
    expect(out.status).toBe(200);
    expect(await meStatus(fay.accessToken)).toBe(401);
    expect((await call('POST', '/v1/auth/logout', fay.accessToken)).status).toBe(401);
    expect(await meStatus(other.accessToken)).toBe(200);
    expect((await sessionsOf(other.accessToken)).map((s) => s.sessionId)).toEqual([other.sessionId]);
    // Without a token there is nothing to log out of.
    expect((await call('POST', '/v1/auth/logout')).status).toBe(401);
  });
});

interface LoginView {
  at: string;
  ip: string;
  country?: string;
  browser: string;
  outcome: string;
}
interface LoginsPage {
  logins: LoginView[];
  next?: string;
}

async function mailText(address: string, subject: RegExp): Promise<string> {
  const outbox = (await (await localFetch(cloud, `/_local/outbox`)).json()) as {
    emails: { to: string[]; subject: string; text?: string }[];
  };
  const mail = outbox.emails.filter((e) => e.to.includes(address) && subject.test(e.subject)).at(-1);
  if (!mail) throw new Error(`no mail ${subject} to ${address}`);
  return mail.text ?? '';
}

const post = async (path: string, body: unknown) => {
  const response = await call('POST', path, undefined, body);
  return (await response.json()) as { status: string; loginId?: string; tokens?: { accessToken: string } };
};

/** Over HTTP: the first login (emailed code, device link), then password-only logins of the same device. */
async function loginOverHttp(username: string, deviceId: string): Promise<string> {
  const first = await post('/v1/auth/login', { username, password: PASSWORD, deviceId });
  if (first.status === 'authenticated') return first.tokens?.accessToken as string;
  const loginId = first.loginId as string;
  const code = /\b(\d{6})\b/.exec(await mailText(`${username}@example.com`, /login code/i))?.[1];
  await post('/v1/auth/challenge', { loginId, challenge: 'ip-code', code });
  await followLink(
    linkIn(await mailText(`${username}@example.com`, /new device/i), '/v1/auth/device-links/'),
  );
  const done = await post('/v1/auth/challenge', { loginId, challenge: 'device-confirmation' });
  expect(done.status).toBe('authenticated');
  return done.tokens?.accessToken as string;
}

describe('A9 login history', () => {
  it('A9 pages newest first with a cursor: time, IP, browser, outcome', async () => {
    const gus = await newUser('gus-logins');
    const times: string[] = [];
    let token = '';
    for (let i = 0; i < 3; i++) {
      nextSecond();
      times.push(clock.now().toISOString());
      token = await loginOverHttp(gus.username, 'gus-device-0001');
    }

    const first = await call('GET', '/v1/me/logins?limit=2', token);
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as LoginsPage;
    expect(page1.logins).toHaveLength(2);
    expect(page1.logins[0]).toEqual({
      at: expect.any(String),
      ip: '127.0.0.1',
      browser: 'PalisadeTest 1.0',
      outcome: 'success',
      sessionId: expect.any(String),
    });
    expect(page1.next).toMatch(/^[A-Za-z0-9_-]+$/);

    const second = await call('GET', `/v1/me/logins?limit=2&cursor=${page1.next}`, token);
    expect(second.status).toBe(200);
    const page2 = (await second.json()) as LoginsPage;
    expect(page2.logins).toHaveLength(1);
    expect(page2.next).toBeUndefined();

    const ats = [...page1.logins, ...page2.logins].map((l) => l.at);
    expect(ats).toEqual([...ats].sort().reverse());
    expect(ats.every((at, i) => at >= (times[2 - i] as string))).toBe(true);

    // The default page holds all three.
    const all = (await (await call('GET', '/v1/me/logins', token)).json()) as LoginsPage;
    expect(all.logins.map((l) => l.at)).toEqual(ats);
  });

  it("A9 E5 a cursor forged for another user's partition is refused (400); so are malformed ones", async () => {
    const hal = await newUser('hal-logins');
    const ida = await newUser('ida-logins');
    await loginOverHttp(ida.username, 'ida-device-0001');
    const forged = Buffer.from(
      JSON.stringify({ pk: `USER#${ida.userId}`, sk: `LOGIN#${new Date().toISOString()}#zzzzzzzzzzzzzzzz` }),
    ).toString('base64url');

    const response = await call('GET', `/v1/me/logins?cursor=${forged}`, hal.accessToken);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string }; logins?: unknown };
    expect(body.error.code).toBe('INVALID_CURSOR');
    expect(body.logins).toBeUndefined();

    const ownButNotLogins = Buffer.from(JSON.stringify({ pk: `USER#${hal.userId}`, sk: 'ACCOUNT' })).toString(
      'base64url',
    );
    for (const query of [
      `cursor=${ownButNotLogins}`,
      'cursor=bm90LWpzb24',
      'limit=0',
      'limit=51',
      'limit=x',
    ]) {
      expect((await call('GET', `/v1/me/logins?${query}`, hal.accessToken)).status, query).toBe(400);
    }
    expect((await call('GET', '/v1/me/logins')).status).toBe(401);
  });

  it('A9 a login from a public address is recorded with its country (the geo table)', async () => {
    const jo = await newUser('jo-logins');
    const client = {
      ip: '81.2.69.160',
      userAgent: IPHONE_SAFARI,
      deviceId: 'jo-device-0001',
      baseUrl: cloud.url,
    };
    // The gateway sees loopback only: the login flow is driven as the gateway would for a client in the UK.
    const start = await cloud.ports.login.start(jo.username, PASSWORD, client);
    if (start.status !== 'challenge') throw new Error('expected the new-network code');
    const code = /\b(\d{6})\b/.exec(await mailText(`${jo.username}@example.com`, /login code/i))?.[1];
    const device = await cloud.ports.login.answer(start.loginId, 'ip-code', code, {
      ...client,
      deviceId: 'poll',
    });
    if (device.status !== 'challenge') throw new Error('expected the device confirmation');
    await followLink(
      linkIn(await mailText(`${jo.username}@example.com`, /new device/i), '/v1/auth/device-links/'),
    );
    const done = await cloud.ports.login.answer(start.loginId, 'device-confirmation', undefined, {
      ...client,
      deviceId: 'poll',
    });
    if (done.status !== 'authenticated') throw new Error('expected tokens');

    const page = (await (await call('GET', '/v1/me/logins', done.tokens.accessToken)).json()) as LoginsPage;
    expect(page.logins).toEqual([
      {
        at: expect.any(String),
        ip: '81.2.69.160',
        country: 'GB',
        browser: 'Safari 17 on iOS 17',
        outcome: 'success',
        sessionId: expect.any(String),
      },
    ]);
    const sessions = await sessionsOf(done.tokens.accessToken);
    expect(sessions).toContainEqual(
      expect.objectContaining({ ip: '81.2.69.160', device: 'Safari 17 on iOS 17', current: true }),
    );
  });
});
