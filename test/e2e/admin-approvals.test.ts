// The admin approval plane end to end through the local gateway (D2, D3, D4, D5): admins log in through the
// admin routes, ask for actions, approve and reject with step-up (password + TOTP code); the approval
// workflow runs from statemachines/admin-approval.asl.json through every branch and executes each action
// once. The clock is injected: TOTP steps and expiry move with it, never with sleeps.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminRequest } from '../../lambdas/admin/approval.js';
import { holdsCapability } from '../../lambdas/admin/permissions.js';
import { signedRows } from '../../lambdas/kernel/integrity/signed-rows.js';
import type { AdminAction } from '../../lambdas/kernel/settings.js';
import { holdStatus } from '../../lambdas/security/hold.js';
import {
  newWithdrawalId,
  type WithdrawalRecord,
  withdrawalExecutionName,
} from '../../lambdas/withdrawals/record.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { LOCAL_TABLE_NAMES } from '../../local/dynamo.js';
import { LOCAL_ACCOUNT } from '../../local/lambda-context.js';
import { adminCode, createAdmin, type TestAdmin } from '../support/admin-client.js';
import { type Slot, sha256, uploadToSlot } from '../support/list-uploads.js';
import { callFrom, createDevUser, eventually, type JsonAnswer, mailText } from '../support/local-client.js';

const run = promisify(execFile);
const PASSWORD = 'correct horse battery staple';
const DESTINATION = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';

let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let stateDir: string;
const PEP_SAMPLE = new Uint8Array(readFileSync('test/fixtures/screening/pep-sample.ftm.jsonl'));
let cloud: LocalCloud;
const admins: Record<string, TestAdmin> = {};
/** The last TOTP step each admin spent: a code is only fresh in a later step. */
const spent = new Map<string, number>();
let users = 0;
const rosterTiers = new Map<string, AdminTier[]>();
const tiersOf = (username: string): AdminTier[] => rosterTiers.get(username) ?? [];

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-admin-approvals-'));
  cloud = await startLocalCloud({
    stateDir,
    clock,
    port: 0,
    waitTimeMs: 0,
    retryIntervalMs: 0,
    // The wait for an approval times out every second here (the expiry task answers "pending" until the
    // request's time is really up on the injected clock), so expiry is seen without waiting for hours.
    taskTimeoutOverrides: { AwaitTheNextApproval: 1000 },
  });
  const roster: [string, AdminTier[]][] = [
    ['sup1', ['support']],
    ['ops1', ['operations']],
    ['comp1', ['compliance']],
    ['comp2', ['compliance']],
    ['sec1', ['security']],
    ['sec2', ['security']],
    ['sec3', ['security']],
    ['super1', ['superadmin']],
  ];
  for (const [username, tiers] of roster) {
    await addAdmin(username, tiers);
    rosterTiers.set(username, tiers);
  }
}, 120_000);

