// End to end over HTTP, the kinder login of issue 13 (A2, A7, A9): several TOTP tries in one login, each
// counted by the bot shield, a spent code answered TOTP_CODE_USED; refused logins in the history with their
// reason and the "someone entered your password" email; the device poll's interval; devices' `current` flag
// and the session id of history entries; the TOTP QR code as PNG; GET /v1/me in clear after a step-up.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_RULES } from '../../lambdas/auth/login-flow.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import type { DevAccount } from '../../local/dev-accounts.js';
import { followLink, linkIn } from '../support/email-links.js';
import { createDevUser, localFetch } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-kinder-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

type Body = Record<string, unknown> & { error?: { code: string }; loginId?: string };

const send = async (method: string, path: string, body?: unknown, token?: string) => {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      'user-agent': 'PalisadeTest/1.0 (iPhone)',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as Body };
};
const login = (username: string, deviceId: string, password = PASSWORD) =>
  send('POST', '/v1/auth/login', { username, password, deviceId });
const answer = (loginId: string, challenge: string, code?: string) =>
  send('POST', '/v1/auth/challenge', { loginId, challenge, ...(code ? { code } : {}) });

async function mails(address: string, subject: RegExp): Promise<string[]> {
  const outbox = (await (await localFetch(cloud, '/_local/outbox')).json()) as {
    emails: { to: string[]; subject: string; text?: string }[];
  };
  return outbox.emails
    .filter((e) => e.to.includes(address) && subject.test(e.subject))
    .map((e) => e.text ?? '');
}
const lastMail = async (address: string, subject: RegExp) => (await mails(address, subject)).at(-1) ?? '';

/** A device's first login on a new network: the emailed code, the device link, then tokens. */
async function fullLogin(user: DevAccount, deviceId: string): Promise<string> {
  const address = `${user.username}@example.com`;
  const first = await login(user.username, deviceId);
  const loginId = first.body.loginId as string;
  if (first.body.challenge === 'ip-code') {
    const code = /\b(\d{6})\b/.exec(await lastMail(address, /login code/i))?.[1];
    await answer(loginId, 'ip-code', code);
  }
  await followLink(linkIn(await lastMail(address, /new device/i), '/v1/auth/device-links/'));
  const done = await answer(loginId, 'device-confirmation');
  expect(done.body.status).toBe('authenticated');
  return (done.body.tokens as { accessToken: string }).accessToken;
}

const now = () => Math.floor(clock.now().getTime() / 1000);
/** TOTP on for the user; the enrolment spends the previous step's code. */
async function enrolTotp(token: string): Promise<string> {
  const { secret } = await cloud.ports.identity.beginTotpEnrolment(token);
  await cloud.ports.identity.confirmTotpEnrolment(token, await generate({ secret, epoch: now() - 30 }));
  return secret;
}
const wrongCode = (right: string) => (right === '000000' ? '111111' : '000000');

describe('A2 kinder TOTP step', () => {
  it(`A2 A3 a wrong code leaves the login alive; a spent code is TOTP_CODE_USED; the ${LOGIN_RULES.totpAttempts}th refused try ends the login`, async () => {
    const tom = await createDevUser(cloud, 'tom-kind', PASSWORD);
    const secret = await enrolTotp(await fullLogin(tom, 'tom-device-0001'));
    const code = await generate({ secret, epoch: now() });

    const first = await login('tom-kind', 'tom-device-0001');
    expect(first.body).toMatchObject({ status: 'challenge', challenge: 'totp' });
    const loginId = first.body.loginId as string;
    const wrong = await answer(loginId, 'totp', wrongCode(code));
    expect([wrong.status, wrong.body.error?.code]).toEqual([401, 'UNAUTHORIZED']);
    const done = await answer(loginId, 'totp', code);
    expect(done.body.status).toBe('authenticated');

    // The same code again, in a new login: its time step is spent.
    const second = await login('tom-kind', 'tom-device-0001');
    const secondId = second.body.loginId as string;
    const used = await answer(secondId, 'totp', code);
    expect([used.status, used.body.error?.code]).toEqual([401, 'TOTP_CODE_USED']);
    for (let i = 2; i < LOGIN_RULES.totpAttempts; i++) {
      expect((await answer(secondId, 'totp', wrongCode(code))).status).toBe(401);
    }
    const last = await answer(secondId, 'totp', wrongCode(code));
    expect(last.status).toBe(429);
    expect(last.headers.get('retry-after')).toBe('0');
    clockOffsetMs += 30_000;
    const late = await answer(secondId, 'totp', await generate({ secret, epoch: now() }));
    expect([late.status, late.body.error?.code]).toEqual([410, 'LOGIN_OVER']);
    // The shield counted every refused code: this address is now locked out of this account for a while.
    expect((await login('tom-kind', 'tom-device-0001')).status).toBe(429);
  });
});

