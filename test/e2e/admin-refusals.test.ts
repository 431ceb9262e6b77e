// D3 end to end through the local gateway: a support admin's refused approval and a failed admin login each
// appear in the audit chain, and a flood of refusals writes at most REFUSAL_EVIDENCE.perWindow records.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usernameDigest } from '../../lambdas/admin/admin-login.js';
import { REFUSAL_EVIDENCE } from '../../lambdas/admin/refusal-evidence.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { createAdmin, type TestAdmin } from '../support/admin-client.js';
import { callFrom } from '../support/local-client.js';

const clock = { now: () => new Date() };
let stateDir: string;
let cloud: LocalCloud;
let support: TestAdmin;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-admin-refusals-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
  support = await createAdmin(cloud, { username: 'refused-sup1', tiers: ['support'] });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const as = (admin: TestAdmin, method: string, path: string, body?: unknown) =>
  callFrom(cloud, '127.0.0.1', method, path, body, { authorization: `Bearer ${admin.token}` });

const refusedBy = async (admin: TestAdmin) =>
  (await cloud.ports.audit.byActor({ kind: 'admin', id: admin.adminId }, 200)).items.filter(
    (r) => r.action === 'admin.refused',
  );

describe('D3 admin refusals are evidence', () => {
  it("D3 a support admin's refused approval appears in the audit chain", async () => {
    const answer = await as(support, 'POST', '/v1/admin/requests/r-none/approve', {
      payloadHash: 'a'.repeat(64),
      password: support.password,
      code: '123456',
    });
    expect(answer.status).toBe(403);
    const records = await refusedBy(support);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      outcome: 'refused',
      actor: { kind: 'admin', id: support.adminId, tier: 'support' },
      details: {
        permission: 'approve',
        route: 'POST /v1/admin/requests/{requestId}/approve',
        code: 'TIER_NOT_ALLOWED',
      },
    });
  });

  it('D3 a failed admin login appears in the audit chain, username digested and source masked', async () => {
    const answer = await callFrom(cloud, '127.0.0.9', 'POST', '/v1/admin/auth/login', {
      username: support.username,
      password: 'not the password',
    });
    expect(answer.status).toBe(401);
    const digest = usernameDigest(support.username);
    const page = await cloud.ports.audit.byTarget({ kind: 'admin', id: `username:${digest}` }, 10);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      action: 'admin.login-failed',
      outcome: 'refused',
      sourceIp: '127.0.*.*',
      details: { reason: 'bad-credentials', usernameSha256: digest },
    });
    expect(JSON.stringify(page.items[0])).not.toContain(support.username);
  });

  it('D3 a flood of 200 refusals writes at most the bound of records', async () => {
    const head = await cloud.ports.audit.head();
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => as(support, 'GET', '/v1/admin/withdrawals?status=review')),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(403));
    }
    // One refusal was recorded before the flood, in the same window.
    expect(await refusedBy(support)).toHaveLength(REFUSAL_EVIDENCE.perWindow);
    const after = await cloud.ports.audit.head();
    expect((after?.seq ?? 0) - (head?.seq ?? 0)).toBeLessThanOrEqual(REFUSAL_EVIDENCE.perWindow);
  }, 120_000);
});