let stopped = false;
afterAll(async () => {
  if (!stopped) await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

type AdminTier = 'support' | 'operations' | 'compliance' | 'security' | 'superadmin';

async function addAdmin(username: string, tiers: AdminTier[]): Promise<TestAdmin> {
  const admin = await createAdmin(cloud, { username, tiers });
  // The login spent the step before now.
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

const as = (admin: TestAdmin, method: string, path: string, body?: unknown): Promise<JsonAnswer> =>
  callFrom(cloud, '127.0.0.1', method, path, body, { authorization: `Bearer ${admin.token}` });

async function requestAs(
  admin: TestAdmin,
  action: AdminAction,
  target: { kind: string; id: string },
  parameters: Record<string, unknown> = {},
): Promise<{ requestId: string; payloadHash: string; body: JsonAnswer['body'] }> {
  const made = await as(admin, 'POST', '/v1/admin/requests', {
    action,
    target,
    parameters,
    reason: `ticket ${action} for the test`,
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return {
    requestId: made.body.requestId as string,
    payloadHash: made.body.payloadHash as string,
    body: made.body,
  };
}

const approve = (admin: TestAdmin, requestId: string, payloadHash: string) =>
  as(admin, 'POST', `/v1/admin/requests/${requestId}/approve`, {
    payloadHash,
    password: admin.password,
    code: codeOf(admin),
  });

const rejectAs = (admin: TestAdmin, requestId: string, reason: string) =>
  as(admin, 'POST', `/v1/admin/requests/${requestId}/reject`, {
    reason,
    password: admin.password,
    code: codeOf(admin),
  });

const executionOf = (requestId: string) =>
  `arn:aws:states:${cloud.ports.settings.primaryRegion}:${LOCAL_ACCOUNT}:execution:admin-approval:admin-request-${requestId}`;

const requestRow = async (requestId: string) =>
  (await cloud.ports.adminRequests.get(requestId)) as AdminRequest;

/** The audit records of one request, oldest first. */
async function auditOf(requestId: string) {
  const page = await cloud.ports.audit.byTarget({ kind: 'request', id: requestId }, 200);
  return [...page.items].reverse();
}
const executions = async (requestId: string) =>
  (await auditOf(requestId)).filter((r) => r.action === 'admin.execute' && r.outcome === 'success');

async function newUser(
  prefix = 'u',
): Promise<{ userId: string; username: string; email: string; accessToken: string }> {
  users += 1;
  const username = `${prefix}${users}${Date.now().toString(36)}`;
  const user = await createDevUser(cloud, username, PASSWORD);
  return { userId: user.userId, username, email: `${username}@example.com`, accessToken: user.accessToken };
}

/** Approves by each admin in turn and waits for the workflow to end. */
async function approveAll(requestId: string, payloadHash: string, approvers: TestAdmin[]) {
  for (const approver of approvers) {
    const answer = await approve(approver, requestId, payloadHash);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  }
  return cloud.workflows.waitFor(executionOf(requestId));
}

/** A withdrawal under review by the withdrawal workflow (C3), as the request route would write it. */
async function withdrawalInReview(userId: string): Promise<string> {
  const created = await cloud.ports.addresses.create({
    addressId: `addr-${Date.now().toString(36)}`,
    userId,
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
    userId,
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
  await cloud.workflows.start('withdrawal', { userId, withdrawalId }, withdrawalExecutionName(withdrawalId));
  await eventually(async () => {
    const row = await cloud.ports.withdrawalLifecycle.get(userId, withdrawalId);
    if (row?.status !== 'review') throw new Error(`still ${row?.status}`);
  });
  return withdrawalId;
}

interface Scenario {
  requester: string;
  approvers: string[];
  /** An admin whose tiers may not approve this action. */
  lower: string;
  target: (user: { userId: string }) => Promise<{ kind: string; id: string }>;
  parameters?: (ctx: { userId: string }) => Promise<Record<string, unknown>> | Record<string, unknown>;
  before?: (user: Awaited<ReturnType<typeof newUser>>) => Promise<void>;
  /** What the requester does with the request's answer before the approvals (F2: the list files' upload). */
  requested?: (body: JsonAnswer['body']) => Promise<void>;
  effect: (
    user: Awaited<ReturnType<typeof newUser>>,
    target: { kind: string; id: string },
    requester: TestAdmin,
  ) => Promise<void>;
}

const userTarget = async (user: { userId: string }) => ({ kind: 'user', id: user.userId });
const holdMs = () => cloud.ports.settings.holdHours * 3_600_000;

const SCENARIOS: Record<AdminAction, Scenario> = {
  'suspend-account': {
    requester: 'sup1',
    approvers: ['ops1'],
    lower: 'sup1',
    target: userTarget,
    effect: async (user) => {
      await eventually(async () => {
        expect(await cloud.ports.accounts.getAccount(user.userId)).toMatchObject({
          status: 'suspended',
          suspensionReason: 'admin',
        });
      });
      const me = await callFrom(cloud, '127.0.0.1', 'GET', '/v1/me', undefined, {
        authorization: `Bearer ${user.accessToken}`,
      });
      expect(me.status).toBe(401);
    },
  },
  'restore-account': {
    requester: 'sup1',
    approvers: ['sec1', 'sec2'],
    lower: 'ops1',
    target: userTarget,
    before: async (user) => {
      await cloud.ports.accounts.suspend(user.userId, clock.now(), 'user-reported');
      await cloud.ports.identity.disableUser(user.username);
    },
    effect: async (user) => {
      expect(await cloud.ports.accounts.getAccount(user.userId)).toMatchObject({ status: 'active' });
      expect(await cloud.ports.identity.getUser(user.username)).toMatchObject({ enabled: true });
    },
  },
  'reset-mfa': {
    requester: 'sup1',
    approvers: ['sec1', 'sec2'],
    lower: 'comp1',
    target: userTarget,
    before: async (user) => {
      await cloud.ports.identity.provisionTotp(user.username);
      expect(await cloud.ports.identity.getUser(user.username)).toMatchObject({ totpEnabled: true });
    },
    effect: async (user) => {
      expect(await cloud.ports.identity.getUser(user.username)).toMatchObject({ totpEnabled: false });
      const state = await cloud.ports.securityState.get(user.userId);
      expect(state?.lastChange?.kind).toBe('totp-disabled');
      expect(holdStatus(state, clock.now()).active).toBe(true);
      await eventually(() => mailText(cloud, user.email, /security change/i));
    },
  },
  'change-user-email': {
    requester: 'ops1',
    approvers: ['sec1', 'super1'],
    lower: 'comp1',
    target: userTarget,
    parameters: ({ userId }) => ({ email: `new-${userId.slice(0, 8)}@example.net` }),
    effect: async (user) => {
      const contact = await cloud.ports.accounts.getContact(user.userId);
      expect(contact?.email).toBe(`new-${user.userId.slice(0, 8)}@example.net`);
      expect((await cloud.ports.identity.getUser(user.username))?.email).toBe(contact?.email);
      expect((await cloud.ports.securityState.get(user.userId))?.lastChange?.kind).toBe('email-changed');
      // The notice goes to the OLD address.
      await eventually(() => mailText(cloud, user.email, /security change/i));
    },
  },
  'change-user-phone': {
    requester: 'ops1',
    approvers: ['sec1', 'sec2'],
    lower: 'comp1',
    target: userTarget,
    parameters: () => ({ phone: '+447700900123' }),
    effect: async (user) => {
      expect((await cloud.ports.accounts.getContact(user.userId))?.phone).toBe('+447700900123');
      expect((await cloud.ports.securityState.get(user.userId))?.lastChange?.kind).toBe('phone-changed');
    },
  },
  'lift-hold': {
    requester: 'sup1',
    approvers: ['sec1', 'sec2'],
    lower: 'ops1',
    target: userTarget,
    before: async (user) => {
      await cloud.ports.securityState.recordChange(
        user.userId,
        { kind: 'password-changed', at: clock.now() },
        holdMs(),
      );
      expect(holdStatus(await cloud.ports.securityState.get(user.userId), clock.now()).active).toBe(true);
    },
    effect: async (user) => {
      expect(holdStatus(await cloud.ports.securityState.get(user.userId), clock.now()).active).toBe(false);
    },
  },
  'change-withdrawal-limits': {
    requester: 'ops1',
    approvers: ['comp1', 'sec1'],
    lower: 'sup1',
    target: userTarget,
    parameters: () => ({ asset: 'BTC', daily: '0.5', monthly: '3' }),
    effect: async (user) => {
      const defaults = cloud.ports.settings.withdrawalLimits.BTC;
      expect(await cloud.ports.ledger.limitsFor(user.userId, 'BTC', defaults)).toEqual({
        daily: '0.5',
        monthly: '3',
      });
      expect(
        await cloud.ports.ledger.limitsFor(user.userId, 'ETH', cloud.ports.settings.withdrawalLimits.ETH),
      ).toEqual(cloud.ports.settings.withdrawalLimits.ETH);
    },
  },
  'decide-withdrawal': {
    requester: 'comp1',
    approvers: ['sec1'],
    lower: 'ops1',
    target: async (user) => ({ kind: 'withdrawal', id: await withdrawalInReview(user.userId) }),
    parameters: ({ userId }) => ({ userId, outcome: 'approve' }),
    effect: async (user, target) => {
      await eventually(async () => {
        const transfers = (await cloud.ports.custody.transfers()).filter((t) => t.withdrawalId === target.id);
        expect(transfers).toHaveLength(1);
      });
      await eventually(async () => {
        const record = await cloud.ports.withdrawalLifecycle.get(user.userId, target.id);
        expect(record?.status).toBe('dispatched');
      });
    },
  },
  'reveal-personal-data': {
    requester: 'comp1',
    approvers: ['sec1'],
    lower: 'ops1',
    target: userTarget,
    parameters: () => ({ fields: ['email'], windowMinutes: 15 }),
    effect: async (user, _target, requester) => {
      const seen = await as(requester, 'GET', `/v1/admin/users/${user.userId}`);
      expect(seen.status).toBe(200);
      expect(seen.body.email).toBe(user.email);
      expect(seen.body.revealed).toEqual([{ field: 'email', until: expect.any(String) }]);
      // Another admin, even the approver, sees it masked; support sees masked only.
      for (const other of [admins.sec1 as TestAdmin, admins.sup1 as TestAdmin]) {
        const masked = await as(other, 'GET', `/v1/admin/users/${user.userId}`);
        expect(masked.body.email).not.toBe(user.email);
        expect(masked.body.email).toMatch(/\*/);
        expect(masked.body.revealed).toEqual([]);
      }
    },
  },
  'disable-admin': {
    requester: 'sec1',
    approvers: ['sec2', 'super1'],
    lower: 'comp1',
    target: async () => {
      const leaver = await addAdmin(`leaver${Date.now().toString(36)}`, ['support']);
      return { kind: 'admin', id: leaver.adminId };
    },
    effect: async (_user, target) => {
      const leaver = Object.values(admins).find((a) => a.adminId === target.id) as TestAdmin;
      const refused = await as(leaver, 'GET', '/v1/admin/requests?status=pending');
      expect([401, 403]).toContain(refused.status);
      expect(await cloud.ports.admins.get(leaver.adminId)).toMatchObject({ status: 'disabled' });
      expect(await cloud.ports.adminIdentity.getUser(leaver.username)).toMatchObject({ enabled: false });
    },
  },
  // F3: a case closes only through a second compliance officer; security may not approve.
  'dismiss-case': {
    requester: 'comp1',
    approvers: ['comp2'],
    lower: 'sec1',
    target: async (user) => ({ kind: 'case', id: await openCaseOf(user.userId) }),
    effect: async (_user, target) => {
      expect((await cloud.ports.caseWork.get(target.id)).status).toBe('dismissed');
    },
  },
  'report-case': {
    requester: 'comp1',
    approvers: ['comp2'],
    lower: 'sec1',
    target: async (user) => {
      const caseId = await openCaseOf(user.userId);
      await cloud.ports.caseWork.step(caseId, 'investigate', { kind: 'admin', id: 'comp1' });
      return { kind: 'case', id: caseId };
    },
    effect: async (_user, target, requester) => {
      const reported = await cloud.ports.caseWork.get(target.id);
      expect(reported.status).toBe('reported');
      expect(reported.report?.requesterId).toBe(requester.adminId);
    },
  },
  // F2: a screening freeze is lifted only by a second compliance officer; security may not approve. Audited.
  'lift-screening-freeze': {
    requester: 'comp1',
    approvers: ['comp2'],
    lower: 'sec1',
    target: userTarget,
    before: async (user) => {
      await cloud.ports.screeningStore.freeze(user.userId, {
        decisionId: `scr_${'a'.repeat(24)}`,
        caseId: await openCaseOf(user.userId),
        at: clock.now().toISOString(),
      });
      expect(await cloud.ports.screeningStore.state(user.userId)).toMatchObject({ frozen: true });
    },
    effect: async (user, _target, requester) => {
      expect(await cloud.ports.screeningStore.state(user.userId)).toMatchObject({
        frozen: false,
        liftedBy: expect.stringMatching(/.+/),
      });
      await eventually(async () => {
        const records = await cloud.ports.audit.byTarget({ kind: 'user', id: user.userId }, 200);
        const lifted = records.items.filter((r) => r.action === 'screening.freeze-lifted');
        expect(lifted).toHaveLength(1);
        expect(lifted[0]).toMatchObject({ actor: { kind: 'admin', id: requester.adminId } });
      });
    },
  },
  // F1: an identity check the provider left undecided, approved by a second compliance officer. Audited.
  'review-kyc-requirement': {
    requester: 'comp1',
    approvers: ['comp2'],
    lower: 'sec1',
    target: userTarget,
    parameters: () => ({ requirement: 'identity-verified', outcome: 'approve' }),
    before: async (user) => {
      const kyc = cloud.ports.kyc;
      const at = clock.now().toISOString();
      for (const kind of ['government-id', 'proof-of-address', 'selfie'] as const) {
        const slotId = `${kind.replaceAll('-', '')}_${Date.now().toString(36)}`;
        await kyc.openSlot(
          user.userId,
          slotId,
          {
            kind,
            contentType: 'image/jpeg',
            key: `kyc/${user.userId}/${slotId}`,
            status: 'awaiting-upload',
            openedAt: at,
            expiresAt: at,
          },
          clock.now(),
        );
        await kyc.recordDocument(user.userId, slotId, { accepted: true }, at);
      }
      const checkId = `kyc_${'R'.repeat(22)}_${user.userId}`;
      await kyc.startVerification(user.userId, { checkId, providerRef: 'sim_review' }, at);
      await kyc.applyDecision(user.userId, { checkId, decision: 'undecided', reasons: [] }, at);
      expect((await kyc.get(user.userId))?.requirements['identity-verified']).toBe('in-review');
    },
    effect: async (user) => {
      expect((await cloud.ports.kyc.get(user.userId))?.requirements).toMatchObject({
        'identity-verified': 'met',
        'government-id': 'met',
      });
    },
  },
  // X4: a level set by hand, audited with the admin as the actor.
  'set-kyc-level': {
    requester: 'comp1',
    approvers: ['comp2'],
    lower: 'sec1',
    target: userTarget,
    parameters: () => ({ level: 'none' }),
    effect: async (user, _target, requester) => {
      expect((await cloud.ports.kyc.get(user.userId))?.level).toBe('none');
      await eventually(async () => {
        const records = await cloud.ports.audit.byTarget({ kind: 'user', id: user.userId }, 200);
        const changed = records.items.filter((r) => r.action === 'kyc.level-changed');
        expect(changed).toHaveLength(1);
        expect(changed[0]).toMatchObject({
          actor: { kind: 'admin', id: requester.adminId },
          details: { from: 'basic', to: 'none', change: 'lower' },
        });
      });
    },
  },
  'load-screening-list': {
    requester: 'comp1',
    approvers: ['comp2'],
    lower: 'sec1',
    target: async () => ({ kind: 'list', id: 'pep-sample' }),
    parameters: () => ({
      format: 'ftm-jsonl',
      files: [{ name: 'entities.ftm.json', sha256: sha256(PEP_SAMPLE) }],
    }),
    requested: async (body) => {
      const slots = body.uploads as Slot[];
      expect(slots.map((s) => s.name)).toEqual(['entities.ftm.json']);
      expect(await uploadToSlot(slots[0] as Slot, PEP_SAMPLE)).toBe(204);
    },
    effect: async () => {
      const current = await cloud.ports.lists.current('pep-sample');
      expect(current).toMatchObject({
        list: 'pep-sample',
        loadedBy: expect.stringMatching(/^admin-request:/),
      });
    },
  },
};

/** F3: a case opened through the seam, as screening would open it. */
async function openCaseOf(userId: string): Promise<string> {
  const opened = await cloud.ports.caseWork.openCase({
    subject: { userId },
    kind: 'screening-hit',
    signals: [{ code: 'SCREENING_HIT', score: 0.91 }],
    source: { kind: 'screening', id: `scr-${userId}` },
  });
  return opened.caseId;
}

describe('D2 each action: requested, approved by distinct allowed approvers, executed once', () => {
  it.each(Object.keys(SCENARIOS) as AdminAction[])(
    'D2 %s: refusals (requester, lower tier, wrong hash), then the policy met → executed once, its effect visible',
    async (action) => {
      const scenario = SCENARIOS[action];
      const requester = admins[scenario.requester] as TestAdmin;
      const user = await newUser();
      await scenario.before?.(user);
      const target = await scenario.target(user);
      const parameters = (await scenario.parameters?.(user)) ?? {};
      const { requestId, payloadHash, body } = await requestAs(requester, action, target, parameters);
      expect(body).toMatchObject({ status: 'pending', approvals: [], action });
      await scenario.requested?.(body);
      expect(JSON.stringify(body)).not.toMatch(/local-task-token/);

      // The requester may not approve their own request; a lower tier may not approve; a hash not matching
      // what is stored (the approver saw another payload) is refused.
      // D1: a requester whose tiers approve nothing at all (support) is refused by the admin middleware
      // before the request's own rules are asked.
      const self = await approve(requester, requestId, payloadHash);
      const approvesAtAll = holdsCapability(
        tiersOf(scenario.requester),
        'approve',
        cloud.ports.settings.approvalPolicies,
      );
      expect(self).toMatchObject({
        status: 403,
        body: { error: { code: approvesAtAll ? 'SELF_APPROVAL' : 'TIER_NOT_ALLOWED' } },
      });
      const lower = admins[scenario.lower] as TestAdmin;
      if (lower.adminId !== requester.adminId) {
        const low = await approve(lower, requestId, payloadHash);
        expect(low).toMatchObject({ status: 403, body: { error: { code: 'TIER_NOT_ALLOWED' } } });
      }
      const first = admins[scenario.approvers[0] as string] as TestAdmin;
      const wrongHash = await approve(first, requestId, 'f'.repeat(64));
      expect(wrongHash).toMatchObject({ status: 409, body: { error: { code: 'PAYLOAD_MISMATCH' } } });
      // A wrong code is refused before anything is decided.
      const badCode = await as(first, 'POST', `/v1/admin/requests/${requestId}/approve`, {
        payloadHash,
        password: first.password,
        code: '000000',
      });
      expect(badCode.status).toBe(400);

      // What the approvers see: the request is in their pending list, personal data masked.
      const listed = await as(first, 'GET', '/v1/admin/requests?status=pending');
      const mine = (listed.body.requests as { requestId: string; parameters: Record<string, string> }[]).find(
        (r) => r.requestId === requestId,
      );
      expect(mine).toBeDefined();
      if (action === 'change-user-email') expect(mine?.parameters.email).not.toBe(parameters.email);
      if (action === 'change-user-phone') expect(mine?.parameters.phone).not.toBe(parameters.phone);

      const approvers = scenario.approvers.map((name) => admins[name] as TestAdmin);
      const outcome = await approveAll(requestId, payloadHash, approvers);
      expect(outcome).toMatchObject({ status: 'SUCCEEDED' });
      expect(await requestRow(requestId)).toMatchObject({ status: 'executed' });
      await scenario.effect(user, target, requester);

      // Same admin again (approved already, or the request is over) → refused; still executed once.
      const again = await approve(approvers.at(-1) as TestAdmin, requestId, payloadHash);
      expect([403, 409]).toContain(again.status);
      expect(await executions(requestId)).toHaveLength(1);
    },
    60_000,
  );

  it('D2 the same admin cannot approve twice: the second approval is refused and not counted', async () => {
    const user = await newUser();
    const { requestId, payloadHash } = await requestAs(admins.sup1 as TestAdmin, 'lift-hold', {
      kind: 'user',
      id: user.userId,
    });
    expect((await approve(admins.sec1 as TestAdmin, requestId, payloadHash)).status).toBe(200);
    const twice = await approve(admins.sec1 as TestAdmin, requestId, payloadHash);
    expect(twice).toMatchObject({ status: 403, body: { error: { code: 'ALREADY_APPROVED' } } });
    expect(await requestRow(requestId)).toMatchObject({ status: 'pending' });
    expect((await requestRow(requestId)).approvals).toHaveLength(1);
    // The requester withdraws it: the workflow ends with the reason (the reject branch).
    const withdrawn = await rejectAs(admins.sup1 as TestAdmin, requestId, 'opened by mistake');
    expect(withdrawn.status).toBe(200);
    expect(await cloud.workflows.waitFor(executionOf(requestId))).toMatchObject({
      status: 'SUCCEEDED',
      output: { outcome: 'rejected', reason: 'opened by mistake' },
    });
  });
});

describe('D2 races, payload changes and the workflow branches', () => {
  it('D2 20 concurrent approvals: the policy counts exactly its approvals, and the action executes exactly once', async () => {
    const crowd: TestAdmin[] = [];
    for (let i = 0; i < 20; i++)
      crowd.push(await addAdmin(`crowd${i}x${Date.now().toString(36)}`, ['security']));
    const user = await newUser();
    await cloud.ports.securityState.recordChange(
      user.userId,
      { kind: 'password-changed', at: clock.now() },
      holdMs(),
    );
    const { requestId, payloadHash } = await requestAs(admins.sup1 as TestAdmin, 'lift-hold', {
      kind: 'user',
      id: user.userId,
    });
    const bodies = crowd.map((admin) => ({ admin, code: codeOf(admin) }));
    const answers = await Promise.all(
      bodies.map(({ admin, code }) =>
        as(admin, 'POST', `/v1/admin/requests/${requestId}/approve`, {
          payloadHash,
          password: admin.password,
          code,
        }),
      ),
    );
    const accepted = answers.filter((a) => a.status === 200);
    expect(accepted).toHaveLength(2);
    for (const refused of answers.filter((a) => a.status !== 200)) {
      expect(refused).toMatchObject({ status: 409, body: { error: { code: 'REQUEST_NOT_PENDING' } } });
    }
    expect(await cloud.workflows.waitFor(executionOf(requestId))).toMatchObject({ status: 'SUCCEEDED' });
    const row = await requestRow(requestId);
    expect(row).toMatchObject({ status: 'executed' });
    expect(row.approvals).toHaveLength(2);
    expect(await executions(requestId)).toHaveLength(1);
    expect(holdStatus(await cloud.ports.securityState.get(user.userId), clock.now()).active).toBe(false);
    // D3: lifting the hold leaves the hold's own record on the user, once, naming the request.
    const userRecords = await cloud.ports.audit.byTarget({ kind: 'user', id: user.userId }, 200);
    const cleared = userRecords.items.filter((r) => r.action === 'security.hold-cleared');
    expect(cleared).toHaveLength(1);
    expect(cleared[0]?.details).toMatchObject({ requestId, by: 'lift-hold' });
  }, 120_000);

  it('D2 a payload changed after an approval is not executed: the execution fails, the limits stay', async () => {
    const user = await newUser();
    const { requestId, payloadHash } = await requestAs(
      admins.ops1 as TestAdmin,
      'change-withdrawal-limits',
      { kind: 'user', id: user.userId },
      { asset: 'BTC', daily: '0.5', monthly: '3' },
    );
    expect((await approve(admins.comp1 as TestAdmin, requestId, payloadHash)).status).toBe(200);
    // Someone with write access to the table (a bug, an insider) changes the parameters but not the hash.
    const rows = signedRows(cloud.runtime.dynamo.documents, cloud.ports.keys, LOCAL_TABLE_NAMES, clock);
    await rows.tables.accounts.update<
      AdminRequest & { pk: string; sk: string; version: number } & Record<string, unknown>
    >({ pk: `ADMINREQ#${requestId}`, sk: 'REQUEST' }, (row) => ({
      ...row,
      parameters: { asset: 'BTC', daily: '500', monthly: '3000' },
    }));
    // The second approver approves the hash they were shown: the approval is recorded, the execution refused.
    const outcome = await approveAll(requestId, payloadHash, [admins.sec1 as TestAdmin]);
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'PayloadMismatch' });
    expect(await requestRow(requestId)).toMatchObject({ status: 'approved' });
    expect(await cloud.ports.ledger.overrides(user.userId)).toEqual({});
    const refused = (await auditOf(requestId)).filter((r) => r.action === 'admin.execute');
    expect(refused).toEqual([
      expect.objectContaining({
        outcome: 'refused',
        details: expect.objectContaining({ code: 'PAYLOAD_MISMATCH' }),
      }),
    ]);
  });

  it('D2 a rejection by an allowed approver ends the workflow with the reason; nothing executes', async () => {
    const user = await newUser();
    const { requestId, payloadHash } = await requestAs(admins.sup1 as TestAdmin, 'reset-mfa', {
      kind: 'user',
      id: user.userId,
    });
    expect((await approve(admins.sec1 as TestAdmin, requestId, payloadHash)).status).toBe(200);
    const lowReject = await rejectAs(admins.comp1 as TestAdmin, requestId, 'not my call');
    expect(lowReject).toMatchObject({ status: 403, body: { error: { code: 'TIER_NOT_ALLOWED' } } });
    const rejected = await rejectAs(admins.sec2 as TestAdmin, requestId, 'the caller failed identity checks');
    expect(rejected).toMatchObject({ status: 200, body: { status: 'rejected' } });
    expect(await cloud.workflows.waitFor(executionOf(requestId))).toMatchObject({
      status: 'SUCCEEDED',
      output: { outcome: 'rejected', reason: 'the caller failed identity checks' },
    });
    const late = await approve(admins.super1 as TestAdmin, requestId, payloadHash);
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'REQUEST_NOT_PENDING' } } });
    expect(await executions(requestId)).toHaveLength(0);
  });
});

describe('D2 targets checked at request time, failures recorded at execution', () => {
  const refusedAs = async (
    admin: TestAdmin,
    action: AdminAction,
    target: { kind: string; id: string },
    parameters: Record<string, unknown> = {},
  ) =>
    as(admin, 'POST', '/v1/admin/requests', {
      action,
      target,
      parameters,
      reason: `ticket ${action} refused`,
    });

  it('D2 a decide-withdrawal of a withdrawal not of that user, unknown, or not under review is refused before any approval; so is disabling an unknown admin', async () => {
    const user = await newUser();
    const other = await newUser();
    const inReview = await withdrawalInReview(user.userId);
    const comp1 = admins.comp1 as TestAdmin;
    const notTheirs = await refusedAs(
      comp1,
      'decide-withdrawal',
      { kind: 'withdrawal', id: inReview },
      {
        userId: other.userId,
        outcome: 'approve',
      },
    );
    expect(notTheirs.status).toBe(404);
    expect(notTheirs.body.error).toMatchObject({ code: 'WITHDRAWAL_NOT_FOUND' });
    const unknown = await refusedAs(
      comp1,
      'decide-withdrawal',
      { kind: 'withdrawal', id: newWithdrawalId(clock.now()) },
      { userId: user.userId, outcome: 'reject' },
    );
    expect(unknown.status).toBe(404);

    // Decided through another channel: no longer under review.
    await cloud.ports.withdrawalDecisions.decide(user.userId, inReview, {
      outcome: 'reject',
      adminId: 'admin-elsewhere',
      reason: 'decided elsewhere',
    });
    await eventually(async () => {
      expect((await cloud.ports.withdrawalLifecycle.get(user.userId, inReview))?.status).not.toBe('review');
    });
    const over = await refusedAs(
      comp1,
      'decide-withdrawal',
      { kind: 'withdrawal', id: inReview },
      {
        userId: user.userId,
        outcome: 'approve',
      },
    );
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'WITHDRAWAL_NOT_IN_REVIEW' });

    const ghost = await refusedAs(admins.sec1 as TestAdmin, 'disable-admin', {
      kind: 'admin',
      id: 'no-such-admin',
    });
    expect(ghost.status).toBe(404);
    expect(ghost.body.error).toMatchObject({ code: 'ADMIN_NOT_FOUND' });
  });

  it('D2 an executor that cannot apply the action marks the request failed, audits it, and ends the workflow in ExecutionFailed', async () => {
    const user = await newUser();
    const withdrawalId = await withdrawalInReview(user.userId);
    const { requestId, payloadHash } = await requestAs(
      admins.comp1 as TestAdmin,
      'decide-withdrawal',
      { kind: 'withdrawal', id: withdrawalId },
      { userId: user.userId, outcome: 'approve' },
    );
    // The state changes while the approvals are collected: another decision is made first.
    await cloud.ports.withdrawalDecisions.decide(user.userId, withdrawalId, {
      outcome: 'reject',
      adminId: 'admin-elsewhere',
      reason: 'decided elsewhere',
    });
    const outcome = await approveAll(requestId, payloadHash, [admins.sec1 as TestAdmin]);
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'AdminActionFailed' });
    expect((outcome as { cause: string }).cause).toContain('DECISION_ALREADY_MADE');
    const row = await requestRow(requestId);
    expect(row).toMatchObject({ status: 'failed', failureCode: 'DECISION_ALREADY_MADE' });
    expect(row.failedAt).toBeDefined();
    const executes = (await auditOf(requestId)).filter((r) => r.action === 'admin.execute');
    expect(executes).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        details: expect.objectContaining({ code: 'DECISION_ALREADY_MADE' }),
      }),
    ]);
    // The request view shows the failure; the withdrawal keeps the decision made first.
    const view = await as(admins.comp1 as TestAdmin, 'GET', '/v1/admin/requests?status=pending');
    expect((view.body.requests as { requestId: string }[]).map((r) => r.requestId)).not.toContain(requestId);
    await eventually(async () => {
      expect((await cloud.ports.withdrawalLifecycle.get(user.userId, withdrawalId))?.status).toBe('rejected');
    });
  });
});

