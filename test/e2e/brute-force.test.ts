// End to end, the bot shield (A3) under attack over HTTP: 200 wrong passwords from 50 addresses in 50
// networks against one account, then the owner from the known device; and answers that never tell whether
// an account exists.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalIdentityProvider } from '../../local/adapters/identity-provider.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { callFrom, createDevUser, firstLogin, localFetch } from '../support/local-client.js';

const owner = { username: 'ivy', email: 'ivy@example.com', password: 'correct horse battery staple' };
const DEVICE = 'ivy-phone-000001';
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-shield-'));
  cloud = await startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
  const created = await localFetch(cloud, `/_local/dev-users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(owner),
  });
  expect(created.status).toBe(201);
  await firstLogin(cloud, owner, DEVICE);
}, 60_000);
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe('bot shield', () => {
  it('A3 200 wrong passwords from 50 addresses: no success, lockouts, the owner still gets in from the known device', async () => {
    const statuses: number[] = [];
    // Four rounds, each address once per round; ten requests in flight at a time, as a botnet paces itself.
    const attempts = Array.from({ length: 200 }, (_, n) => ({ round: Math.floor(n / 50), i: n % 50 }));
    for (let start = 0; start < attempts.length; start += 10) {
      const answers = await Promise.all(
        attempts.slice(start, start + 10).map(({ round, i }) =>
          callFrom(cloud, `127.${i + 1}.0.1`, 'POST', '/v1/auth/login', {
            username: owner.username,
            password: `guess-${round}-${i}`,
            deviceId: `attacker-${i}-device`,
          }),
        ),
      );
      statuses.push(...answers.map((a) => a.status));
    }
    expect(statuses).toHaveLength(200);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);

    // The owner, from the known device on the owner's own address, is not locked out by the attack.
    const ownerLogin = await callFrom(cloud, '127.0.0.1', 'POST', '/v1/auth/login', {
      username: owner.username,
      password: owner.password,
      deviceId: DEVICE,
    });
    expect(ownerLogin.status).toBe(200);
    expect(ownerLogin.body.status).toBe('authenticated');
  }, 300_000);

  it('A3 an unknown username and a wrong password get the same answers, lockouts included', async () => {
    // A fresh account: the attack above has put the owner's account under protection.
    await createDevUser(cloud, 'june', 'another good long password');
    const unknown: string[] = [];
    const known: string[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(
        (
          await callFrom(cloud, '127.200.0.1', 'POST', '/v1/auth/login', {
            username: 'june',
            password: `nope-${i}`,
            deviceId: 'probe-device-01',
          })
        ).comparable,
      );
      unknown.push(
        (
          await callFrom(cloud, '127.201.0.1', 'POST', '/v1/auth/login', {
            username: 'no-such-user',
            password: `nope-${i}`,
            deviceId: 'probe-device-01',
          })
        ).comparable,
      );
    }
    expect(unknown).toEqual(known);
  }, 180_000);

  it('A3 64 concurrent guesses at a time: at most 100 passwords reach the directory (NIST SP 800-63B 5.2.2)', async () => {
    await createDevUser(cloud, 'kim', 'a very good long password');
    const checked = vi.spyOn(LocalIdentityProvider.prototype, 'passwordAuth');
    try {
      const statuses: number[] = [];
      // 160 guesses, each from its own loopback network, so that only the account's own bound can stop them.
      for (let start = 0; start < 160; start += 64) {
        const batch = Array.from({ length: Math.min(64, 160 - start) }, (_, k) => start + k);
        const answers = await Promise.all(
          batch.map((n) =>
            callFrom(cloud, `127.${100 + Math.floor(n / 100)}.${n % 100}.9`, 'POST', '/v1/auth/login', {
              username: 'kim',
              password: `guess-number-${n}`,
              deviceId: `stuffer-device-${n}`,
            }),
          ),
        );
        statuses.push(...answers.map((a) => a.status));
      }
      const reached = checked.mock.calls.filter(([username]) => username === 'kim').length;
      // Every answer is a refusal: a wrong password (401) or the bound (429), never a 5xx.
      expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
      expect(reached).toBeLessThanOrEqual(100);
      expect(statuses.filter((s) => s === 401).length).toBe(reached);
      expect(statuses.filter((s) => s === 429).length).toBe(160 - reached);
    } finally {
      checked.mockRestore();
    }
  }, 300_000);
});
