// End to end, the re-authentication lockout (A3/B1) over HTTP: someone holding a session guesses the password
// on PUT /v1/me/password; after five wrong guesses the route answers 429, the right password included, until
// the lockout ends on the injected clock; nothing has changed meanwhile. The login's counters are untouched.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { callFrom, createDevUser } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'an entirely new passphrase';
const SOURCE = '127.0.0.31';
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-reauth-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
}, 60_000);
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe('re-authentication lockout', () => {
  it('A3 six wrong passwords on PUT /v1/me/password: 429 RATE_LIMITED with Retry-After, the right one refused until the lockout ends, nothing changed', async () => {
    const user = await createDevUser(cloud, 'rhea', PASSWORD);
    const change = (currentPassword: string) =>
      callFrom(
        cloud,
        SOURCE,
        'PUT',
        '/v1/me/password',
        { currentPassword, newPassword: NEW_PASSWORD },
        { authorization: `Bearer ${user.accessToken}` },
      );

    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await change(`guess number ${i}`));
    expect(answers.slice(0, 5).map((a) => [a.status, a.body.error?.code])).toEqual(
      Array.from({ length: 5 }, () => [400, 'REAUTH_FAILED']),
    );
    expect(answers[5]?.status).toBe(429);
    expect(answers[5]?.body.error?.code).toBe('RATE_LIMITED');

    // The right password is refused too while the lockout lasts (one minute, the first lockout).
    const locked = await change(PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error?.code).toBe('RATE_LIMITED');
    // Every 429 says how long to wait: at most the minute of the first lockout.
    const wait = Number(locked.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    clockOffsetMs += 50_000;
    const later = await change(PASSWORD);
    expect(later.status).toBe(429);
    expect(Number(later.headers['retry-after'])).toBeLessThanOrEqual(wait - 49);

    // Nothing changed: the old password still signs in, the new one does not, no hold started.
    expect((await cloud.ports.identity.passwordAuth('rhea', PASSWORD)).kind).toBe('tokens');
    await expect(cloud.ports.identity.passwordAuth('rhea', NEW_PASSWORD)).rejects.toMatchObject({
      name: 'Unauthorized',
    });
    const security = await callFrom(cloud, SOURCE, 'GET', '/v1/me/security', undefined, {
      authorization: `Bearer ${user.accessToken}`,
    });
    expect(security.body).toEqual({ hold: { active: false } });

    // The login has counters of its own: the owner still signs in with the right password meanwhile.
    const login = await callFrom(cloud, SOURCE, 'POST', '/v1/auth/login', {
      username: 'rhea',
      password: PASSWORD,
      deviceId: 'rhea-phone-000001',
    });
    expect(login.status, JSON.stringify(login.body)).toBe(200);

    // The lockout over, the right password changes the password.
    clockOffsetMs += 11_000;
    const changed = await change(PASSWORD);
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ passwordChanged: true });
    expect((await cloud.ports.identity.passwordAuth('rhea', NEW_PASSWORD)).kind).toBe('tokens');
  });
});
