// Admins of the local cloud for end-to-end tests (D1): created in the local admin pool with their tiers and
// TOTP, then logged in through the admin login routes (password, then a TOTP code), as an admin would.
import { generateSync } from 'otplib';
import { expect } from 'vitest';
import type { AdminTier } from '../../lambdas/kernel/settings.js';
import type { LocalCloud } from '../../local/cloud.js';
import { createDevAdmin } from '../../local/dev-admins.js';
import { callFrom } from './local-client.js';

export interface TestAdmin {
  adminId: string;
  username: string;
  password: string;
  totpSecret: string;
  /** The admin's access token: `Authorization: Bearer ${token}` on /v1/admin/... routes. */
  token: string;
}

/**
 * The TOTP code of the 30-second step holding `at` (default: now; pass `cloud.ports.clock.now()` when the
 * cloud runs on a test clock). Codes are single-use per step: a second code needs a later step, so advance
 * the test clock by 30 s between uses (the login of `createAdmin` spends the step BEFORE `at`, so the first
 * `adminCode(secret, clock.now())` after it is fresh).
 */
export function adminCode(totpSecret: string, at: Date = new Date()): string {
  return generateSync({ secret: totpSecret, epoch: Math.floor(at.getTime() / 1000) });
}

/**
 * On a running clock, wait out the last seconds of a 30-second step: the previous step's code is accepted
 * only while the server still sees the same current step, and a slow machine can take seconds to answer.
 * A frozen test clock does not move, so nothing is waited for.
 */
async function awayFromStepEnd(cloud: LocalCloud, marginMs = 10_000): Promise<void> {
  const first = cloud.ports.clock.now().getTime();
  await new Promise((done) => setTimeout(done, 5));
  const now = cloud.ports.clock.now().getTime();
  if (now === first) return;
  const left = 30_000 - (now % 30_000);
  if (left < marginMs) await new Promise((done) => setTimeout(done, left + 50));
}

/** An admin with these tiers, logged in through POST /v1/admin/auth/login and /challenge. */
export async function createAdmin(
  cloud: LocalCloud,
  input: { username: string; tiers: readonly AdminTier[]; source?: string },
): Promise<TestAdmin> {
  const created = await createDevAdmin(cloud.ports, { username: input.username, tiers: [...input.tiers] });
  const source = input.source ?? '127.0.0.1';
  const start = await callFrom(cloud, source, 'POST', '/v1/admin/auth/login', {
    username: created.username,
    password: created.password,
  });
  expect(start.body).toMatchObject({ status: 'challenge', challenge: 'totp' });
  // The previous step's code (still within the window), so the current step stays unspent for the test.
  await awayFromStepEnd(cloud);
  const previousStep = new Date(cloud.ports.clock.now().getTime() - 30_000);
  const done = await callFrom(cloud, source, 'POST', '/v1/admin/auth/challenge', {
    loginId: start.body.loginId,
    code: adminCode(created.totpSecret, previousStep),
  });
  expect(done.body).toMatchObject({ status: 'authenticated', adminId: created.adminId });
  const tokens = done.body.tokens as { accessToken: string };
  return {
    adminId: created.adminId,
    username: created.username,
    password: created.password,
    totpSecret: created.totpSecret,
    token: tokens.accessToken,
  };
}
