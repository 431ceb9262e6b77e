// C3 domain rules: the withdrawal lifecycle (which status follows which; version-conditional moves so a
// cancel racing a dispatch leaves one outcome), the workflow's screening, the review token claimed once,
// and the admin-decision rules, against DynamoDB semantics (dynalite) where a race matters.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, AuditRecord } from '../../lambdas/kernel/audit/audit-record.js';
import { Conflict } from '../../lambdas/kernel/errors.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { decisionRefusal, WithdrawalDecisions } from '../../lambdas/withdrawals/decisions.js';
import {
  canMove,
  IllegalTransition,
  TRANSITIONS,
  WithdrawalLifecycle,
} from '../../lambdas/withdrawals/lifecycle.js';
import {
  CANCELLABLE,
  FINAL,
  newWithdrawalId,
  WITHDRAWAL_STATUSES,
  type WithdrawalRecord,
  type WithdrawalStatus,
  withdrawalKey,
} from '../../lambdas/withdrawals/record.js';
import { ReviewTokens } from '../../lambdas/withdrawals/review-tokens.js';
import { screen } from '../../lambdas/withdrawals/screening.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;
let lifecycle: WithdrawalLifecycle;
let tokens: ReviewTokens;
const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-withdrawal-'));
  const keys = await LocalKeyService.open(stateDir);
  const spec = TABLES.accounts;
  table = new SignedTable(
    dynamo.documents,
    { logicalName: spec.logicalName, tableName: spec.logicalName, partitionKey: 'pk', sortKey: 'sk' },
    new RowSigner(keys),
    new RowVerifier(keys, async () => undefined),
  );
  lifecycle = new WithdrawalLifecycle(table);
  tokens = new ReviewTokens(table);
});
afterAll(async () => {
  await dynamo.stop();
  await rm(stateDir, { recursive: true, force: true });
});

let users = 0;
async function aWithdrawal(
  status: WithdrawalStatus = 'screening',
  band: 'low' | 'unusual' | 'blocked' = 'low',
  userId = `user-${++users}`,
) {
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
    status,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    risk: { score: 10, band, signals: [] },
  };
  await table.create({ ...record, ...withdrawalKey(userId, withdrawalId) });
  return { userId, withdrawalId };
}

describe('C3 lifecycle rules', () => {
  it('C3 final statuses never move; dispatching only ever ends dispatched; cancellable ones may be cancelled', () => {
    for (const status of FINAL) expect(TRANSITIONS[status]).toEqual([]);
    expect(TRANSITIONS.dispatching).toEqual(['dispatched']);
    for (const status of CANCELLABLE) expect(canMove(status, 'cancelled'), status).toBe(true);
    for (const status of WITHDRAWAL_STATUSES.filter((s) => !CANCELLABLE.includes(s))) {
      expect(canMove(status, 'cancelled'), status).toBe(false);
    }
    expect(canMove('screening', 'dispatching')).toBe(false);
    expect(canMove('review', 'dispatched')).toBe(false);
    expect(canMove('rejected', 'approved')).toBe(false);
  });

  it('C3 a move names only allowed predecessors: asking for an impossible one is a bug, refused before any write', async () => {
    const { userId, withdrawalId } = await aWithdrawal();
    await expect(
      lifecycle.move(userId, withdrawalId, ['screening'], 'dispatched', clock.now()),
    ).rejects.toBeInstanceOf(IllegalTransition);
    expect((await lifecycle.get(userId, withdrawalId))?.status).toBe('screening');
  });

  it('C3 a move from a status the record is not in writes nothing and says so', async () => {
    const { userId, withdrawalId } = await aWithdrawal('review');
    const before = await lifecycle.get(userId, withdrawalId);
    const result = await lifecycle.move(userId, withdrawalId, ['screening'], 'approved', clock.now());
    expect(result.moved).toBe(false);
    expect(result.record.status).toBe('review');
    expect(result.record.version).toBe(before?.version);
  });

  it('C3 a move applies its patch, stamps updatedAt and raises the version', async () => {
    const { userId, withdrawalId } = await aWithdrawal();
    clock.advance(60_000);
    const result = await lifecycle.move(userId, withdrawalId, ['screening'], 'approved', clock.now(), () => ({
      decision: { outcome: 'approved', by: 'screening', at: clock.now().toISOString() },
    }));
    expect(result).toMatchObject({ moved: true, record: { status: 'approved', version: 2 } });
    expect(result.record.updatedAt).toBe(clock.now().toISOString());
    expect(result.record.decision?.by).toBe('screening');
  });

  it('C3 a cancel racing a dispatch leaves exactly one outcome', async () => {
    for (let round = 0; round < 10; round++) {
      const { userId, withdrawalId } = await aWithdrawal('approved');
      const [dispatch, cancel] = await Promise.all([
        lifecycle.move(userId, withdrawalId, ['approved'], 'dispatching', clock.now()),
        lifecycle.move(userId, withdrawalId, CANCELLABLE, 'cancelled', clock.now()),
      ]);
      expect([dispatch.moved, cancel.moved].filter(Boolean)).toHaveLength(1);
      const final = await lifecycle.get(userId, withdrawalId);
      expect(final?.status).toBe(dispatch.moved ? 'dispatching' : 'cancelled');
      expect(final?.version).toBe(2);
    }
  });

  it("C3 listOf answers every withdrawal of the user and no one else's", async () => {
    const first = await aWithdrawal();
    await aWithdrawal('review', 'unusual', first.userId);
    await aWithdrawal();
    const listed = await lifecycle.listOf(first.userId);
    expect(listed).toHaveLength(2);
    expect(listed.every((w) => w.userId === first.userId)).toBe(true);
  });
});

