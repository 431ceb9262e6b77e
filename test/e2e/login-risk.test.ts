// G1 end to end: the login-risk model decides the login's band against the user's own history and the
// population, kept in the LoginRisk table of the local backend. Over HTTP the gateway sees loopback only (no
// country), so the logins from public addresses are driven through the login flow as the gateway would for a
// client there (as the A9 country test does); their countries come from the local geo adapter.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_CREDENTIALS, type LoginOutcome } from '../../lambdas/auth/login-flow.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import type { DevAccount } from '../../local/dev-accounts.js';
import { followLink, linkIn } from '../support/email-links.js';
import { createDevUser, localFetch } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const DAY = 86_400_000;
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0';
/** Addresses the geo table places in Germany, Great Britain and Brazil. */
const DE = '85.214.132.117';
const GB = '81.2.69.160';
const BR = '200.160.2.3';

// The test clock starts at 09:00 UTC today and is moved forward by the tests.
const start = new Date();
start.setUTCHours(9, 0, 0, 0);
let offsetMs = start.getTime() - Date.now();
const clock = { now: () => new Date(Date.now() + offsetMs) };
const advance = (ms: number) => {
  offsetMs += ms;
};

let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-login-risk-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const post = (path: string, body: unknown, userAgent = IPHONE) =>
  fetch(`${cloud.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify(body),
  });
interface Outcome {
  status?: 'authenticated' | 'challenge';
  loginId?: string;
  challenge?: string;
  error?: { code: string; message: string };
}
const httpLogin = async (username: string, deviceId: string, userAgent = IPHONE) => {
  const response = await post('/v1/auth/login', { username, password: PASSWORD, deviceId }, userAgent);
  return { status: response.status, body: (await response.json()) as Outcome };
};
const httpAnswer = async (loginId: string, challenge: string, code?: string) =>
  (await (
    await post('/v1/auth/challenge', { loginId, challenge, ...(code ? { code } : {}) })
  ).json()) as Outcome;

async function mails(address: string, subject: RegExp): Promise<string[]> {
  const outbox = (await (await localFetch(cloud, '/_local/outbox')).json()) as {
    emails: { to: string[]; subject: string; text?: string }[];
  };
  return outbox.emails
    .filter((e) => e.to.includes(address) && subject.test(e.subject))
    .map((e) => e.text ?? '');
}
const lastMail = async (address: string, subject: RegExp) => {
  const mail = (await mails(address, subject)).at(-1);
  if (!mail) throw new Error(`no mail ${subject} to ${address}`);
  return mail;
};
const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1];
const addressOf = (user: DevAccount) => `${user.username}@example.com`;

/** Drives the login as the gateway would for a client at `ip`, through whatever proof is asked. */
async function loginFrom(user: DevAccount, ip: string, deviceId: string, userAgent = IPHONE) {
  const client = { ip, userAgent, deviceId, baseUrl: cloud.url };
  const started = await cloud.ports.login.start(user.username, PASSWORD, client);
  if (started.status === 'authenticated') return { started, asked: [] as string[] };
  const asked: string[] = [];
  let outcome: LoginOutcome = started;
  while (outcome.status === 'challenge') {
    const step = outcome.challenge;
    asked.push(step);
    if (step === 'ip-code') {
      const code = codeIn(await lastMail(addressOf(user), /login code/i));
      outcome = await cloud.ports.login.answer(started.loginId, 'ip-code', code, client);
    } else if (step === 'device-confirmation') {
      await followLink(linkIn(await lastMail(addressOf(user), /new device/i), '/v1/auth/device-links/'));
      outcome = await cloud.ports.login.answer(started.loginId, 'device-confirmation', undefined, client);
    } else throw new Error(`unexpected step ${step}`);
  }
  return { started, asked };
}

const historyOf = async (user: DevAccount) =>
  (await cloud.ports.logins.listLogins(user.userId, { limit: 50 })).logins;

describe('G1 the login-risk model decides the login', () => {
  it('G1 over HTTP: a user with history logging in from the usual place and device is allowed at once; a new browser on a new device is stepped up to the device link', async () => {
    const ada = await createDevUser(cloud, 'ada-risk', PASSWORD);
    // The first login: no history, a new device and network: stepped up (code and link), as before.
    const first = await httpLogin(ada.username, 'ada-phone-0001');
    expect(first.body).toMatchObject({ status: 'challenge', challenge: 'ip-code' });
    const loginId = first.body.loginId as string;
    const code = codeIn(await lastMail(addressOf(ada), /login code/i));
    expect(await httpAnswer(loginId, 'ip-code', code)).toMatchObject({ challenge: 'device-confirmation' });
    await followLink(linkIn(await lastMail(addressOf(ada), /new device/i), '/v1/auth/device-links/'));
    expect((await httpAnswer(loginId, 'device-confirmation')).status).toBe('authenticated');

    for (let day = 1; day <= 4; day++) {
      advance(DAY);
      const usual = await httpLogin(ada.username, 'ada-phone-0001');
      expect(usual.body.status, `day ${day}`).toBe('authenticated');
    }
    const allowed = (await historyOf(ada))[0];
    expect(allowed).toMatchObject({ outcome: 'success', risk: { band: 'allow' } });
    expect(allowed?.risk?.score).toBeLessThan(1.3);

    // The same place, but another browser on another device: stepped up; the network is known, so the link.
    advance(DAY);
    const other = await httpLogin(ada.username, 'ada-laptop-0002', FIREFOX_LINUX);
    expect(other.body).toMatchObject({ status: 'challenge', challenge: 'device-confirmation' });
    const audit = (await cloud.ports.audit.byTarget({ kind: 'user', id: ada.userId })).items.filter(
      (r) => r.action === 'security.login-risk',
    );
    // Newest first: this login's decision, then the first login's.
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({
      outcome: 'flagged',
      userAgent: FIREFOX_LINUX,
      details: { band: 'step-up' },
    });
    expect(String(audit[0]?.details?.reasons)).toMatch(/newDevice/);
  }, 120_000);

  it('G1 a new country steps up to the emailed code; a stuffing-like attempt (far country, other browser, new device, minutes later) is blocked as a wrong password and the owner is emailed', async () => {
    const bo = await createDevUser(cloud, 'bo-risk', PASSWORD);
    // A history in Germany: the first login is stepped up, the next ones are allowed.
    const first = await loginFrom(bo, DE, 'bo-phone-0001');
    expect(first.asked).toEqual(['ip-code', 'device-confirmation']);
    for (let day = 1; day <= 6; day++) {
      advance(DAY);
      const usual = await loginFrom(bo, DE, 'bo-phone-0001');
      expect(usual.asked, `day ${day}`).toEqual([]);
    }
    const [usual] = await historyOf(bo);
    expect(usual).toMatchObject({ country: 'DE', risk: { band: 'allow' } });

    // Two days later from Great Britain, the same phone: the emailed code (the network is new).
    advance(2 * DAY);
    const abroad = await loginFrom(bo, GB, 'bo-phone-0001');
    expect(abroad.asked).toEqual(['ip-code']);
    const [stepped] = await historyOf(bo);
    expect(stepped).toMatchObject({ country: 'GB', outcome: 'success', risk: { band: 'step-up' } });
    expect(stepped?.risk?.reasons.map((r) => r.feature)).toContain('country');

    // Back home; then, ten minutes later at night, Brazil, a desktop Firefox, a device never seen.
    advance(DAY);
    expect((await loginFrom(bo, DE, 'bo-phone-0001')).asked).toEqual([]);
    advance(13 * 3_600_000);
    await expect(
      cloud.ports.login.start(bo.username, PASSWORD, {
        ip: BR,
        userAgent: FIREFOX_LINUX,
        deviceId: 'stuffer-0001',
        baseUrl: cloud.url,
      }),
    ).rejects.toMatchObject({ status: 401, message: BAD_CREDENTIALS });

    const [blocked] = await historyOf(bo);
    expect(blocked).toMatchObject({
      outcome: 'refused',
      reason: 'risk-blocked',
      country: 'BR',
      risk: { band: 'block' },
    });
    expect(blocked?.risk?.score).toBeGreaterThanOrEqual(14);
    const notice = await lastMail(addressOf(bo), /blocked a sign-in/i);
    expect(notice).toContain(BR);
    expect(notice).not.toMatch(/score/i);
    const audit = (await cloud.ports.audit.byTarget({ kind: 'user', id: bo.userId })).items.filter(
      (r) => r.action === 'security.login-risk',
    );
    expect(audit[0]).toMatchObject({ outcome: 'refused', sourceIp: BR, details: { band: 'block' } });
    // Step-up and block decisions only: the first login, the one from Great Britain, and the block.
    expect(audit.map((r) => r.details?.band)).toEqual(['block', 'step-up', 'step-up']);
  }, 180_000);
});
