// The transactional outbox (kernel/outbox.ts) against DynamoDB semantics (dynalite, signed rows): every write
// that has a second step (an audit record, an email, a workflow start) writes that step with it; a failure at
// the second step leaves the write and its outbox entry, never half of it, and the sweeper completes it once.
// The address whitelist's own cases are in address-store.test.ts, the sign-up's in signup.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoAccountStore } from '../../lambdas/account/dynamo-account-store.js';
import { recordSuspension } from '../../lambdas/account/suspension.js';
import { AdminRequestStore } from '../../lambdas/admin/request-store.js';
import type { AuditEvent } from '../../lambdas/kernel/audit/audit-record.js';
import { DeleteCommand, UpdateCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { type Effect, OUTBOX_PARTITION, OUTBOX_STUCK_ATTEMPTS, Outbox } from '../../lambdas/kernel/outbox.js';
import { sweepOutbox } from '../../lambdas/kernel/outbox-sweep.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import type { WorkflowName } from '../../lambdas/kernel/ports/workflows.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { NotificationPrefsStore } from '../../lambdas/notify/notification-prefs.js';
import { SecurityStateStore } from '../../lambdas/security/hold.js';
import { auditedSecurityChanges, securityChangeOf } from '../../lambdas/security/security-changes.js';
import { WithdrawalLifecycle } from '../../lambdas/withdrawals/lifecycle.js';
import { newWithdrawalId, type WithdrawalRecord, withdrawalKey } from '../../lambdas/withdrawals/record.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { requestFor } from '../support/admin-fixtures.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;
const clock = new ManualClock(new Date('2026-05-01T09:00:00.000Z'));

// The services behind the steps, each able to fail on demand.
const failing = { audit: false, workflow: false };
let audited: AuditEvent[];
let started: { workflow: WorkflowName; name: string }[];
const down = (name: string) => Object.assign(new Error(`${name} unavailable`), { name });
let outbox: Outbox;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-outbox-'));
  const keys = await LocalKeyService.open(stateDir);
  const spec = TABLES.accounts;
  table = new SignedTable(
    dynamo.documents,
    {
      logicalName: spec.logicalName,
      tableName: spec.logicalName,
      partitionKey: 'pk',
      sortKey: 'sk',
      ...(spec.ledger ? { ledger: spec.ledger } : {}),
    },
    new RowSigner(keys),
    new RowVerifier(keys, async () => undefined),
  );
  outbox = new Outbox({
    table,
    clock,
    audit: {
      async append(event) {
        if (failing.audit) throw down('AuditUnavailable');
        audited.push(event);
        return {} as never;
      },
    },
    workflows: {
      async start(workflow, _input, name) {
        if (failing.workflow) throw down('StepFunctionsUnavailable');
        // Named executions: a name already started is not started again.
        if (!started.some((s) => s.name === name)) started.push({ workflow, name });
        return { executionId: name };
      },
    },
  });
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(stateDir, { recursive: true, force: true });
});
beforeEach(async () => {
  // Each case starts with an empty outbox and working services.
  failing.audit = false;
  failing.workflow = false;
  await sweepOutbox(outbox);
  audited = [];
  started = [];
  clock.advance(60_000);
});

const entries = async () =>
  (await table.query<Record<string, unknown> & { version: number }>(OUTBOX_PARTITION)).items;
let seq = 0;
const fresh = (prefix: string) => `${prefix}-${++seq}`;

