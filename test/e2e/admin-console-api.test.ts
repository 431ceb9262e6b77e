// The admin routes the console's Users and Audit pages read (X5, D3, D5), end to end through the local gateway:
// a user found by username shows the same masked view as by id, with the live sessions, devices, logins
// (addresses masked), hold, limits and KYC level, and the lookup is audited as a lookup; the Audit route answers
// the records about a user or made by an admin with the chain's standing and its last anchored checkpoint; the
// tiers without the view are refused before anything is read.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { createAdmin, type TestAdmin } from '../support/admin-client.js';
import { callFrom, createDevUser, firstLogin, type JsonAnswer } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
let stateDir: string;
let cloud: LocalCloud;
let support: TestAdmin;
let compliance: TestAdmin;
let superadmin: TestAdmin;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-console-api-'));
  cloud = await startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
  support = await createAdmin(cloud, { username: 'sup1', tiers: ['support'] });
  compliance = await createAdmin(cloud, { username: 'comp1', tiers: ['compliance'] });
  superadmin = await createAdmin(cloud, { username: 'super1', tiers: ['superadmin'] });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const as = (admin: TestAdmin, method: string, path: string): Promise<JsonAnswer> =>
  callFrom(cloud, '127.0.0.1', method, path, undefined, { authorization: `Bearer ${admin.token}` });

describe('X5 the console’s user lookup and audit routes', () => {
  it('X5 D5 a user found by username (an audited lookup), then the view by id, masked, with sessions, devices, logins, limits and KYC level; the lookup audited', async () => {
    const dev = await createDevUser(cloud, 'lena_lookup', PASSWORD);
    // A login through the real flow: a login record, a whitelisted device and a session from 127.0.0.1.
    await firstLogin(
      cloud,
      { username: 'lena_lookup', email: 'lena_lookup@example.com', password: PASSWORD },
      'device-lena-0001',
    );
    await cloud.ports.kyc.setLevel(dev.userId, 'verified', {
      actor: { kind: 'system', id: 'test' },
      reason: 'documents checked',
      at: cloud.ports.clock.now().toISOString(),
    });

    // The username names the user (an audited lookup); the view is read by id.
    const found = await as(support, 'GET', '/v1/admin/users?username=lena_lookup');
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body).toEqual({ userId: dev.userId, username: 'lena_lookup', status: 'active' });
    const byId = await as(support, 'GET', `/v1/admin/users/${dev.userId}`);
    expect(byId.status).toBe(200);
    const view = byId.body as Record<string, unknown> & {
      sessions: { ip?: string; device: string }[];
      devices: { name: string }[];
      logins: { ip: string; outcome: string }[];
      kyc?: { level: string };
    };
    expect(view.userId).toBe(dev.userId);
    expect(JSON.stringify(view)).not.toContain('lena_lookup@example.com');
    expect(view.logins.length).toBeGreaterThan(0);
    expect(view.logins[0]).toMatchObject({ ip: '127.0.*.*', outcome: 'success' });
    expect(view.devices.length).toBe(1);
    expect(JSON.stringify(view.devices)).not.toContain('device-lena-0001'); // the id is a login factor
    expect(view.sessions.length).toBeGreaterThan(0);
    expect(JSON.stringify(view.sessions)).not.toContain('127.0.0.1');
    expect(view.kyc).toMatchObject({ level: 'verified' });

    // The lookup and the read are both audited, the lookup with how the user was found.
    const records = (await cloud.ports.audit.byTarget({ kind: 'user', id: dev.userId }, 20)).items;
    expect(records.find((r) => r.action === 'admin.lookup-user')).toMatchObject({
      actor: { kind: 'admin', id: support.adminId },
      details: { foundBy: 'username' },
    });
    expect(records.some((r) => r.action === 'admin.read-personal-data')).toBe(true);

    // An unknown username is a 404 like an unknown id; a malformed one is a 400.
    expect((await as(support, 'GET', '/v1/admin/users?username=nobody_here')).status).toBe(404);
    expect((await as(support, 'GET', '/v1/admin/users?username=%3Cscript%3E')).status).toBe(400);
  });

  it('X5 D3 the audit route: records about a user or made by an admin, the chain verified to its last checkpoint; support is refused', async () => {
    const dev = await createDevUser(cloud, 'otto_audited', PASSWORD);
    expect((await as(compliance, 'GET', `/v1/admin/users/${dev.userId}`)).status).toBe(200);

    const before = await as(compliance, 'GET', `/v1/admin/audit?userId=${dev.userId}`);
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    const records = before.body.records as { action: string; actor: { id: string }; sourceIp?: string }[];
    expect(
      records.some((r) => r.action === 'admin.read-personal-data' && r.actor.id === compliance.adminId),
    ).toBe(true);
    expect(JSON.stringify(records)).not.toContain('127.0.0.1');
    expect(['not-anchored', 'verified']).toContain((before.body.chain as { state: string }).state);

    // The scheduled checkpoint anchors the head: the route then names it, and links what came after.
    const run = await cloud.ports.auditCheckpoints.run();
    expect(run.outcome).toBe('written');
    const after = await as(superadmin, 'GET', `/v1/admin/audit?adminId=${compliance.adminId}`);
    expect(after.status).toBe(200);
    const chain = after.body.chain as {
      state: string;
      checkpoint?: { seq: number };
      tail: { complete: boolean };
    };
    expect(chain.state).toBe('verified');
    expect(chain.checkpoint?.seq).toBe(run.outcome === 'written' ? run.checkpoint.seq : -1);
    expect(chain.tail.complete).toBe(true);
    expect(
      (after.body.records as { actor: { id: string } }[]).every((r) => r.actor.id === compliance.adminId),
    ).toBe(true);
    // The audit read is itself a record.
    const own = await cloud.ports.audit.byActor({ kind: 'admin', id: superadmin.adminId }, 5);
    expect(own.items.map((r) => r.action)).toContain('admin.read-audit');

    // Support holds no audit view: 403 before anything is read; one subject only.
    const refused = await as(support, 'GET', `/v1/admin/audit?userId=${dev.userId}`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'TIER_NOT_ALLOWED' } });
    expect((await as(compliance, 'GET', `/v1/admin/audit?userId=${dev.userId}&adminId=x`)).status).toBe(400);
    expect((await as(compliance, 'GET', '/v1/admin/audit')).status).toBe(400);
  });
});
