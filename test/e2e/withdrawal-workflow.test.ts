// End to end, the C3 withdrawal workflow through the local runtime, every branch from the same ASL file as in
// AWS: low risk → approved and dispatched once to custody; unusual → review, an admin decision through the
// port → dispatched or rejected; the review timing out → rejected; blocked → rejected with an alert and an
// audit record; a suspension (A4 link, A5 duress) → every withdrawal not yet dispatched cancelled. Records are
// created with the request side's own store (WithdrawalLedger.record: the record and its ledger entry in one
// transaction), as POST /v1/me/withdrawals does, so each branch starts from the row the route writes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newAddressId } from '../../lambdas/addresses/address-store.js';
import { metrics } from '../../lambdas/kernel/observability.js';
import {
  newWithdrawalId,
  type RiskBand,
  reviewTokenKey,
  type WithdrawalRecord,
  type WithdrawalRow,
  withdrawalExecutionName,
} from '../../lambdas/withdrawals/record.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { followLink } from '../support/email-links.js';
import { createDevUser, eventually, mailText } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const DESTINATION = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
let stateDir: string;
let cloud: LocalCloud;
let users = 0;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-withdrawal-'));
  cloud = await startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

interface Setup {
  userId: string;
  email: string;
  accessToken: string;
}

async function userWithAddress(
  on: LocalCloud,
): Promise<Setup & { addressId: string; addressMasked: string }> {
  users += 1;
  const username = `wd${users}${Date.now().toString(36)}`;
  const user = await createDevUser(on, username, PASSWORD);
  const created = await on.ports.addresses.create({
    addressId: newAddressId(),
    userId: user.userId,
    asset: 'BTC',
    address: DESTINATION,
    label: 'cold wallet',
    blocked: false,
  });
  if (!created.link) throw new Error('a pending address has a link');
  const address = await on.ports.addresses.confirm(created.link.token);
  return {
    userId: user.userId,
    email: `${username}@example.com`,
    accessToken: user.accessToken,
    addressId: address.addressId,
    addressMasked: address.addressMasked,
  };
}

/** A withdrawal as the request route writes it: status screening, the risk in the record, a ledger entry. */
async function requested(
  on: LocalCloud,
  user: Awaited<ReturnType<typeof userWithAddress>>,
  band: RiskBand,
  amount = '0.015',
): Promise<string> {
  const now = new Date();
  const withdrawalId = newWithdrawalId(now);
  const record: WithdrawalRecord = {
    withdrawalId,
    userId: user.userId,
    asset: 'BTC',
    amount,
    amountMinor: String(Math.round(Number(amount) * 1e8)),
    addressId: user.addressId,
    addressMasked: user.addressMasked,
    speed: 'standard',
    status: 'screening',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    risk: {
      score: band === 'low' ? 5 : band === 'unusual' ? 45 : 90,
      band,
      signals:
        band === 'low'
          ? []
          : [{ id: 'takeover-chain', points: 40, detail: 'new device, email change, withdrawal' }],
    },
  };
  await on.ports.ledger.record(record, on.ports.settings.withdrawalLimits.BTC, now);
  return withdrawalId;
}

const start = async (on: LocalCloud, userId: string, withdrawalId: string) =>
  (await on.workflows.start('withdrawal', { userId, withdrawalId }, withdrawalExecutionName(withdrawalId)))
    .executionId;

const recordOf = async (on: LocalCloud, userId: string, withdrawalId: string) =>
  (await on.ports.withdrawalLifecycle.get(userId, withdrawalId)) as WithdrawalRow;

/** What the user's withdrawals count against the daily limit now, in minor units (the ledger's view). */
const used = async (on: LocalCloud, userId: string) =>
  (await on.ports.ledger.usage(userId, 'BTC', new Date())).daily;

const untilStatus = (on: LocalCloud, userId: string, withdrawalId: string, status: string) =>
  eventually(async () => {
    const record = await recordOf(on, userId, withdrawalId);
    if (record.status !== status) throw new Error(`still ${record.status}`);
    return record;
  });