describe('C3 the workflow screening', () => {
  const record = (status: WithdrawalStatus, band: 'low' | 'unusual' | 'blocked' = 'low') => ({
    withdrawalId: 'wd_x',
    status,
    risk: { score: 10, band, signals: [] },
  });
  const active = { status: 'active' as const };

  it('C3 a cancelled record ends the workflow; any status but screening is refused', () => {
    expect(
      screen({ record: record('cancelled'), account: active, destination: active, sanctioned: false }),
    ).toEqual({
      cancelled: true,
    });
    expect(() =>
      screen({ record: record('review'), account: active, destination: active, sanctioned: false }),
    ).toThrow(IllegalTransition);
  });

  it('C3 the band of the request decides when nothing changed', () => {
    for (const band of ['low', 'unusual', 'blocked'] as const) {
      expect(
        screen({
          record: record('screening', band),
          account: active,
          destination: active,
          sanctioned: false,
        }),
      ).toMatchObject({ cancelled: false, band });
    }
  });

  it('C3 an inactive account, a sanctioned destination or one no longer whitelisted is blocked', () => {
    const base = { record: record('screening'), account: active, destination: active, sanctioned: false };
    expect(screen({ ...base, account: { status: 'suspended' } })).toMatchObject({ band: 'blocked' });
    expect(screen({ ...base, account: undefined })).toMatchObject({ band: 'blocked' });
    expect(screen({ ...base, sanctioned: true })).toMatchObject({ band: 'blocked', reason: /sanctions/ });
    expect(screen({ ...base, destination: { status: 'removed' } })).toMatchObject({ band: 'blocked' });
    expect(screen({ ...base, destination: undefined })).toMatchObject({ band: 'blocked' });
  });
});