describe('D4 offboarding', () => {
  it('D4 a disabled admin: token refused on the next request, their requests voided (workflow ended), their approvals withdrawn', async () => {
    const leaver = await addAdmin(`leaving${Date.now().toString(36)}`, ['security']);
    const user = await newUser();
    // A request the leaver made, and another they approved (not yet met: 2 approvals needed).
    const theirs = await requestAs(leaver, 'lift-hold', { kind: 'user', id: user.userId });
    const other = await requestAs(admins.sup1 as TestAdmin, 'reset-mfa', { kind: 'user', id: user.userId });
    expect((await approve(leaver, other.requestId, other.payloadHash)).status).toBe(200);
    expect((await as(leaver, 'GET', '/v1/admin/requests?status=pending')).status).toBe(200);

    const off = await requestAs(admins.sec1 as TestAdmin, 'disable-admin', {
      kind: 'admin',
      id: leaver.adminId,
    });
    const outcome = await approveAll(off.requestId, off.payloadHash, [
      admins.sec2 as TestAdmin,
      admins.super1 as TestAdmin,
    ]);
    expect(outcome).toMatchObject({ status: 'SUCCEEDED' });

    const refused = await as(leaver, 'GET', '/v1/admin/requests?status=pending');
    expect([401, 403]).toContain(refused.status);
    expect(await requestRow(theirs.requestId)).toMatchObject({
      status: 'voided',
      voided: { adminId: leaver.adminId },
    });
    expect(await cloud.workflows.waitFor(executionOf(theirs.requestId))).toMatchObject({
      status: 'SUCCEEDED',
      output: { outcome: 'voided' },
    });
    const withdrawn = await requestRow(other.requestId);
    expect(withdrawn).toMatchObject({ status: 'pending', approvals: [] });
    expect(withdrawn.withdrawnApprovals?.map((a) => a.adminId)).toEqual([leaver.adminId]);
    const actions = [...(await auditOf(theirs.requestId)), ...(await auditOf(other.requestId))].map(
      (r) => r.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['admin.void', 'admin.approval-withdrawn']));
    // The withdrawn request is still open to others.
    await rejectAs(admins.sup1 as TestAdmin, other.requestId, 'closing the test request');
  });
});

