// End to end, the workflows of a local cloud across a restart on the same state folder (issue 12, item 11):
// each test stops the server while an execution waits — an admin request for its next approval (D2), a
// withdrawal under review (C3), a suspension between two tasks (A8), a 72-hour hold (B2) — starts a new
// one, and shows the execution goes on from where it stood: the approval after the restart executes the
// action, the decision dispatches the withdrawal, the suspension finishes, the hold ends at its time. What
// ran out while the server was down ends by its timeout branch, never as approved. The clock is injected;
// the only waits are polls for work the runtime does on its own.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newAddressId } from '../../lambdas/addresses/address-store.js';
import type { AdminRequest } from '../../lambdas/admin/approval.js';
import { Unauthorized } from '../../lambdas/kernel/errors.js';
import type { AdminAction, AdminTier } from '../../lambdas/kernel/settings.js';
import { holdStatus } from '../../lambdas/security/hold.js';
import {
  newWithdrawalId,
  type WithdrawalRecord,
  withdrawalExecutionName,
} from '../../lambdas/withdrawals/record.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import type { ExecutionRecord } from '../../local/execution-journal.js';
import { LOCAL_ACCOUNT } from '../../local/lambda-context.js';
import { adminCode, createAdmin, type TestAdmin } from '../support/admin-client.js';
import { callFrom, createDevUser, eventually, type JsonAnswer, mailText } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const DESTINATION = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
const HOUR = 3_600_000;

let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let stateDir: string;
let cloud: LocalCloud;
/** What the current server logged (resumptions among it). */
let logs: string[] = [];
const admins: Record<string, TestAdmin> = {};
const spent = new Map<string, number>();
let users = 0;

// No Wait override: the hold's Wait lasts until its end, as in AWS, so a restart finds it waiting.
const boot = async () => {
  logs = [];
  return startLocalCloud({
    stateDir,
    clock,
    port: 0,
    retryIntervalMs: 0,
    log: (line) => logs.push(line),
  });
};