describe('A9 refused logins in the history', () => {
  it('A9 a code refused after the right password is in the history with its reason and emails the user once, without a link', async () => {
    const uma = await createDevUser(cloud, 'uma-kind', PASSWORD);
    const secret = await enrolTotp(await fullLogin(uma, 'uma-device-0001'));
    clockOffsetMs += 30_000;
    const code = await generate({ secret, epoch: now() });

    const started = await login('uma-kind', 'uma-device-0001');
    const loginId = started.body.loginId as string;
    await answer(loginId, 'totp', wrongCode(code));
    await answer(loginId, 'totp', wrongCode(code));
    const done = await answer(loginId, 'totp', code);
    const token = (done.body.tokens as { accessToken: string }).accessToken;

    const alerts = await mails('uma-kind@example.com', /entered your Palisade password/);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('127.0.0.1');
    expect(alerts[0]).not.toMatch(/https?:\/\//);

    // A wrong password: refused, with its reason; an unknown username answers byte for byte alike.
    const wrongPassword = await login('uma-kind', 'uma-device-0001', 'not the password');
    const unknown = await login('nobody-kind', 'uma-device-0001', 'not the password');
    const blank = (text: string) => text.replace(/"requestId":"[^"]*"/, '"requestId":""');
    expect(wrongPassword.status).toBe(401);
    expect(blank(unknown.text)).toBe(blank(wrongPassword.text));

    const me = await send('GET', '/v1/me', undefined, token);
    const history = await send('GET', '/v1/me/logins', undefined, token);
    const entries = history.body.logins as { outcome: string; reason?: string; sessionId?: string }[];
    expect(entries.slice(0, 4).map((e) => [e.outcome, e.reason])).toEqual([
      ['refused', 'password'],
      ['success', undefined],
      ['refused', 'totp-invalid'],
      ['refused', 'totp-invalid'],
    ]);
    // A9: a success names the session it opened (the one GET /v1/me reports for this token).
    expect(entries[1]?.sessionId).toBe(me.body.sessionId);
  });
});

describe('A7 devices', () => {
  it('A7 a pending device confirmation says how long to wait; devices carry the current flag', async () => {
    const vic = await createDevUser(cloud, 'vic-kind', PASSWORD);
    await fullLogin(vic, 'vic-device-0001');
    const started = await login('vic-kind', 'vic-device-0002');
    expect(started.body).toMatchObject({ status: 'challenge', challenge: 'device-confirmation' });
    const poll = await answer(started.body.loginId as string, 'device-confirmation');
    expect(poll.body).toMatchObject({ pending: true, pollAfterSeconds: LOGIN_RULES.devicePollSeconds });

    await followLink(linkIn(await lastMail('vic-kind@example.com', /new device/i), '/v1/auth/device-links/'));
    const done = await answer(started.body.loginId as string, 'device-confirmation');
    const token = (done.body.tokens as { accessToken: string }).accessToken;
    const devices = (await send('GET', '/v1/me/devices', undefined, token)).body.devices as {
      deviceId: string;
      current: boolean;
    }[];
    expect(Object.fromEntries(devices.map((d) => [d.deviceId, d.current]))).toEqual({
      'vic-device-0001': false,
      'vic-device-0002': true,
    });
  });
});

describe('A2 TOTP enrolment', () => {
  it('A2 the QR code comes as a PNG data URI beside the SVG', async () => {
    const wes = await createDevUser(cloud, 'wes-kind', PASSWORD);
    const enrolment = await send('POST', '/v1/me/mfa/totp', undefined, wes.accessToken);
    expect(enrolment.status).toBe(200);
    const png = String(enrolment.body.qrPng);
    expect(png.startsWith('data:image/png;base64,')).toBe(true);
    const bytes = Buffer.from(png.slice('data:image/png;base64,'.length), 'base64');
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(String(enrolment.body.qrCode).startsWith('data:image/svg+xml;base64,')).toBe(true);
  });
});

describe('A9 contact in clear after a step-up', () => {
  it('A9 GET /v1/me shows email in clear only after a fresh step-up of this session; each such read is audited', async () => {
    const xia = await createDevUser(cloud, 'xia-kind', PASSWORD);
    const token = xia.accessToken;
    const masked = await send('GET', '/v1/me', undefined, token);
    expect(masked.body).toMatchObject({ contactRevealed: false });
    expect(masked.body.email).not.toBe('xia-kind@example.com');

    const refused = await send('GET', '/v1/me?reveal=contact', undefined, token);
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'STEP_UP_REQUIRED']);
    const bad = await send('POST', '/v1/me/step-up', { password: 'not the password' }, token);
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'REAUTH_FAILED']);
    const stepUp = await send('POST', '/v1/me/step-up', { password: PASSWORD }, token);
    expect(stepUp.status).toBe(200);

    const clear = await send('GET', '/v1/me?reveal=contact', undefined, token);
    expect(clear.body).toMatchObject({ email: 'xia-kind@example.com', contactRevealed: true });
    // The default stays masked.
    expect((await send('GET', '/v1/me', undefined, token)).body.email).toBe(masked.body.email);
    const records = (await cloud.ports.audit.byTarget({ kind: 'user', id: xia.userId }, 50)).items;
    expect(records.filter((r) => r.action === 'account.read-contact')).toHaveLength(1);

    // Five minutes on, the step-up is no longer fresh.
    clockOffsetMs += 5 * 60_000;
    expect((await send('GET', '/v1/me?reveal=contact', undefined, token)).status).toBe(403);
  });
});