describe('D5 personal data in admin views', () => {
  it('D5 every admin read of a user is audited, masked or revealed; support sees masked only and may not ask for a reveal', async () => {
    const user = await newUser();
    const seen = await as(admins.sup1 as TestAdmin, 'GET', `/v1/admin/users/${user.userId}`);
    expect(seen).toMatchObject({ status: 200, body: { userId: user.userId, revealed: [] } });
    expect(seen.body.email).not.toBe(user.email);
    const reads = (await cloud.ports.audit.byTarget({ kind: 'user', id: user.userId }, 50)).items.filter(
      (r) => r.action === 'admin.read-personal-data',
    );
    expect(reads).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ kind: 'admin', id: (admins.sup1 as TestAdmin).adminId }),
        details: expect.objectContaining({ revealed: 'none' }),
      }),
    ]);
    const ask = await as(admins.sup1 as TestAdmin, 'POST', '/v1/admin/requests', {
      action: 'reveal-personal-data',
      target: { kind: 'user', id: user.userId },
      parameters: { fields: ['email'], windowMinutes: 15 },
      reason: 'customer asked',
    });
    expect(ask).toMatchObject({ status: 403, body: { error: { code: 'TIER_NOT_ALLOWED' } } });
    // A user token is no admin token.
    const asUser = await callFrom(cloud, '127.0.0.1', 'GET', `/v1/admin/users/${user.userId}`, undefined, {
      authorization: `Bearer ${user.accessToken}`,
    });
    expect([401, 403]).toContain(asUser.status);
  });

  it('D2 withdrawals under investigation: listed for compliance and security with risk and masked address, never the token; support gets 403', async () => {
    const user = await newUser();
    const withdrawalId = await withdrawalInReview(user.userId);
    const listed = await as(admins.comp1 as TestAdmin, 'GET', '/v1/admin/withdrawals?status=review');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const mine = (listed.body.withdrawals as Array<Record<string, unknown>>).find(
      (w) => w.withdrawalId === withdrawalId,
    );
    expect(mine).toMatchObject({
      userId: user.userId,
      amount: '0.015',
      asset: 'BTC',
      risk: { score: 45, band: 'unusual', signals: [expect.objectContaining({ id: 'takeover-chain' })] },
    });
    expect(mine?.addressMasked).not.toBe(DESTINATION);
    expect(JSON.stringify(listed.body)).not.toMatch(/token/i);
    const bySecurity = await as(admins.sec1 as TestAdmin, 'GET', '/v1/admin/withdrawals?status=review');
    expect(bySecurity.status).toBe(200);
    const bySupport = await as(admins.sup1 as TestAdmin, 'GET', '/v1/admin/withdrawals?status=review');
    expect(bySupport).toMatchObject({ status: 403, body: { error: { code: 'TIER_NOT_ALLOWED' } } });
    const reads = (await cloud.ports.audit.byTarget({ kind: 'user', id: user.userId }, 50)).items.filter(
      (r) => r.action === 'admin.read-personal-data' && r.details?.view === 'withdrawals',
    );
    expect(reads.map((r) => r.actor.id).sort()).toEqual(
      [(admins.comp1 as TestAdmin).adminId, (admins.sec1 as TestAdmin).adminId].sort(),
    );
  });

  it('D5 the pending-requests listing shows a new email masked and audits that read for the target user', async () => {
    const user = await newUser();
    const { requestId } = await requestAs(
      admins.sup1 as TestAdmin,
      'change-user-email',
      {
        kind: 'user',
        id: user.userId,
      },
      { email: `new.${user.email}` },
    );
    const listed = await as(admins.sec1 as TestAdmin, 'GET', '/v1/admin/requests?status=pending');
    expect(listed.status).toBe(200);
    const shown = (listed.body.requests as Array<Record<string, unknown>>).find(
      (r) => r.requestId === requestId,
    );
    expect(JSON.stringify(shown?.parameters)).not.toContain(`new.${user.email}`);
    const reads = (await cloud.ports.audit.byTarget({ kind: 'user', id: user.userId }, 50)).items.filter(
      (r) => r.action === 'admin.read-personal-data' && r.details?.view === 'requests',
    );
    expect(reads).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ id: (admins.sec1 as TestAdmin).adminId }),
        details: expect.objectContaining({ masked: 'email', revealed: 'none', requests: requestId }),
      }),
    ]);
    await rejectAs(admins.sup1 as TestAdmin, requestId, 'test done, withdrawn');
  });
});