/** Stops the server and starts a new one on the same state folder, the clock moved on by `laterMs`. */
async function restart(laterMs = 0): Promise<void> {
  await cloud.stop();
  offsetMs += laterMs;
  cloud = await boot();
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-restart-'));
  cloud = await boot();
  const roster: [string, AdminTier[]][] = [
    ['sup1', ['support']],
    ['ops1', ['operations']],
    ['sec1', ['security']],
    ['sec2', ['security']],
  ];
  for (const [username, tiers] of roster) await addAdmin(username, tiers);
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

async function addAdmin(username: string, tiers: AdminTier[]): Promise<TestAdmin> {
  const admin = await createAdmin(cloud, { username, tiers });
  spent.set(admin.adminId, Math.floor(clock.now().getTime() / 30_000) - 1);
  admins[username] = admin;
  return admin;
}

/** A fresh TOTP code of `admin`: the clock moves to the next step when this admin spent the current one. */
function codeOf(admin: TestAdmin): string {
  const step = Math.floor(clock.now().getTime() / 30_000);
  const last = spent.get(admin.adminId) ?? -1;
  if (step <= last) offsetMs += (last + 1 - step) * 30_000;
  const now = clock.now();
  spent.set(admin.adminId, Math.floor(now.getTime() / 30_000));
  return adminCode(admin.totpSecret, now);
}

const admin = (name: string) => admins[name] as TestAdmin;
const as = (who: TestAdmin, method: string, path: string, body?: unknown): Promise<JsonAnswer> =>
  callFrom(cloud, '127.0.0.1', method, path, body, { authorization: `Bearer ${who.token}` });

async function requestAs(who: TestAdmin, action: AdminAction, userId: string) {
  const made = await as(who, 'POST', '/v1/admin/requests', {
    action,
    target: { kind: 'user', id: userId },
    parameters: {},
    reason: `ticket ${action} for the restart test`,
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return { requestId: made.body.requestId as string, payloadHash: made.body.payloadHash as string };
}

const approve = (who: TestAdmin, requestId: string, payloadHash: string) =>
  as(who, 'POST', `/v1/admin/requests/${requestId}/approve`, {
    payloadHash,
    password: who.password,
    code: codeOf(who),
  });

const arn = (workflow: string, name: string) =>
  `arn:aws:states:${cloud.ports.settings.primaryRegion}:${LOCAL_ACCOUNT}:execution:${workflow}:${name}`;

/** The execution's checkpoint in the state folder, once `ready` holds for it. */
const checkpoint = (workflow: string, name: string, ready: (at: ExecutionRecord['at']) => boolean) =>
  eventually(async () => {
    const text = await readFile(join(stateDir, 'executions', `${workflow}.${name}.json`), 'utf8');
    const { at } = JSON.parse(text) as ExecutionRecord;
    if (!ready(at)) throw new Error(`not yet: ${JSON.stringify(at)}`);
    return at;
  });

/** The executions of a workflow the state folder holds (their file names; not a write's temporary file). */
const journalled = async (workflow: string) =>
  (await readdir(join(stateDir, 'executions')).catch(() => [])).filter(
    (f) => f.startsWith(`${workflow}.`) && f.endsWith('.json'),
  );

async function newUser(prefix: string) {
  users += 1;
  const username = `${prefix}${users}${Date.now().toString(36)}`;
  const user = await createDevUser(cloud, username, PASSWORD);
  return { ...user, username, email: `${username}@example.com` };
}

describe('Local workflows survive a restart of the server', () => {
  it('D2 a pending request survives a restart: the approval after it executes the action, once', async () => {
    const user = await newUser('lift');
    await cloud.ports.securityState.recordChange(
      user.userId,
      { kind: 'password-changed', at: clock.now() },
      cloud.ports.settings.holdHours * HOUR,
    );
    const { requestId, payloadHash } = await requestAs(admin('sup1'), 'lift-hold', user.userId);
    expect((await approve(admin('sec1'), requestId, payloadHash)).status).toBe(200);
    // The workflow waits for the second approval, its new token stored with the request.
    const name = `admin-request-${requestId}`;
    const waiting = await checkpoint('admin-approval', name, (at) => {
      if (!('state' in at) || at.state !== 'AwaitTheNextApproval' || !at.task?.invoked) return false;
      return at.task.answer === undefined;
    });
    expect('state' in waiting && waiting.task?.token).toBe(
      await cloud.ports.adminRequests.taskTokenOf(requestId),
    );

    await restart();
    expect(logs.join('\n')).toMatch(
      new RegExp(`Resumed .*${name} at AwaitTheNextApproval \\(waiting for its task token until`, 's'),
    );
    expect(await cloud.ports.adminRequests.get(requestId)).toMatchObject({ status: 'pending' });
    const second = await approve(admin('sec2'), requestId, payloadHash);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(await cloud.workflows.waitFor(arn('admin-approval', name))).toMatchObject({ status: 'SUCCEEDED' });
    expect(await cloud.ports.adminRequests.get(requestId)).toMatchObject({ status: 'executed' });
    expect(holdStatus(await cloud.ports.securityState.get(user.userId), clock.now()).active).toBe(false);
    const executed = (await cloud.ports.audit.byTarget({ kind: 'request', id: requestId }, 100)).items.filter(
      (r) => r.action === 'admin.execute' && r.outcome === 'success',
    );
    expect(executed).toHaveLength(1);
    expect(await journalled('admin-approval')).not.toContain(`admin-approval.${name}.json`);
  });

  it('C3 a withdrawal under review survives a restart: the decision after it dispatches the withdrawal', async () => {
    const user = await newUser('wd');
    const created = await cloud.ports.addresses.create({
      addressId: newAddressId(),
      userId: user.userId,
      asset: 'BTC',
      address: DESTINATION,
      label: 'cold wallet',
      blocked: false,
    });
    if (!created.link) throw new Error('a pending address has a link');
    const address = await cloud.ports.addresses.confirm(created.link.token);
    const now = clock.now();
    const withdrawalId = newWithdrawalId(now);
    const record: WithdrawalRecord = {
      withdrawalId,
      userId: user.userId,
      asset: 'BTC',
      amount: '0.015',
      amountMinor: '1500000',
      addressId: address.addressId,
      addressMasked: address.addressMasked,
      speed: 'standard',
      status: 'screening',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      risk: {
        score: 45,
        band: 'unusual',
        signals: [{ id: 'takeover-chain', points: 40, detail: 'new device, email change, withdrawal' }],
      },
    };
    await cloud.ports.ledger.record(record, cloud.ports.settings.withdrawalLimits.BTC, now);
    const name = withdrawalExecutionName(withdrawalId);
    await cloud.workflows.start('withdrawal', { userId: user.userId, withdrawalId }, name);
    await checkpoint(
      'withdrawal',
      name,
      (at) => 'state' in at && at.state === 'AwaitAnAdminDecision' && !!at.task?.invoked,
    );
    expect(await cloud.ports.withdrawalLifecycle.get(user.userId, withdrawalId)).toMatchObject({
      status: 'review',
    });

    await restart();
    expect(logs.join('\n')).toContain(`${name} at AwaitAnAdminDecision (waiting for its task token until`);
    await expect(
      cloud.ports.withdrawalDecisions.decide(user.userId, withdrawalId, {
        outcome: 'approve',
        adminId: 'admin-compliance-1',
        reason: 'Called the user back on the phone on file',
      }),
    ).resolves.toEqual({ outcome: 'approve' });
    expect(await cloud.workflows.waitFor(arn('withdrawal', name))).toMatchObject({ status: 'SUCCEEDED' });
    expect(await cloud.ports.withdrawalLifecycle.get(user.userId, withdrawalId)).toMatchObject({
      status: 'dispatched',
      decision: { outcome: 'approved', by: 'admin' },
    });
    const transfers = (await cloud.ports.custody.transfers()).filter((t) => t.withdrawalId === withdrawalId);
    expect(transfers).toHaveLength(1);
  });

  it('A8 a suspension stopped between two tasks finishes after the restart: sign-in blocked, the user told', async () => {
    const user = await newUser('susp');
    const invoke = cloud.runtime.functions.invoke.bind(cloud.runtime.functions);
    // The server stops while the workflow revokes sign-in: that task never answers in this process.
    let revoking!: () => void;
    const reached = new Promise<void>((resolve) => (revoking = resolve));
    vi.spyOn(cloud.runtime.functions, 'invoke').mockImplementation((id, event, requestId) => {
      if (id !== 'RevokeAccess') return invoke(id, event, requestId);
      revoking();
      return new Promise(() => undefined);
    });
    const requestedAt = clock.now().toISOString();
    await cloud.ports.suspensions.request(user.userId, 'duress', requestedAt);
    await reached;
    const name = `duress-${user.userId}-${requestedAt.replace(/[^0-9]/g, '')}`.slice(0, 80);
    await checkpoint(
      'account-suspension',
      name,
      (at) => 'state' in at && at.state === 'RevokeSignInEverywhere',
    );
    // Recorded, not yet revoked: the password still signs in.
    expect(await cloud.ports.accounts.getAccount(user.userId)).toMatchObject({ status: 'suspended' });
    await expect(cloud.ports.identity.passwordAuth(user.username, PASSWORD)).resolves.toBeDefined();

    await restart();
    // Resumed at the task it stood at: the suspension is not recorded twice, the withdrawals not cancelled twice.
    expect(logs.join('\n')).toContain(`${name} at RevokeSignInEverywhere`);
    expect(await cloud.workflows.waitFor(arn('account-suspension', name))).toMatchObject({
      status: 'SUCCEEDED',
    });
    await expect(cloud.ports.identity.passwordAuth(user.username, PASSWORD)).rejects.toBeInstanceOf(
      Unauthorized,
    );
    expect(await mailText(cloud, user.email, /suspended/i)).toBeTruthy();
  });

  it('D2 a request whose time ran out while the server was down expires at the restart, never executed', async () => {
    const user = await newUser('late');
    const { requestId, payloadHash } = await requestAs(admin('sup1'), 'suspend-account', user.userId);
    const name = `admin-request-${requestId}`;
    await checkpoint('admin-approval', name, (at) => 'state' in at && !!at.task?.invoked);

    // suspend-account requests expire after 4 hours.
    await restart(5 * HOUR);
    expect(await cloud.workflows.waitFor(arn('admin-approval', name))).toMatchObject({
      status: 'SUCCEEDED',
      output: { requestId, outcome: 'expired' },
    });
    expect(await cloud.ports.adminRequests.get(requestId)).toMatchObject({
      status: 'expired',
    } satisfies Partial<AdminRequest>);
    const late = await addAdmin(`ops${Date.now().toString(36)}`, ['operations']);
    expect(await approve(late, requestId, payloadHash)).toMatchObject({
      status: 410,
      body: { error: { code: 'REQUEST_EXPIRED' } },
    });
    expect(await cloud.ports.accounts.getAccount(user.userId)).toMatchObject({ status: 'active' });
  });

  it('B2 a hold waiting for its end survives restarts: still held before its end, cleared at it, with the email', async () => {
    const user = await newUser('hold');
    const duress = await fetch(`${cloud.url}/v1/me/duress-password`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
      body: JSON.stringify({ duressPassword: 'blue whale swims at dawn', password: PASSWORD }),
    });
    expect(duress.status).toBe(200);
    const endsAt = (await cloud.ports.securityState.get(user.userId))?.holdEndsAt as string;
    const [file] = await eventually(async () => {
      const files = await journalled('security-hold');
      const mine = [];
      for (const f of files) {
        const record = JSON.parse(await readFile(join(stateDir, 'executions', f), 'utf8')) as ExecutionRecord;
        if ((record.input as { userId?: string }).userId === user.userId && 'state' in record.at) {
          if (record.at.state === 'WaitForTheHoldEnd') mine.push(f);
        }
      }
      if (mine.length !== 1) throw new Error('not waiting yet');
      return mine;
    });
    const name = (file as string).slice('security-hold.'.length, -'.json'.length);

    // Before its end: resumed, still waiting, the hold in force.
    await restart(HOUR);
    expect(logs.join('\n')).toContain(`${name} at WaitForTheHoldEnd (waiting until ${endsAt})`);
    expect(holdStatus(await cloud.ports.securityState.get(user.userId), clock.now()).active).toBe(true);

    // Past its end: the resumed Wait is over, the hold is cleared and the user told.
    await restart(cloud.ports.settings.holdHours * HOUR);
    expect(await cloud.workflows.waitFor(arn('security-hold', name))).toMatchObject({ status: 'SUCCEEDED' });
    expect(await cloud.ports.securityState.get(user.userId)).toMatchObject({
      holdActive: false,
      holdEndsAt: endsAt,
    });
    expect(await mailText(cloud, user.email, /withdrawals are available again/i)).toBeTruthy();
  });

  it('D3 the follow-up steps of a write whose server died before doing them are done at the next start (the outbox)', async () => {
    const user = await newUser('outbox');
    const at = clock.now();
    // A request's write, with its audit record and an email to come, and then the server dies: the steps are
    // written with the row (one transaction) but never done.
    const after = cloud.ports.outbox.fixed([
      {
        kind: 'audit',
        event: {
          actor: { kind: 'user', id: user.userId },
          action: 'notifications.anti-phishing-phrase.set',
          target: { kind: 'user', id: user.userId },
          outcome: 'success',
          at: at.toISOString(),
        },
      },
      {
        kind: 'mail',
        userId: user.userId,
        message: { template: 'withdrawals-available', at: at.toISOString() },
      },
    ]);
    await cloud.ports.notificationPrefs.setPhrase(user.userId, 'blue heron at dawn', at, after);
    const audited = async () =>
      (await cloud.ports.audit.byTarget({ kind: 'user', id: user.userId }, 100)).items.filter(
        (r) => r.action === 'notifications.anti-phishing-phrase.set',
      );
    expect(await audited()).toEqual([]);
    await expect(mailText(cloud, user.email, /withdrawals are available again/i)).rejects.toThrow();

    // The writer's lease ends while the server is down; the start sweeps the outbox before any request.
    await restart(3 * 60_000);
    expect(await audited()).toHaveLength(1);
    expect(await mailText(cloud, user.email, /withdrawals are available again/i)).toBeTruthy();
    expect(logs.join('\n')).not.toMatch(/OutboxSweeper failed/);
  });
});