const transfersOf = async (on: LocalCloud, withdrawalId: string) =>
  (await on.ports.custody.transfers()).filter((t) => t.withdrawalId === withdrawalId);

describe('C3 the withdrawal workflow', () => {
  it('C3 low risk: approved by the screening, dispatched once, a custody transfer recorded, the user told', async () => {
    const user = await userWithAddress(cloud);
    const withdrawalId = await requested(cloud, user, 'low');
    const executionId = await start(cloud, user.userId, withdrawalId);
    expect(await cloud.workflows.waitFor(executionId)).toMatchObject({ status: 'SUCCEEDED' });

    const record = await recordOf(cloud, user.userId, withdrawalId);
    expect(record).toMatchObject({
      status: 'dispatched',
      decision: { outcome: 'approved', by: 'screening' },
    });
    const transfers = await transfersOf(cloud, withdrawalId);
    expect(transfers).toEqual([
      expect.objectContaining({
        withdrawalId,
        userId: user.userId,
        asset: 'BTC',
        amountMinor: '1500000',
        address: DESTINATION,
        transferRef: record.dispatch?.transferRef,
      }),
    ]);
    // Dispatching again (a retried task) moves nothing twice.
    const [first] = transfers;
    if (!first) throw new Error('no transfer');
    expect(await cloud.ports.custody.dispatch(first)).toEqual({
      transferRef: record.dispatch?.transferRef,
    });
    expect(await transfersOf(cloud, withdrawalId)).toHaveLength(1);
    const mail = await mailText(cloud, user.email, /on its way/i);
    expect(mail).toContain('0.015 BTC');
    expect(mail).toContain(user.addressMasked);
    expect(mail).not.toContain(DESTINATION);
  });

  it('C3 F3 unusual: under review with the token server-side only, in the case list, an admin approval through the port → dispatched', async () => {
    const user = await userWithAddress(cloud);
    const withdrawalId = await requested(cloud, user, 'unusual');
    const executionId = await start(cloud, user.userId, withdrawalId);
    const review = await untilStatus(cloud, user.userId, withdrawalId, 'review');
    // The record the routes read carries no token; the token row does.
    expect(JSON.stringify(review)).not.toMatch(/local-task-token/);
    const tokenRow = await cloud.ports.reviewTokens.get(user.userId, withdrawalId);
    expect(tokenRow?.taskToken).toMatch(/^local-task-token-/);
    expect(tokenRow).toMatchObject(reviewTokenKey(user.userId, withdrawalId));
    const listed = await fetch(`${cloud.url}/v1/me/withdrawals`, {
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    if (listed.status === 200) expect(await listed.text()).not.toMatch(/local-task-token/);
    // F3: the review is in the compliance case list, the withdrawal its evidence (the seam, once).
    const cases = await eventually(async () => {
      const page = await cloud.ports.cases.list({ userId: user.userId, kind: 'withdrawal-review' }, 10);
      expect(page.cases).toHaveLength(1);
      return page.cases;
    });
    expect(cases[0]).toMatchObject({
      status: 'open',
      sources: [{ kind: 'withdrawal-review', id: withdrawalId }],
      evidence: [{ kind: 'withdrawal', id: withdrawalId }],
    });

    await expect(
      cloud.ports.withdrawalDecisions.decide(user.userId, withdrawalId, {
        outcome: 'approve',
        adminId: 'admin-compliance-1',
        reason: 'Called the user back on the phone on file',
      }),
    ).resolves.toEqual({ outcome: 'approve' });
    expect(await cloud.workflows.waitFor(executionId)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await recordOf(cloud, user.userId, withdrawalId)).toMatchObject({
      status: 'dispatched',
      decision: { outcome: 'approved', by: 'admin', adminId: 'admin-compliance-1' },
    });
    expect(await transfersOf(cloud, withdrawalId)).toHaveLength(1);
  });

  it('C3 a second decision is refused (Conflict), concurrent or after the first', async () => {
    const user = await userWithAddress(cloud);
    const withdrawalId = await requested(cloud, user, 'unusual');
    const executionId = await start(cloud, user.userId, withdrawalId);
    await untilStatus(cloud, user.userId, withdrawalId, 'review');
    const decide = (outcome: 'approve' | 'reject', adminId: string) =>
      cloud.ports.withdrawalDecisions.decide(user.userId, withdrawalId, {
        outcome,
        adminId,
        reason: 'checked',
      });
    const results = await Promise.allSettled([decide('reject', 'admin-a'), decide('approve', 'admin-b')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ name: 'Conflict' });
    expect(await cloud.workflows.waitFor(executionId)).toMatchObject({ status: 'SUCCEEDED' });
    await expect(decide('approve', 'admin-c')).rejects.toMatchObject({ name: 'Conflict' });
    const final = await recordOf(cloud, user.userId, withdrawalId);
    expect(['dispatched', 'rejected']).toContain(final.status);
    expect(await transfersOf(cloud, withdrawalId)).toHaveLength(final.status === 'dispatched' ? 1 : 0);
  });

  it('C3 unusual, rejected by an admin: rejected, nothing dispatched, the ledger entry released, the user told', async () => {
    const user = await userWithAddress(cloud);
    const withdrawalId = await requested(cloud, user, 'unusual', '0.5');
    expect(await used(cloud, user.userId)).toBe(50_000_000n);
    const executionId = await start(cloud, user.userId, withdrawalId);
    await untilStatus(cloud, user.userId, withdrawalId, 'review');
    await cloud.ports.withdrawalDecisions.decide(user.userId, withdrawalId, {
      outcome: 'reject',
      adminId: 'admin-compliance-2',
      reason: 'Destination linked to a scam report',
    });
    expect(await cloud.workflows.waitFor(executionId)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await recordOf(cloud, user.userId, withdrawalId)).toMatchObject({
      status: 'rejected',
      decision: { outcome: 'rejected', by: 'admin', adminId: 'admin-compliance-2' },
    });
    expect(await transfersOf(cloud, withdrawalId)).toEqual([]);
    expect(await used(cloud, user.userId)).toBe(0n);
    const mail = await mailText(cloud, user.email, /not approved/i);
    expect(mail).toContain('0.5 BTC');
    // The admin's reason stays in the record: no free text in an email.
    expect(mail).not.toContain('scam');
  });

  it('C3 blocked: rejected by the screening, the WithdrawalBlocked metric, an audit record, the ledger released', async () => {
    const metric = vi.spyOn(metrics, 'addMetric');
    const user = await userWithAddress(cloud);
    const withdrawalId = await requested(cloud, user, 'blocked');
    const executionId = await start(cloud, user.userId, withdrawalId);
    expect(await cloud.workflows.waitFor(executionId)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await recordOf(cloud, user.userId, withdrawalId)).toMatchObject({
      status: 'rejected',
      decision: { outcome: 'rejected', by: 'screening' },
    });
    expect(metric).toHaveBeenCalledWith('WithdrawalBlocked', MetricUnit.Count, 1);
    metric.mockRestore();
    const audit = await cloud.ports.audit.byTarget({ kind: 'withdrawal', id: withdrawalId });
    expect(audit.items.map((r) => r.action)).toContain('withdrawal.blocked');
    expect(await transfersOf(cloud, withdrawalId)).toEqual([]);
    expect(await used(cloud, user.userId)).toBe(0n);
  });

  it('C3 A4 a "this wasn\'t me" suspension cancels screening, review and approved withdrawals; a decision afterwards is refused', async () => {
    const user = await userWithAddress(cloud);
    const inReview = await requested(cloud, user, 'unusual', '0.01');
    const reviewExecution = await start(cloud, user.userId, inReview);
    await untilStatus(cloud, user.userId, inReview, 'review');
    // Two more, held before their workflows run: one still screening, one approved (its dispatch not yet run).
    const screening = await requested(cloud, user, 'low', '0.02');
    const approved = await requested(cloud, user, 'low', '0.03');
    await cloud.ports.withdrawalLifecycle.move(user.userId, approved, ['screening'], 'approved', new Date());
    // One already dispatched stays dispatched.
    const done = await requested(cloud, user, 'low', '0.04');
    expect(await cloud.workflows.waitFor(await start(cloud, user.userId, done))).toMatchObject({
      status: 'SUCCEEDED',
    });

    const link = await cloud.ports.links.issue(user.userId);
    await followLink(`${cloud.publicUrl}/v1/auth/suspend/${link}`);
    for (const id of [inReview, screening, approved]) {
      const record = await untilStatus(cloud, user.userId, id, 'cancelled');
      expect(record.decision).toMatchObject({ outcome: 'cancelled', by: 'suspension' });
    }
    // Only the dispatched withdrawal still counts against the limits (each release follows its cancel, so the
    // last one may land just after the statuses read above).
    await eventually(async () => expect(await used(cloud, user.userId)).toBe(4_000_000n));
    expect((await recordOf(cloud, user.userId, done)).status).toBe('dispatched');
    // The waiting review ended cleanly (WithdrawalCancelled caught), nothing dispatched.
    expect(await cloud.workflows.waitFor(reviewExecution)).toMatchObject({ status: 'SUCCEEDED' });
    // The held ones, run now, find their records cancelled and end without moving anything.
    for (const id of [screening, approved]) {
      expect(await cloud.workflows.waitFor(await start(cloud, user.userId, id))).toMatchObject({
        status: 'SUCCEEDED',
      });
      expect(await transfersOf(cloud, id)).toEqual([]);
    }
    await expect(
      cloud.ports.withdrawalDecisions.decide(user.userId, inReview, {
        outcome: 'approve',
        adminId: 'admin-compliance-3',
        reason: 'late',
      }),
    ).rejects.toMatchObject({ name: 'Conflict' });
    const notice = await eventually(() => mailText(cloud, user.email, /suspended your Palisade account/i));
    expect(notice).toContain('3 pending withdrawals have been cancelled');
  });

  it('C3 A5 a duress suspension cancels a withdrawal under review', async () => {
    const user = await userWithAddress(cloud);
    const withdrawalId = await requested(cloud, user, 'unusual');
    const executionId = await start(cloud, user.userId, withdrawalId);
    await untilStatus(cloud, user.userId, withdrawalId, 'review');
    await cloud.ports.suspensions.request(user.userId, 'duress', new Date().toISOString());
    await untilStatus(cloud, user.userId, withdrawalId, 'cancelled');
    expect(await cloud.workflows.waitFor(executionId)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await cloud.ports.reviewTokens.get(user.userId, withdrawalId)).toMatchObject({
      usedBy: { kind: 'suspension' },
    });
  });
});

describe('C3 the review period', () => {
  let timed: LocalCloud;
  let timedDir: string;
  beforeAll(async () => {
    timedDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-withdrawal-timeout-'));
    // The review's TimeoutSecondsPath (withdrawalReviewHours) shortened for this runtime only.
    timed = await startLocalCloud({
      stateDir: timedDir,
      port: 0,
      waitTimeMs: 0,
      retryIntervalMs: 0,
      taskTimeoutOverrides: { AwaitAnAdminDecision: 200 },
    });
  });
  afterAll(async () => {
    await timed?.stop();
    await rm(timedDir, { recursive: true, force: true });
  });

  it('C3 no decision within the review period: rejected by timeout, the ledger released, a late decision refused', async () => {
    const user = await userWithAddress(timed);
    const withdrawalId = await requested(timed, user, 'unusual');
    const executionId = await start(timed, user.userId, withdrawalId);
    expect(await timed.workflows.waitFor(executionId)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await recordOf(timed, user.userId, withdrawalId)).toMatchObject({
      status: 'rejected',
      decision: { outcome: 'rejected', by: 'timeout' },
    });
    expect(await transfersOf(timed, withdrawalId)).toEqual([]);
    expect(await used(timed, user.userId)).toBe(0n);
    await expect(
      timed.ports.withdrawalDecisions.decide(user.userId, withdrawalId, {
        outcome: 'approve',
        adminId: 'admin-compliance-4',
        reason: 'too late',
      }),
    ).rejects.toMatchObject({ name: 'Conflict' });
  });
});