describe('D2 expiry (the clock moves past it)', () => {
  it('D2 an expired request is refused and not executed; the workflow ends by its timeout branch', async () => {
    const user = await newUser();
    const { requestId, payloadHash } = await requestAs(admins.sup1 as TestAdmin, 'suspend-account', {
      kind: 'user',
      id: user.userId,
    });
    offsetMs += 5 * 3_600_000; // suspend-account expires after 4 hours
    // Admin sessions last an hour: a fresh approver logs in after the jump.
    const late = await addAdmin(`late${Date.now().toString(36)}`, ['operations']);
    const answer = await approve(late, requestId, payloadHash);
    expect(answer).toMatchObject({ status: 410, body: { error: { code: 'REQUEST_EXPIRED' } } });
    expect(await cloud.workflows.waitFor(executionOf(requestId))).toMatchObject({
      status: 'SUCCEEDED',
      output: { outcome: 'expired' },
    });
    expect(await requestRow(requestId)).toMatchObject({ status: 'expired' });
    expect(await cloud.ports.accounts.getAccount(user.userId)).toMatchObject({ status: 'active' });
    // The refused approval and the expiry race (the wait times out every second here): either order.
    const steps = (await auditOf(requestId)).map((r) => `${r.action}:${r.outcome}`);
    expect(steps[0]).toBe('admin.request:success');
    expect(steps.slice(1).sort()).toEqual(['admin.approve:refused', 'admin.expire:success']);
  });
});