describe('D3 the outbox: a write and its follow-up steps, all or none', () => {
  it('B1 a security change whose audit and workflow start fail keeps its hold; the sweeper audits it and starts the workflow once', async () => {
    const userId = fresh('user');
    const holds = new SecurityStateStore(table);
    const changes = auditedSecurityChanges(outbox, { holds, settings: { holdHours: 72 } });
    failing.audit = true;
    failing.workflow = true;
    const change = securityChangeOf(
      'password-changed',
      { userId, username: 'una' },
      {
        sourceIp: '203.0.113.9',
        userAgent: 'PalisadeTest/1.0',
        requestId: 'r-1',
        baseUrl: 'https://api.example.com',
      },
      clock.now(),
    );
    await changes.onSecurityChange(change);
    // The hold is in force at once, whatever failed after it.
    expect(await holds.get(userId)).toMatchObject({ holdActive: true });
    expect(audited).toEqual([]);
    expect(started).toEqual([]);
    expect(await entries()).toHaveLength(1);

    failing.audit = false; // the audit comes back first: the sweep does it, then fails at the start
    expect(await sweepOutbox(outbox)).toMatchObject({ completed: 0, failed: 1 });
    expect(audited.map((e) => e.action)).toEqual(['security.password-changed']);
    expect(await entries()).toEqual([
      expect.objectContaining({ done: 1, lastError: 'StepFunctionsUnavailable' }),
    ]);

    failing.workflow = false;
    expect(await sweepOutbox(outbox)).toMatchObject({ completed: 1 });
    expect(started.map((s) => s.workflow)).toEqual(['security-hold']);
    // Done steps are not done again.
    expect(audited).toHaveLength(1);
    expect(await entries()).toEqual([]);
  });

  it('D2 an admin request whose workflow cannot start is stored with its entry; the sweeper starts its approval workflow', async () => {
    const store = new AdminRequestStore(table);
    const request = requestFor('reset-mfa', { requestId: fresh('outbox-req'), now: clock.now() });
    failing.workflow = true;
    const after = outbox.pending<typeof request>((stored) => [
      {
        kind: 'audit',
        event: {
          actor: { kind: 'admin', id: stored.requesterId },
          action: 'admin.request',
          target: { kind: 'request', id: stored.requestId },
          outcome: 'success',
          at: clock.now().toISOString(),
        },
      },
      {
        kind: 'workflow',
        workflow: 'admin-approval',
        input: { requestId: stored.requestId },
        name: stored.requestId,
      },
    ]);
    await store.create(request, after);
    await after.settle();
    expect(await store.get(request.requestId)).toMatchObject({ status: 'pending' });
    expect(audited.map((e) => e.action)).toEqual(['admin.request']);
    expect(started).toEqual([]);
    failing.workflow = false;
    expect(await sweepOutbox(outbox)).toMatchObject({ completed: 1 });
    expect(started).toEqual([{ workflow: 'admin-approval', name: request.requestId }]);
  });

  it('D2 an admin request that cannot be written leaves no entry: nothing runs for a request that does not exist', async () => {
    const store = new AdminRequestStore(table);
    const request = requestFor('reset-mfa', { requestId: fresh('outbox-dup'), now: clock.now() });
    await store.create(request);
    const after = outbox.pending(() => [
      { kind: 'workflow', workflow: 'admin-approval', input: {}, name: `again-${request.requestId}` },
    ]);
    // The handler stops at the refused write (it settles only after a write that succeeded).
    await expect(store.create(request, after)).rejects.toMatchObject({ code: 'CONCURRENT_UPDATE' });
    expect(await entries()).toEqual([]);
    expect(started).toEqual([]);
  });

  it('A4 a suspension whose audit record fails is audited by the sweeper; the retried task suspends nothing twice', async () => {
    const userId = fresh('user');
    await table.create({ pk: `USER#${userId}`, sk: 'ACCOUNT', userId, username: 'una', status: 'active' });
    const accounts = new DynamoAccountStore(table);
    failing.audit = true;
    const input = { userId, reason: 'user-reported' as const, requestedAt: clock.now().toISOString() };
    expect(await recordSuspension({ accounts, outbox }, input, clock.now())).toEqual({ changed: true });
    expect((await accounts.getAccount(userId))?.status).toBe('suspended');
    // The workflow's retry of its task: nothing to change, nothing to record again.
    expect(await recordSuspension({ accounts, outbox }, input, clock.now())).toEqual({ changed: false });
    failing.audit = false;
    expect(await sweepOutbox(outbox)).toMatchObject({ completed: 1 });
    expect(audited.map((e) => [e.action, e.target.id])).toEqual([['account.suspend', userId]]);
    expect(await sweepOutbox(outbox)).toMatchObject({ pending: 0 });
  });

  it('C3 a withdrawal step whose audit record fails is recorded by the sweeper, though the retried task finds it moved', async () => {
    const lifecycle = new WithdrawalLifecycle(table);
    const userId = fresh('user');
    const at = clock.now();
    const withdrawalId = newWithdrawalId(at);
    const record: WithdrawalRecord = {
      withdrawalId,
      userId,
      asset: 'BTC',
      amount: '0.1',
      amountMinor: '10000000',
      addressId: 'addr-1',
      addressMasked: 'bc1qar…5mdq',
      speed: 'standard',
      status: 'screening',
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      risk: { score: 10, band: 'low', signals: [] },
    };
    await table.create({ ...record, ...withdrawalKey(userId, withdrawalId) });
    const approve = async () => {
      const after = outbox.pending(() => [
        {
          kind: 'audit',
          event: {
            actor: { kind: 'system', id: 'withdrawal' },
            action: 'withdrawal.approve',
            target: { kind: 'withdrawal', id: withdrawalId },
            outcome: 'success',
            at: at.toISOString(),
          },
        },
      ]);
      const moved = await lifecycle.move(
        userId,
        withdrawalId,
        ['screening'],
        'approved',
        at,
        undefined,
        after,
      );
      if (moved.moved) await after.settle();
      return moved.moved;
    };
    failing.audit = true;
    expect(await approve()).toBe(true);
    expect(await approve()).toBe(false);
    failing.audit = false;
    await sweepOutbox(outbox);
    expect(audited.map((e) => e.action)).toEqual(['withdrawal.approve']);
  });

  it('B4 an anti-phishing phrase is never set without its audit record', async () => {
    const prefs = new NotificationPrefsStore(table);
    const userId = fresh('user');
    failing.audit = true;
    const after = outbox.pending(() => [
      {
        kind: 'audit',
        event: {
          actor: { kind: 'user', id: userId },
          action: 'notifications.anti-phishing-phrase.set',
          target: { kind: 'user', id: userId },
          outcome: 'success',
          at: clock.now().toISOString(),
        },
      },
    ]);
    await prefs.setPhrase(userId, 'blue heron at dawn', clock.now(), after);
    await after.settle();
    expect(await prefs.get(userId)).toMatchObject({ phrase: 'blue heron at dawn' });
    failing.audit = false;
    await sweepOutbox(outbox);
    expect(audited.map((e) => e.action)).toEqual(['notifications.anti-phishing-phrase.set']);
  });

  it('D3 a step that keeps failing stays in the outbox, counted, and is reported stuck; a step of a kind the writer cannot do is refused at once', async () => {
    failing.workflow = true;
    const after = outbox.pending(() => [
      { kind: 'workflow', workflow: 'withdrawal', input: {}, name: fresh('stuck') },
    ]);
    await table.transact(after.writes(undefined));
    await after.settle();
    for (let i = 0; i < OUTBOX_STUCK_ATTEMPTS; i++) await sweepOutbox(outbox);
    expect(await entries()).toEqual([expect.objectContaining({ attempts: OUTBOX_STUCK_ATTEMPTS, done: 0 })]);
    failing.workflow = false;
    expect(await sweepOutbox(outbox)).toMatchObject({ completed: 1 });

    const auditOnly = new Outbox({ table, clock, audit: { append: async () => ({}) as never } });
    const mail: Effect = {
      kind: 'mail',
      userId: 'u-1',
      message: { template: 'withdrawals-available', at: clock.now().toISOString() },
    };
    expect(() => auditOnly.entry([mail])).toThrow(/no mail service/);
  });

  it('E1 an outbox entry changed in the table is refused by the sweeper, not run', async () => {
    const after = outbox.pending(() => [
      { kind: 'workflow', workflow: 'withdrawal', input: {}, name: fresh('forged') },
    ]);
    failing.workflow = true;
    await table.transact(after.writes(undefined));
    await after.settle();
    failing.workflow = false;
    const [entry] = await entries();
    // An insider rewrites the step in place (the signature no longer matches).
    await dynamo.documents.send(
      new UpdateCommand({
        TableName: TABLES.accounts.logicalName,
        Key: { pk: entry?.pk, sk: entry?.sk },
        UpdateExpression: 'SET effects[0].#name = :n',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':n': 'chosen-by-insider' },
      }),
    );
    // Fails closed: the sweep stops at the forged entry (the integrity alarm fires) and runs nothing.
    await expect(sweepOutbox(outbox)).rejects.toThrow();
    expect(started).toEqual([]);
    await dynamo.documents.send(
      new DeleteCommand({ TableName: TABLES.accounts.logicalName, Key: { pk: entry?.pk, sk: entry?.sk } }),
    );
  });
});