describe('C3 decision rules', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const open = { reviewEndsAt: '2026-03-03T12:00:00Z' };

  it('C3 a decision needs the record under review with an unused, unexpired token', () => {
    expect(decisionRefusal({ status: 'review' }, open, now)).toBeUndefined();
    expect(decisionRefusal(undefined, open, now)?.code).toBe('WITHDRAWAL_NOT_FOUND');
    expect(decisionRefusal({ status: 'screening' }, undefined, now)?.code).toBe('WITHDRAWAL_NOT_IN_REVIEW');
    expect(decisionRefusal({ status: 'review' }, undefined, now)?.code).toBe('WITHDRAWAL_NOT_IN_REVIEW');
    expect(decisionRefusal({ status: 'cancelled' }, { ...open, usedAt: now.toISOString() }, now)?.code).toBe(
      'DECISION_ALREADY_MADE',
    );
    expect(decisionRefusal({ status: 'review' }, { reviewEndsAt: now.toISOString() }, now)?.code).toBe(
      'REVIEW_EXPIRED',
    );
  });

  it('C3 the token is claimed once: a second claim, sequential or concurrent, is a Conflict', async () => {
    const { userId, withdrawalId } = await aWithdrawal('review');
    await tokens.store(
      userId,
      withdrawalId,
      'token-1',
      clock.now(),
      new Date(clock.now().getTime() + 3_600_000),
    );
    const claims = await Promise.allSettled([
      tokens.claim(userId, withdrawalId, { kind: 'admin', adminId: 'a', outcome: 'approve' }, clock.now()),
      tokens.claim(userId, withdrawalId, { kind: 'suspension' }, clock.now()),
    ]);
    expect(claims.filter((c) => c.status === 'fulfilled')).toEqual([
      { status: 'fulfilled', value: 'token-1' },
    ]);
    expect((claims.find((c) => c.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(
      Conflict,
    );
    await expect(
      tokens.claim(userId, withdrawalId, { kind: 'suspension' }, clock.now()),
    ).rejects.toBeInstanceOf(Conflict);
    // A retried task storing a new token does not reopen an answered review.
    await expect(
      tokens.store(userId, withdrawalId, 'token-2', clock.now(), new Date(clock.now().getTime() + 3_600_000)),
    ).rejects.toBeInstanceOf(Conflict);
    expect((await tokens.get(userId, withdrawalId))?.taskToken).toBe('token-1');
  });

  it('C3 decide answers the stored token once, with the decision, and audits every attempt', async () => {
    const { userId, withdrawalId } = await aWithdrawal('review');
    await tokens.store(
      userId,
      withdrawalId,
      'token-9',
      clock.now(),
      new Date(clock.now().getTime() + 3_600_000),
    );
    const answered: [string, unknown][] = [];
    const audit: AuditEvent[] = [];
    const decisions = new WithdrawalDecisions({
      lifecycle,
      tokens,
      workflows: { sendTaskSuccess: async (token, output) => void answered.push([token, output]) },
      audit: {
        append: async (event) => {
          audit.push(event);
          return { ...event } as AuditRecord;
        },
      },
      clock,
    });
    const decision = { outcome: 'reject' as const, adminId: 'admin-7', reason: 'mule account' };
    await expect(decisions.decide(userId, withdrawalId, decision)).resolves.toEqual({ outcome: 'reject' });
    await expect(
      decisions.decide(userId, withdrawalId, { ...decision, outcome: 'approve' }),
    ).rejects.toMatchObject({
      code: 'DECISION_ALREADY_MADE',
    });
    expect(answered).toEqual([['token-9', decision]]);
    expect(audit.map((e) => [e.action, e.outcome])).toEqual([
      ['withdrawal.decide', 'success'],
      ['withdrawal.decide', 'refused'],
    ]);
    await expect(decisions.decide(userId, withdrawalId, { ...decision, reason: '' })).rejects.toMatchObject({
      code: 'INVALID_DECISION',
    });
  });

  it('C3 a decision whose answer failed after the claim is retry-safe: the same request answers again, another is refused', async () => {
    const { userId, withdrawalId } = await aWithdrawal('review');
    await tokens.store(
      userId,
      withdrawalId,
      'token-retry',
      clock.now(),
      new Date(clock.now().getTime() + 3_600_000),
    );
    // The workflows port fails once (a throttle), then answers; after that the token is answered (closed).
    let calls = 0;
    const answered: [string, unknown][] = [];
    const audit: AuditEvent[] = [];
    const decisions = new WithdrawalDecisions({
      lifecycle,
      tokens,
      workflows: {
        sendTaskSuccess: async (token, output) => {
          calls += 1;
          if (calls === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
          if (answered.length > 0) throw Object.assign(new Error('answered'), { name: 'TaskTimedOut' });
          answered.push([token, output]);
        },
      },
      audit: {
        append: async (event) => {
          audit.push(event);
          return { ...event } as AuditRecord;
        },
      },
      clock,
    });
    const decision = { outcome: 'approve' as const, adminId: 'admin-3', reason: 'checked with the customer' };
    await expect(decisions.decide(userId, withdrawalId, decision, 'request-1')).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect((await tokens.get(userId, withdrawalId))?.usedBy).toEqual({
      kind: 'admin',
      adminId: 'admin-3',
      outcome: 'approve',
      decisionId: 'request-1',
    });
    // Another request, or the same request with another outcome, or no request id: still refused.
    for (const [other, id] of [
      [decision, 'request-2'],
      [{ ...decision, outcome: 'reject' as const }, 'request-1'],
      [decision, undefined],
    ] as const) {
      await expect(decisions.decide(userId, withdrawalId, other, id)).rejects.toMatchObject({
        code: 'DECISION_ALREADY_MADE',
      });
    }
    expect(answered).toEqual([]);
    // The retry of the same request answers the token; a further retry finds it answered: done, not refused.
    await expect(decisions.decide(userId, withdrawalId, decision, 'request-1')).resolves.toEqual({
      outcome: 'approve',
    });
    expect(answered).toEqual([['token-retry', decision]]);
    await expect(decisions.decide(userId, withdrawalId, decision, 'request-1')).resolves.toEqual({
      outcome: 'approve',
    });
    expect(answered).toHaveLength(1);
    expect(audit.map((e) => [e.outcome, e.details?.code])).toEqual([
      ['refused', 'DECISION_ALREADY_MADE'],
      ['refused', 'DECISION_ALREADY_MADE'],
      ['refused', 'DECISION_ALREADY_MADE'],
      ['success', 'RESENT'],
      ['success', 'ALREADY_ANSWERED'],
    ]);
    await expect(decisions.decide(userId, withdrawalId, decision, 'bad id!')).rejects.toMatchObject({
      code: 'INVALID_DECISION',
    });
  });

  it('C3 a token whose task already ended (timeout) refuses the decision as REVIEW_CLOSED', async () => {
    const { userId, withdrawalId } = await aWithdrawal('review');
    await tokens.store(
      userId,
      withdrawalId,
      'token-late',
      clock.now(),
      new Date(clock.now().getTime() + 3_600_000),
    );
    const decisions = new WithdrawalDecisions({
      lifecycle,
      tokens,
      workflows: {
        sendTaskSuccess: async () => {
          throw Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' });
        },
      },
      audit: { append: async (event) => ({ ...event }) as AuditRecord },
      clock,
    });
    await expect(
      decisions.decide(userId, withdrawalId, { outcome: 'approve', adminId: 'admin-8', reason: 'ok' }),
    ).rejects.toMatchObject({ code: 'REVIEW_CLOSED' });
  });
});
