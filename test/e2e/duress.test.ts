// End to end, the duress password (A5) over HTTP: set after re-authentication, never equal to the password;
// a login with it answers exactly like a wrong password, suspends the account (every session dies on its
// next request) and raises the alarm metric and an audit record.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { metrics, SecurityMetric } from '../../lambdas/kernel/observability.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import type { DevAccount } from '../../local/dev-accounts.js';
import { eventually, localFetch } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const DURESS = 'blue whale swims at dawn';
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-duress-'));
  cloud = await startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const json = { 'content-type': 'application/json' };
const setDuress = (token: string, body: unknown) =>
  fetch(`${cloud.url}/v1/me/duress-password`, {
    method: 'PUT',
    headers: { ...json, authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
const login = async (username: string, password: string) => {
  const response = await fetch(`${cloud.url}/v1/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ username, password, deviceId: 'dora-phone-0001' }),
  });
  const text = await response.text();
  return { status: response.status, text: text.replace(/"requestId":"[^"]*"/, '"requestId":""') };
};

describe('duress password', () => {
  it('A5 a duress login looks like a wrong password, suspends the account and raises the alarm', async () => {
    const created = await localFetch(cloud, `/_local/dev-users`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: 'dora', email: 'dora@example.com', password: PASSWORD }),
    });
    const dora = (await created.json()) as DevAccount;

    const same = await setDuress(dora.accessToken, { duressPassword: PASSWORD, password: PASSWORD });
    expect(same.status).toBe(400);
    expect(((await same.json()) as { error: { code: string } }).error.code).toBe('DURESS_EQUALS_PASSWORD');
    const unauthenticated = await setDuress(dora.accessToken, {
      duressPassword: DURESS,
      password: 'wrong one!',
    });
    expect(((await unauthenticated.json()) as { error: { code: string } }).error.code).toBe('REAUTH_FAILED');
    const set = await setDuress(dora.accessToken, { duressPassword: DURESS, password: PASSWORD });
    expect(await set.json()).toEqual({ duressPasswordSet: true });

    const addMetric = vi.spyOn(metrics, 'addMetric');
    const wrong = await login('dora', 'not the password at all');
    const duress = await login('dora', DURESS);
    expect(duress).toEqual(wrong);
    expect(duress.status).toBe(401);
    expect(addMetric).toHaveBeenCalledWith(SecurityMetric.DuressLogin, 'Count', 1);
    addMetric.mockRestore();

    await eventually(async () => {
      expect((await cloud.ports.accounts.getAccount(dora.userId))?.status).toBe('suspended');
    });
    const me = await fetch(`${cloud.url}/v1/me`, {
      headers: { authorization: `Bearer ${dora.accessToken}` },
    });
    expect(me.status).toBe(401);
    const actions = (await cloud.ports.audit.byTarget({ kind: 'user', id: dora.userId })).items.map(
      (r) => r.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(['security.duress-password-set', 'security.duress-login']),
    );
    // The real password no longer signs in either: the account is suspended (disabled at the directory).
    await eventually(async () => expect((await login('dora', PASSWORD)).status).toBe(401));
  });
});
