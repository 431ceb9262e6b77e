// End to end, TOTP (A2) over HTTP: enrolment with a QR code, confirmation, the login challenge, replay
// refusal, and disabling as an audited security change that needs the password and a fresh code.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import type { DevAccount } from '../../local/dev-accounts.js';
import { localFetch } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-mfa-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const call = (path: string, token: string, body?: unknown) =>
  fetch(`${cloud.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** A code of the next 30-second step: the clock moves on, so every code is fresh (none is replayed). */
async function nextCode(secret: string): Promise<string> {
  clockOffsetMs += 30_000;
  return generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
}

describe('TOTP', () => {
  it('A2 enrol with a QR code, confirm, answer at login; replayed codes refused; disabling is audited', async () => {
    const response = await localFetch(cloud, `/_local/dev-users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'otto', email: 'otto@example.com', password: PASSWORD }),
    });
    const otto = (await response.json()) as DevAccount;

    const enrol = await call('/v1/me/mfa/totp', otto.accessToken);
    expect(enrol.status).toBe(200);
    const { secret, otpauthUri, qrCode } = (await enrol.json()) as Record<string, string>;
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Palisade:otto\?.*secret=/);
    expect(qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(qrCode?.split(',')[1] ?? '', 'base64').toString()).toContain('<svg');

    const wrong = await call('/v1/me/mfa/totp/confirm', otto.accessToken, {
      code: '000000',
      password: PASSWORD,
    });
    expect(wrong.status).toBe(400);
    const confirmCode = await nextCode(secret as string);
    const confirmed = await call('/v1/me/mfa/totp/confirm', otto.accessToken, {
      code: confirmCode,
      password: PASSWORD,
    });
    expect(await confirmed.json()).toEqual({ totpEnabled: true });

    // Login: the password alone no longer gives tokens.
    const login = await fetch(`${cloud.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'otto', password: PASSWORD, deviceId: 'otto-device-1' }),
    });
    expect(await login.json()).toMatchObject({ status: 'challenge', challenge: 'totp' });

    // Disabling: the code just used for confirmation is spent; a fresh one with the password works.
    const replay = await call('/v1/me/mfa/totp/disable', otto.accessToken, {
      password: PASSWORD,
      code: confirmCode,
    });
    expect(replay.status).toBe(400);
    const badPassword = await call('/v1/me/mfa/totp/disable', otto.accessToken, {
      password: 'not it',
      code: await nextCode(secret as string),
    });
    expect(badPassword.status).toBe(400);
    const disabled = await call('/v1/me/mfa/totp/disable', otto.accessToken, {
      password: PASSWORD,
      code: await nextCode(secret as string),
    });
    expect(await disabled.json()).toEqual({ totpEnabled: false });
    expect((await cloud.ports.identity.getUser('otto'))?.totpEnabled).toBe(false);

    const audit = await cloud.ports.audit.byTarget({ kind: 'user', id: otto.userId });
    expect(audit.items.map((r) => r.action)).toContain('security.totp-disabled');
  });
});
