// A client of the cloud harness, as a mobile app or an admin console drives it: sign-up with both codes, the
// first login of a device (password, emailed code, device link), TOTP codes on the real clock (the bundles run
// on it), and admins provisioned in the admin pool as an operator provisions them.
import { generateSync } from 'otplib';
import { expect } from 'vitest';
import type { AdminTier } from '../../../lambdas/kernel/settings.js';
import { createDevAdmin } from '../../../local/dev-admins.js';
import { followLink, linkIn } from '../../support/email-links.js';
import type { CloudHarness, JsonAnswer } from './cloud.js';

/** Meets the pool's policy (upper, lower, digit, symbol, 12+), as a user's password must in AWS. */
export const PASSWORD = 'Correct-Horse-Battery-9';

export interface TestUser {
  username: string;
  email: string;
  phone: string;
  password: string;
  userId?: string;
  accessToken?: string;
  /** A8: the refresh token of the last login. */
  refreshToken?: string;
  totpSecret?: string;
}

let people = 0;
export function person(prefix: string, password = PASSWORD): TestUser {
  people += 1;
  const stamp = `${Date.now().toString(36)}${people}`;
  return {
    username: `${prefix}_${stamp}`,
    email: `${prefix}.${stamp}@example.com`,
    phone: `+4477009${String((Date.now() + people) % 100_000).padStart(5, '0')}`,
    password,
  };
}

const sixDigits = (text: string) => /\b(\d{6})\b/.exec(text)?.[1];

export function expectStatus(answer: JsonAnswer, status: number): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
}

/** A1: sign-up, the emailed and the texted code, verification. */
export async function signUp(h: CloudHarness, user: TestUser, source = '127.0.0.20'): Promise<void> {
  const started = await h.call('POST', '/v1/auth/signup', user, { source });
  expectStatus(started, 201);
  const emailCode = sixDigits(await h.mailText(user.email, /verify your email/i));
  const phoneCode = sixDigits(
    h.sms
      .list()
      .filter((m) => m.to === user.phone)
      .at(-1)?.text ?? '',
  );
  expect(emailCode).toMatch(/^\d{6}$/);
  expect(phoneCode).toMatch(/^\d{6}$/);
  const verified = await h.call('POST', '/v1/auth/signup/verify', {
    signupId: started.body.signupId,
    emailCode,
    phoneCode,
  });
  expectStatus(verified, 200);
}

/**
 * A6/A7: the first login of a device: password, the emailed code when the network is new, the device link,
 * tokens.
 */
export async function firstLogin(
  h: CloudHarness,
  user: TestUser,
  deviceId: string,
  source = '127.0.0.1',
): Promise<string> {
  const start = await h.call(
    'POST',
    '/v1/auth/login',
    { username: user.username, password: user.password, deviceId },
    { source },
  );
  expectStatus(start, 200);
  expect(start.body.status).toBe('challenge');
  const loginId = start.body.loginId;
  if (start.body.challenge === 'ip-code') {
    const code = sixDigits(await h.mailText(user.email, /login code/i));
    const second = await h.call(
      'POST',
      '/v1/auth/challenge',
      { loginId, challenge: 'ip-code', code },
      { source },
    );
    expect(second.body).toMatchObject({ status: 'challenge', challenge: 'device-confirmation' });
  }
  // The emailed link opens a page (a GET changes nothing); its button posts the token (A4, A7, C1).
  await followLink(linkIn(await h.mailText(user.email, /new device/i), '/v1/auth/device-links/'));
  const done = await h.call(
    'POST',
    '/v1/auth/challenge',
    { loginId, challenge: 'device-confirmation' },
    { source },
  );
  expect(done.body.status).toBe('authenticated');
  const tokens = done.body.tokens as { accessToken: string; refreshToken?: string };
  const token = tokens.accessToken;
  user.accessToken = token;
  if (tokens.refreshToken) user.refreshToken = tokens.refreshToken;
  return token;
}

const STEP_MS = 30_000;

/** Something with an authenticator, and the last 30-second step it spent (a code is single-use per step). */
export interface TotpHolder {
  totpSecret: string;
  lastStep?: number;
}

/**
 * The code of the earliest step the directory still accepts (one step either side of now) that is later
 * than the holder's last one, with at least 15 s left to use it; waits for the next step when all are spent.
 */
export async function freshCode(holder: TotpHolder): Promise<string> {
  for (;;) {
    const intoStep = Date.now() % STEP_MS;
    if (intoStep > STEP_MS - 1500)
      await new Promise((resolve) => setTimeout(resolve, STEP_MS - intoStep + 50));
    const now = Math.floor(Date.now() / STEP_MS);
    // The previous step's code is accepted only until this step ends: used in the step's first half alone,
    // so that a slow request (a loaded machine, a re-authentication's hash) still arrives within it.
    const candidates = Date.now() % STEP_MS < STEP_MS / 2 ? [now - 1, now, now + 1] : [now, now + 1];
    const step = candidates.find((s) => s > (holder.lastStep ?? Number.NEGATIVE_INFINITY));
    if (step !== undefined) {
      holder.lastStep = step;
      return generateSync({ secret: holder.totpSecret, epoch: step * 30 });
    }
    await new Promise((resolve) => setTimeout(resolve, STEP_MS - (Date.now() % STEP_MS) + 50));
  }
}

/** A six-digit code that no step in the accepted window of `secret` yields. */
export function wrongCode(secret: string): string {
  const now = Math.floor(Date.now() / STEP_MS);
  const valid = new Set(
    [now - 2, now - 1, now, now + 1, now + 2].map((s) => generateSync({ secret, epoch: s * 30 })),
  );
  for (let n = 0; ; n++) {
    const code = String(n * 111_111)
      .padStart(6, '0')
      .slice(-6);
    if (!valid.has(code)) return code;
  }
}

export interface TestAdmin extends TotpHolder {
  adminId: string;
  username: string;
  password: string;
  token: string;
}

/** D1: an admin provisioned in the admin pool (tiers, TOTP), then logged in through the admin routes. */
export async function adminOf(h: CloudHarness, username: string, tiers: AdminTier[]): Promise<TestAdmin> {
  const created = await createDevAdmin({ adminIdentity: h.adminDirectory }, { username, tiers });
  const start = await h.call('POST', '/v1/admin/auth/login', { username, password: created.password });
  expectStatus(start, 200);
  expect(start.body).toMatchObject({ status: 'challenge', challenge: 'totp' });
  const holder: TotpHolder = { totpSecret: created.totpSecret };
  const done = await h.call('POST', '/v1/admin/auth/challenge', {
    loginId: start.body.loginId,
    code: await freshCode(holder),
  });
  expectStatus(done, 200);
  expect(done.body).toMatchObject({ status: 'authenticated', adminId: created.adminId });
  return {
    adminId: created.adminId,
    username,
    password: created.password,
    ...holder,
    token: (done.body.tokens as { accessToken: string }).accessToken,
  };
}