describe('D3 audit evidence', () => {
  it('D3 after the scenario, audit:verify passes and lists every step; tampering one record fails at that record', async () => {
    await cloud.stop();
    stopped = true;
    const out = join(stateDir, 'audit.jsonl');
    const command = async (args: string[]) => {
      try {
        const { stdout, stderr } = await run(
          process.execPath,
          ['--import', 'tsx', 'scripts/audit-verify.ts', ...args],
          {
            env: { ...process.env, NODE_OPTIONS: '' },
          },
        );
        return { code: 0, out: stdout + stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, out: e.stdout + e.stderr };
      }
    };
    const exported = await command(['--state-dir', stateDir, '--out', out]);
    expect(exported.code, exported.out).toBe(0);
    expect(exported.out).toMatch(/audit chain OK/);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { action: string; seq: number; outcome: string });
    const actions = new Set(records.map((r) => r.action));
    for (const step of [
      'admin.request',
      'admin.approve',
      'admin.reject',
      'admin.execute',
      'admin.expire',
      'admin.void',
      'admin.approval-withdrawn',
      'admin.read-personal-data',
    ]) {
      expect(actions, step).toContain(step);
    }
    const at = records.findIndex((r) => r.action === 'admin.execute' && r.outcome === 'success');
    const tampered = lines.map((l, i) =>
      i === at ? JSON.stringify({ ...JSON.parse(l), outcome: 'failed' }) : l,
    );
    const file = join(stateDir, 'tampered.jsonl');
    await writeFile(file, `${tampered.join('\n')}\n`);
    const broken = await command(['--verify', file, '--keys', `${out}.keys.json`]);
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(new RegExp(`BROKEN at record seq ${records[at]?.seq}:`));
  }, 120_000);
});
