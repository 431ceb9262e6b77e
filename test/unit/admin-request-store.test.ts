// D2/D4 against DynamoDB semantics (dynalite): admin requests as signed rows, concurrent approvals and
// executions under conditional writes, the pending listing, the task token kept server-side, offboarding.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminRequest,
  currentPayloadHash,
  type Decision,
  payloadHash,
} from '../../lambdas/admin/approval.js';
import { AdminRequestStore } from '../../lambdas/admin/request-store.js';
import { NotFound } from '../../lambdas/kernel/errors.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { admin, approversFor, HOUR, later, requestFor, settings, T0 } from '../support/admin-fixtures.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let store: AdminRequestStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-admin-'));
  const keys = await LocalKeyService.open(stateDir);
  const table = new SignedTable(
    dynamo.documents,
    {
      logicalName: TABLES.accounts.logicalName,
      tableName: TABLES.accounts.logicalName,
      partitionKey: 'pk',
      sortKey: 'sk',
    },
    new RowSigner(keys),
    new RowVerifier(keys, async () => {}),
  );
  store = new AdminRequestStore(table);
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

let counter = 0;
/** A fresh request (its own id) stored at `now`. */
async function stored(
  action: Parameters<typeof requestFor>[0],
  options: Parameters<typeof requestFor>[1] = {},
): Promise<AdminRequest> {
  counter += 1;
  return store.create(requestFor(action, { requestId: `store-${counter}`, ...options }));
}
const ok = (d: Decision): AdminRequest => {
  if (!d.ok) throw new Error(`refused: ${d.code}`);
  return d.request;
};
const codeOf = (d: Decision) => (d.ok ? 'ok' : d.code);

