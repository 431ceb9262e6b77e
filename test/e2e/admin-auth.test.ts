// End to end, admin identity (D1, D4) through the local gateway: admin login needs the password and a TOTP
// code; an unknown admin and a wrong password get byte-equal answers; admin and user tokens are each refused
// on the other's routes; an admin disabled in the directory is refused on the very next request.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { createDevAdmin } from '../../local/dev-admins.js';
import { adminCode, createAdmin } from '../support/admin-client.js';
import { callFrom, createDevUser } from '../support/local-client.js';

let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-admin-auth-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('admin identity', () => {
  it('D1 admin login needs the password and then a TOTP code; the token carries the tiers', async () => {
    const created = await createDevAdmin(cloud.ports, {
      username: 'ada-admin',
      tiers: ['security', 'compliance'],
    });
    const source = '127.0.0.11';
    const start = await callFrom(cloud, source, 'POST', '/v1/admin/auth/login', {
      username: 'ada-admin',
      password: created.password,
    });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ status: 'challenge', challenge: 'totp' });
    expect(JSON.stringify(start.body)).not.toMatch(/accessToken/);

    const wrongCode = String((Number(adminCode(created.totpSecret, clock.now())) + 1) % 1_000_000).padStart(
      6,
      '0',
    );
    const refused = await callFrom(cloud, source, 'POST', '/v1/admin/auth/challenge', {
      loginId: start.body.loginId,
      code: wrongCode,
    });
    expect(refused.status).toBe(401);
    // The challenge answered one code: the right one now is refused too; the password is needed again.
    const spent = await callFrom(cloud, source, 'POST', '/v1/admin/auth/challenge', {
      loginId: start.body.loginId,
      code: adminCode(created.totpSecret, clock.now()),
    });
    expect(spent.status).toBe(401);

    const again = await callFrom(cloud, source, 'POST', '/v1/admin/auth/login', {
      username: 'ada-admin',
      password: created.password,
    });
    const done = await callFrom(cloud, source, 'POST', '/v1/admin/auth/challenge', {
      loginId: again.body.loginId,
      code: adminCode(created.totpSecret, clock.now()),
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'authenticated', adminId: created.adminId });
    const token = (done.body.tokens as { accessToken: string }).accessToken;

    const me = await callFrom(cloud, source, 'GET', '/v1/admin/me', undefined, bearer(token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ adminId: created.adminId, username: 'ada-admin' });
    expect([...(me.body.tiers as string[])].sort()).toEqual(['compliance', 'security']);
    expect(await cloud.ports.admins.get(created.adminId)).toMatchObject({ status: 'active' });
    const login = (await cloud.ports.audit.range(1, 500)).items.filter(
      (r) => r.action === 'admin.login' && r.actor.id === created.adminId,
    );
    expect(login).toHaveLength(1);
    expect(login[0]).toMatchObject({ outcome: 'success', actor: { kind: 'admin' } });
  });

  it('D1 an unknown admin and a wrong password get byte-equal answers', async () => {
    const created = await createDevAdmin(cloud.ports, { username: 'bob-admin', tiers: ['support'] });
    const wrong = await callFrom(cloud, '127.0.0.12', 'POST', '/v1/admin/auth/login', {
      username: 'bob-admin',
      password: `${created.password}x`,
    });
    const unknown = await callFrom(cloud, '127.0.0.12', 'POST', '/v1/admin/auth/login', {
      username: 'nobody-admin',
      password: `${created.password}x`,
    });
    expect(wrong.status).toBe(401);
    expect(unknown.comparable).toBe(wrong.comparable);
    // A customer of the user pool is no admin: the same answer again.
    await createDevUser(cloud, 'carol', 'correct horse battery staple');
    const customer = await callFrom(cloud, '127.0.0.12', 'POST', '/v1/admin/auth/login', {
      username: 'carol',
      password: 'correct horse battery staple',
    });
    expect(customer.comparable).toBe(wrong.comparable);
  });

  it('D1 repeated failed admin logins are locked out under the admin: key; a customer of the same name is not', async () => {
    const created = await createDevAdmin(cloud.ports, { username: 'erin', tiers: ['support'] });
    await createDevUser(cloud, 'erin', 'correct horse battery staple');
    const source = '127.0.0.16';
    const login = (password: string) =>
      callFrom(cloud, source, 'POST', '/v1/admin/auth/login', { username: 'erin', password });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(`guess number ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Locked: the right password is refused too, before it is checked.
    const locked = await login(created.password);
    expect(locked.status).toBe(429);
    expect(locked.body.error?.code).toBe('RATE_LIMITED');

    // The counters are the admin's own: `admin:erin` is locked for this source, the customer erin is not.
    const now = clock.now();
    expect(await cloud.ports.shield.check({ username: 'admin:erin', ip: source, now })).toMatchObject({
      allow: false,
      reason: 'locked',
      lock: 'account-ip',
    });
    expect(await cloud.ports.shield.check({ username: 'erin', ip: source, now })).toMatchObject({
      allow: true,
      delayMs: 0,
    });
    const customer = await callFrom(cloud, source, 'POST', '/v1/auth/login', {
      username: 'erin',
      password: 'correct horse battery staple',
      deviceId: 'erin-phone-000001',
    });
    expect(customer.status, JSON.stringify(customer.body)).toBe(200);
    expect(customer.body.status).toMatch(/challenge|authenticated/);

    // The lockout ends (one minute, the first lockout): the admin's password is checked again.
    clockOffsetMs += 61_000;
    const after = await login(created.password);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ status: 'challenge', challenge: 'totp' });
  });

  it('D1 a client token on an admin route and an admin token on a client route are refused', async () => {
    const user = await createDevUser(cloud, 'dave', 'correct horse battery staple');
    const admin = await createAdmin(cloud, { username: 'dave-admin', tiers: ['superadmin'] });
    expect(
      (await callFrom(cloud, '127.0.0.13', 'GET', '/v1/me', undefined, bearer(user.accessToken))).status,
    ).toBe(200);
    expect(
      (await callFrom(cloud, '127.0.0.13', 'GET', '/v1/admin/me', undefined, bearer(admin.token))).status,
    ).toBe(200);

    const userOnAdmin = await callFrom(
      cloud,
      '127.0.0.13',
      'GET',
      '/v1/admin/me',
      undefined,
      bearer(user.accessToken),
    );
    expect([401, 403]).toContain(userOnAdmin.status);
    const adminOnUser = await callFrom(cloud, '127.0.0.13', 'GET', '/v1/me', undefined, bearer(admin.token));
    expect([401, 403]).toContain(adminOnUser.status);
    const adminOnSessions = await callFrom(
      cloud,
      '127.0.0.13',
      'GET',
      '/v1/me/sessions',
      undefined,
      bearer(admin.token),
    );
    expect([401, 403]).toContain(adminOnSessions.status);
    expect((await callFrom(cloud, '127.0.0.13', 'GET', '/v1/admin/me')).status).toBe(401);
  });

  it('D4 after AdminDirectory.disable the admin’s token is refused on the next request', async () => {
    const admin = await createAdmin(cloud, { username: 'erin-admin', tiers: ['operations'] });
    const other = await createAdmin(cloud, { username: 'fay-admin', tiers: ['operations'] });
    expect(
      (await callFrom(cloud, '127.0.0.14', 'GET', '/v1/admin/me', undefined, bearer(admin.token))).status,
    ).toBe(200);
    // Disabling happens after the token was issued (iat has whole seconds).
    clockOffsetMs += 2000;
    expect(await cloud.ports.admins.disable(admin.adminId, clock.now())).toEqual({ changed: true });
    const refused = await callFrom(
      cloud,
      '127.0.0.14',
      'GET',
      '/v1/admin/me',
      undefined,
      bearer(admin.token),
    );
    expect(refused.status).toBe(401);
    // Another admin is untouched.
    expect(
      (await callFrom(cloud, '127.0.0.14', 'GET', '/v1/admin/me', undefined, bearer(other.token))).status,
    ).toBe(200);
  });

  it('D1 an admin pool user without TOTP gets no tokens', async () => {
    await cloud.ports.adminIdentity.createUser({
      username: 'gus-admin',
      email: 'gus@admins.palisade.local',
      password: 'a long admin password',
    });
    await cloud.ports.adminIdentity.addToGroup('gus-admin', 'support');
    const answer = await callFrom(cloud, '127.0.0.15', 'POST', '/v1/admin/auth/login', {
      username: 'gus-admin',
      password: 'a long admin password',
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error?.code).toBe('TOTP_SETUP_REQUIRED');
    expect(JSON.stringify(answer.body)).not.toMatch(/accessToken/);
  });
});