describe('AdminRequestStore', () => {
  it('D2 a request is stored, listed as pending to allowed approvers, approved and executed once', async () => {
    const now = later(0, new Date('2031-01-01T08:00:00.000Z'));
    const request = await stored('reset-mfa', { now, requester: admin('req-a', 'support') });
    expect(await store.get(request.requestId)).toEqual(request);

    const ids = (list: AdminRequest[]) => list.map((r) => r.requestId);
    expect(ids(await store.listPending(now))).toContain(request.requestId);
    expect(ids(await store.listPending(now, admin('sec-1', 'security')))).toContain(request.requestId);
    expect(ids(await store.listPending(now, admin('req-a', 'support', 'security')))).not.toContain(
      request.requestId,
    );
    expect(ids(await store.listPending(now, admin('ops-1', 'operations')))).not.toContain(request.requestId);

    ok(
      await store.approve(
        request.requestId,
        admin('sec-1', 'security'),
        request.payloadHash,
        later(60_000, now),
      ),
    );
    expect(ids(await store.listPending(now, admin('sec-1', 'security')))).not.toContain(request.requestId);
    const approved = ok(
      await store.approve(
        request.requestId,
        admin('sec-2', 'superadmin'),
        request.payloadHash,
        later(120_000, now),
      ),
    );
    expect(approved.status).toBe('approved');
    expect(ids(await store.listPending(now))).not.toContain(request.requestId);

    const executed = ok(
      await store.markExecuted(request.requestId, currentPayloadHash(approved), later(HOUR, now)),
    );
    expect(executed.status).toBe('executed');
    expect(
      codeOf(await store.markExecuted(request.requestId, currentPayloadHash(approved), later(HOUR, now))),
    ).toBe('ALREADY_EXECUTED');
    expect((await store.get(request.requestId))?.status).toBe('executed');
  });

  it('D2 a claimed execution that fails is recorded failed once under the conditional write, and never runs again', async () => {
    const now = new Date('2031-01-01T08:00:00.000Z');
    const policy = settings.approvalPolicies['lift-hold'];
    const request = await stored('lift-hold', { now });
    expect(codeOf(await store.markFailed(request.requestId, 'HOLD_GONE', later(HOUR, now)))).toBe(
      'REQUEST_NOT_EXECUTED',
    );
    let approved = request;
    for (const [i, approver] of approversFor(policy, policy.approvals).entries()) {
      approved = ok(
        await store.approve(request.requestId, approver, request.payloadHash, later(i * 1000, now)),
      );
    }
    ok(await store.markExecuted(request.requestId, currentPayloadHash(approved), later(HOUR, now)));
    const results = await Promise.all(
      ['FIRST', 'SECOND', 'THIRD'].map((code) =>
        store.markFailed(request.requestId, code, later(HOUR + 1, now)),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map(codeOf)).toEqual(['REQUEST_FAILED', 'REQUEST_FAILED']);
    const row = await store.get(request.requestId);
    expect(row).toMatchObject({ status: 'failed', failedAt: later(HOUR + 1, now).toISOString() });
    expect(['FIRST', 'SECOND', 'THIRD']).toContain(row?.failureCode);
    expect(
      codeOf(await store.markExecuted(request.requestId, currentPayloadHash(approved), later(2 * HOUR, now))),
    ).toBe('REQUEST_FAILED');
  });

  it('D2 20 concurrent approvals never count past the policy, and 20 concurrent executions run once', async () => {
    const policy = settings.approvalPolicies['change-user-email'];
    const request = await stored('change-user-email');
    const approvers = approversFor(policy, 20, 'racer');
    const decisions = await Promise.all(
      approvers.map((a) => store.approve(request.requestId, a, request.payloadHash, later(60_000))),
    );
    const accepted = decisions.filter((d) => d.ok);
    expect(accepted).toHaveLength(policy.approvals);
    expect(new Set(decisions.filter((d) => !d.ok).map(codeOf))).toEqual(new Set(['REQUEST_NOT_PENDING']));

    const after = await store.get(request.requestId);
    expect(after?.status).toBe('approved');
    expect(after?.approvals).toHaveLength(policy.approvals);
    expect(new Set(after?.approvals.map((a) => a.adminId)).size).toBe(policy.approvals);

    const hash = currentPayloadHash(after as AdminRequest);
    const executions = await Promise.all(
      Array.from({ length: 20 }, () => store.markExecuted(request.requestId, hash, later(HOUR))),
    );
    expect(executions.filter((d) => d.ok)).toHaveLength(1);
    expect(new Set(executions.filter((d) => !d.ok).map(codeOf))).toEqual(new Set(['ALREADY_EXECUTED']));
  });

  it('D2 the store refuses what the rules refuse: self-approval, twice, lower tier, expired, changed payload', async () => {
    const request = await stored('lift-hold', { requester: admin('req-b', 'support', 'security') });
    const id = request.requestId;
    expect(
      codeOf(await store.approve(id, admin('req-b', 'support', 'security'), request.payloadHash, later(1))),
    ).toBe('SELF_APPROVAL');
    expect(codeOf(await store.approve(id, admin('ops', 'operations'), request.payloadHash, later(1)))).toBe(
      'TIER_NOT_ALLOWED',
    );
    ok(await store.approve(id, admin('sec-3', 'security'), request.payloadHash, later(1)));
    expect(codeOf(await store.approve(id, admin('sec-3', 'security'), request.payloadHash, later(2)))).toBe(
      'ALREADY_APPROVED',
    );
    expect(
      codeOf(
        await store.approve(id, admin('sec-4', 'security'), request.payloadHash, new Date(request.expiresAt)),
      ),
    ).toBe('REQUEST_EXPIRED');
    expect((await store.get(id))?.approvals).toHaveLength(1);

    const other = await stored('change-withdrawal-limits');
    for (const a of [admin('c-1', 'compliance'), admin('c-2', 'compliance')]) {
      ok(await store.approve(other.requestId, a, other.payloadHash, later(60_000)));
    }
    expect((await store.get(other.requestId))?.status).toBe('approved');
    const tampered = payloadHash('change-withdrawal-limits', other.target, {
      asset: 'BTC',
      daily: '500',
      monthly: '5000',
    });
    expect(codeOf(await store.markExecuted(other.requestId, tampered, later(HOUR)))).toBe('PAYLOAD_MISMATCH');
    expect((await store.get(other.requestId))?.status).toBe('approved');

    await expect(store.approve('no-such-request', admin('x', 'security'), 'h', T0)).rejects.toBeInstanceOf(
      NotFound,
    );
  });

  it('D2 an expired request leaves the pending list; a rejected one ends with its reason', async () => {
    const now = new Date('2031-02-01T12:00:00.000Z');
    const expiring = await stored('suspend-account', { now });
    const rejected = await stored('suspend-account', { now });
    const ids = async (at: Date) => (await store.listPending(at)).map((r) => r.requestId);
    expect(await ids(now)).toEqual(expect.arrayContaining([expiring.requestId, rejected.requestId]));

    expect(codeOf(await store.expire(expiring.requestId, later(HOUR, now)))).toBe('REQUEST_NOT_EXPIRED');
    const end = new Date(expiring.expiresAt);
    ok(await store.expire(expiring.requestId, end));
    ok(
      await store.reject(
        rejected.requestId,
        admin('ops-2', 'operations'),
        'Not the account holder',
        later(60_000, now),
      ),
    );
    expect(await ids(now)).not.toEqual(expect.arrayContaining([expiring.requestId]));
    expect(await ids(now)).not.toEqual(expect.arrayContaining([rejected.requestId]));
    expect(await store.get(rejected.requestId)).toMatchObject({
      status: 'rejected',
      rejection: { adminId: 'ops-2', reason: 'Not the account holder' },
    });
  });

  it('D2 a request expiring in a week is listed from its first day to its last', async () => {
    const now = new Date('2031-03-01T23:59:00.000Z');
    const policy = { ...settings.approvalPolicies['reset-mfa'], expiryHours: 24 * 7 };
    const request = await stored('reset-mfa', { now, policy });
    for (const at of [now, later(3 * 24 * HOUR, now), later(7 * 24 * HOUR - 60_000, now)]) {
      expect(
        (await store.listPending(at)).map((r) => r.requestId),
        at.toISOString(),
      ).toContain(request.requestId);
    }
    expect((await store.listPending(new Date(request.expiresAt))).map((r) => r.requestId)).not.toContain(
      request.requestId,
    );
  });

  it('D2 the task token is kept with the request but never in what reads return', async () => {
    const request = await stored('reset-mfa');
    expect(await store.taskTokenOf(request.requestId)).toBeUndefined();
    const token = 'AQCEAAAAKgAAAAMAAAAA-secret-task-token-1';
    const seen = await store.storeTaskToken(request.requestId, token, later(1));
    expect(seen.status).toBe('pending');
    expect(await store.storeTaskToken(request.requestId, `${token}-next`, later(2))).toEqual(seen);
    expect(await store.taskTokenOf(request.requestId)).toBe(`${token}-next`);

    const reads = [await store.get(request.requestId), await store.listPending(later(3)), seen];
    expect(JSON.stringify(reads)).not.toContain('secret-task-token');
    await expect(store.storeTaskToken('no-such-request', token, later(1))).rejects.toBeInstanceOf(NotFound);
  });

  it('D4 offboarding voids the requests the admin made and withdraws their approvals not yet executed', async () => {
    const now = new Date('2031-04-01T09:00:00.000Z');
    const made = await stored('reset-mfa', { now, requester: admin('leaver', 'security') });
    const approvedPending = await stored('reset-mfa', { now });
    const approvedApproved = await stored('lift-hold', { now });
    const executed = await stored('reset-mfa', { now });
    const leaver = admin('leaver', 'security');
    ok(
      await store.approve(approvedPending.requestId, leaver, approvedPending.payloadHash, later(60_000, now)),
    );
    for (const a of [leaver, admin('stayer', 'superadmin')]) {
      ok(
        await store.approve(approvedApproved.requestId, a, approvedApproved.payloadHash, later(60_000, now)),
      );
      ok(await store.approve(executed.requestId, a, executed.payloadHash, later(60_000, now)));
    }
    ok(await store.markExecuted(executed.requestId, executed.payloadHash, later(HOUR, now)));

    const outcomes = await store.voidAllBy('leaver', later(2 * HOUR, now));
    expect(outcomes.map((o) => [o.requestId, o.effect]).sort()).toEqual(
      [
        [made.requestId, 'voided'],
        [approvedPending.requestId, 'approval-withdrawn'],
        [approvedApproved.requestId, 'approval-withdrawn'],
      ].sort(),
    );
    expect((await store.get(made.requestId))?.status).toBe('voided');
    expect(await store.get(approvedPending.requestId)).toMatchObject({ status: 'pending', approvals: [] });
    const fellBack = await store.get(approvedApproved.requestId);
    expect(fellBack).toMatchObject({
      status: 'pending',
      approvals: [expect.objectContaining({ adminId: 'stayer' })],
    });
    expect(
      codeOf(
        await store.markExecuted(
          approvedApproved.requestId,
          approvedApproved.payloadHash,
          later(3 * HOUR, now),
        ),
      ),
    ).toBe('REQUEST_NOT_APPROVED');
    expect((await store.get(executed.requestId))?.status).toBe('executed');

    const pending = (await store.listPending(later(3 * HOUR, now))).map((r) => r.requestId);
    expect(pending).not.toContain(made.requestId);
    expect(pending).toEqual(expect.arrayContaining([approvedPending.requestId, approvedApproved.requestId]));
    // Running it again changes nothing.
    expect(await store.voidAllBy('leaver', later(4 * HOUR, now))).toEqual([]);
  });
});
