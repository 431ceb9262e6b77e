// C3/D2 AnswerTask, the one holder of task tokens: its request contract (tokens named by domain ids, never
// carried), refusals that keep their type across the invocation, the single-use claims of each kind against
// DynamoDB semantics (dynalite) with Step Functions' answer semantics (the local token registry), and the
// task-token keys the IAM fence relies on.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminRequest } from '../../lambdas/admin/approval.js';
import { ApprovalAnswers } from '../../lambdas/admin/approval-answers.js';
import { decisionOf } from '../../lambdas/admin/plane.js';
import { AdminRequestStore, approvalTokenKey, requestKey } from '../../lambdas/admin/request-store.js';
import type { AuditRecord } from '../../lambdas/kernel/audit/audit-record.js';
import { Conflict, IntegrityError, NotFound, ValidationError } from '../../lambdas/kernel/errors.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import {
  errorOf,
  refusalOf,
  type TaskAnswerRequest,
  taskAnswerRequest,
} from '../../lambdas/kernel/ports/task-answer-contracts.js';
import { taskAnswersClient } from '../../lambdas/kernel/ports/task-answers.js';
import type { Workflows } from '../../lambdas/kernel/ports/workflows.js';
import { TABLES, TASK_TOKEN_PARTITION_PREFIX } from '../../lambdas/kernel/tables.js';
import { answerTask } from '../../lambdas/task-tokens/answer-task.js';
import { decisionsThrough, WithdrawalDecisions } from '../../lambdas/withdrawals/decisions.js';
import { WithdrawalLifecycle } from '../../lambdas/withdrawals/lifecycle.js';
import {
  newWithdrawalId,
  reviewTokenKey,
  type WithdrawalRecord,
  type WithdrawalStatus,
  withdrawalKey,
} from '../../lambdas/withdrawals/record.js';
import { ReviewAnswers } from '../../lambdas/withdrawals/review-answers.js';
import { ReviewTokens } from '../../lambdas/withdrawals/review-tokens.js';
import { ANSWER_TASK_READS, TASK_TOKEN_KEYS } from '../../lib/grants/data.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { TaskTokenRegistry } from '../../local/task-tokens.js';
import { approversFor, requestFor, settings, T0 } from '../support/admin-fixtures.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;
let lifecycle: WithdrawalLifecycle;
let tokens: ReviewTokens;
let requests: AdminRequestStore;
const clock = new ManualClock(new Date(T0.getTime() + 60_000));

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-task-answers-'));
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
  requests = new AdminRequestStore(table);
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

/** Step Functions as the answers see it: one registry of tokens, each answered at most once. */
function stepFunctions() {
  const registry = new TaskTokenRegistry();
  const answers: { token: string; success?: unknown; failure?: string }[] = [];
  const workflows: Pick<Workflows, 'sendTaskSuccess' | 'sendTaskFailure'> = {
    async sendTaskSuccess(token, output) {
      registry.succeed(token, output);
      answers.push({ token, success: output });
    },
    async sendTaskFailure(token, error, cause) {
      registry.fail(token, error, cause);
      answers.push({ token, failure: error });
    },
  };
  return { registry, answers, workflows, issue: () => registry.issue('execution-1') };
}

/** AnswerTask's logic over the real stores and the given Step Functions. */
function answerer(sfn: ReturnType<typeof stepFunctions>) {
  const audit = { append: async (event: object) => ({ ...event }) as AuditRecord };
  const decisions = new WithdrawalDecisions({ lifecycle, tokens, workflows: sfn.workflows, audit, clock });
  const ports = {
    reviewAnswers: new ReviewAnswers({ tokens, decisions, lifecycle, workflows: sfn.workflows, clock }),
    approvalAnswers: new ApprovalAnswers({ requests, workflows: sfn.workflows, clock }),
  };
  return (request: TaskAnswerRequest) => answerTask(ports, request);
}

let users = 0;
async function aWithdrawal(status: WithdrawalStatus) {
  const userId = `user-${++users}`;
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
    risk: { score: 60, band: 'unusual', signals: [] },
  };
  await table.create({ ...record, ...withdrawalKey(userId, withdrawalId) });
  return { userId, withdrawalId };
}

const inAnHour = () => new Date(clock.now().getTime() + 3_600_000).toISOString();
const decision = { outcome: 'approve' as const, adminId: 'admin-1', reason: 'called the user back' };

describe('C3/D2 the AnswerTask request contract', () => {
  const ids = { userId: 'user-1', withdrawalId: 'wd_0000000000000000000000000000' };

  it('C3/D2 names a token by its domain ids; an answer request carrying a token or an outcome is refused', () => {
    const valid: TaskAnswerRequest[] = [
      { kind: 'withdrawal-review', op: 'store', ...ids, taskToken: 't', reviewEndsAt: inAnHour() },
      { kind: 'withdrawal-review', op: 'decide', ...ids, decision, decisionId: 'req-1' },
      { kind: 'withdrawal-review', op: 'cancel', ...ids },
      { kind: 'admin-request', op: 'store', requestId: 'req-1', taskToken: 't' },
      { kind: 'admin-request', op: 'answer', requestId: 'req-1' },
    ];
    for (const request of valid) expect(taskAnswerRequest.safeParse(request).success, request.op).toBe(true);
    const refused = [
      { kind: 'withdrawal-review', op: 'decide', ...ids, decision, taskToken: 'stolen' },
      { kind: 'withdrawal-review', op: 'cancel', ...ids, taskToken: 'stolen' },
      { kind: 'admin-request', op: 'answer', requestId: 'req-1', taskToken: 'stolen' },
      // The outcome of an admin request's wait is AnswerTask's to derive from the row, never a caller's.
      { kind: 'admin-request', op: 'answer', requestId: 'req-1', output: { outcome: 'approved' } },
      { kind: 'withdrawal-review', op: 'decide', ...ids, decision: { ...decision, outcome: 'dispatch' } },
      { kind: 'withdrawal-review', op: 'decide', ...ids, decision: { ...decision, extra: 1 } },
      { kind: 'withdrawal-review', op: 'answer', ...ids },
      { kind: 'any-token', op: 'answer', taskToken: 'stolen' },
      { kind: 'admin-request', op: 'store', requestId: '../x', taskToken: 't' },
      { kind: 'admin-request', op: 'store', requestId: 'req-1', taskToken: '' },
    ];
    for (const request of refused) {
      expect(taskAnswerRequest.safeParse(request).success, JSON.stringify(request)).toBe(false);
    }
  });

  it('C3/D2 a refusal keeps its type and code across the invocation; any other error is not a refusal', async () => {
    for (const err of [
      new Conflict('This withdrawal was already decided', 'DECISION_ALREADY_MADE'),
      new NotFound('No such withdrawal'),
      new ValidationError('Invalid decision', undefined, 'INVALID_DECISION'),
    ]) {
      const refused = refusalOf(err);
      expect(refused).toBeDefined();
      const back = errorOf(refused as NonNullable<typeof refused>);
      expect(back).toBeInstanceOf(err.constructor);
      expect(back).toMatchObject({ name: err.name, code: err.code, message: err.message });
    }
    expect(refusalOf(new IntegrityError('tampered'))).toBeUndefined();
    expect(
      refusalOf(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })),
    ).toBeUndefined();

    const refusedBy = (answer: unknown) => taskAnswersClient(async () => answer);
    const ask = { kind: 'admin-request', op: 'answer', requestId: 'req-1' } as const;
    await expect(
      refusedBy({ refused: { error: 'Conflict', code: 'DECISION_ALREADY_MADE', message: 'decided' } }).ask(
        ask,
      ),
    ).rejects.toMatchObject({ name: 'Conflict', code: 'DECISION_ALREADY_MADE' });
    await expect(refusedBy({ answered: true }).ask(ask)).resolves.toEqual({ answered: true });
    await expect(refusedBy({ answered: 'yes', taskToken: 'x' }).ask(ask)).rejects.toThrow(/unknown shape/);
  });

  it('C3/D2 the decision port of every other function is a request to AnswerTask, checked before it is sent', async () => {
    const sent: unknown[] = [];
    const port = decisionsThrough({
      ask: async (request) => {
        sent.push(request);
        return { answered: true };
      },
    });
    await expect(port.decide('user-1', 'wd_1', decision, 'req-9')).resolves.toEqual({ outcome: 'approve' });
    expect(sent).toEqual([
      {
        kind: 'withdrawal-review',
        op: 'decide',
        userId: 'user-1',
        withdrawalId: 'wd_1',
        decision,
        decisionId: 'req-9',
      },
    ]);
    await expect(port.decide('user-1', 'wd_1', { ...decision, reason: '' })).rejects.toMatchObject({
      code: 'INVALID_DECISION',
    });
    expect(sent).toHaveLength(1);
  });
});

describe('C3 a withdrawal review token through AnswerTask', () => {
  it('C3 stored, then answered once with the decision; a second decision is refused as DECISION_ALREADY_MADE', async () => {
    const sfn = stepFunctions();
    const answer = answerer(sfn);
    const { userId, withdrawalId } = await aWithdrawal('review');
    const token = sfn.issue();
    const ids = { kind: 'withdrawal-review', userId, withdrawalId } as const;
    await expect(
      answer({ ...ids, op: 'store', taskToken: token, reviewEndsAt: inAnHour() }),
    ).resolves.toEqual({
      answered: false,
      stored: true,
    });
    expect(await tokens.get(userId, withdrawalId)).toMatchObject(reviewTokenKey(userId, withdrawalId));
    await expect(answer({ ...ids, op: 'decide', decision })).resolves.toEqual({ answered: true });
    expect(sfn.answers).toEqual([{ token, success: decision }]);
    await expect(
      answer({ ...ids, op: 'decide', decision: { ...decision, outcome: 'reject' } }),
    ).resolves.toEqual({
      refused: { error: 'Conflict', code: 'DECISION_ALREADY_MADE', message: expect.any(String) },
    });
    // A retried wait cannot reopen an answered review, and a suspension finds nothing to fail.
    await expect(
      answer({ ...ids, op: 'store', taskToken: sfn.issue(), reviewEndsAt: inAnHour() }),
    ).resolves.toMatchObject({ refused: { error: 'Conflict', code: 'DECISION_ALREADY_MADE' } });
    await lifecycle.move(userId, withdrawalId, ['review'], 'cancelled', clock.now());
    await expect(answer({ ...ids, op: 'cancel' })).resolves.toEqual({ answered: false });
    expect(sfn.answers).toHaveLength(1);
  });

  it('C3 a decision and a cancellation racing: exactly one answers the token', async () => {
    for (let round = 0; round < 5; round++) {
      const sfn = stepFunctions();
      const answer = answerer(sfn);
      const { userId, withdrawalId } = await aWithdrawal('review');
      const ids = { kind: 'withdrawal-review', userId, withdrawalId } as const;
      await answer({ ...ids, op: 'store', taskToken: sfn.issue(), reviewEndsAt: inAnHour() });
      // The suspension cancels the record first, then asks AnswerTask to end the review.
      const cancel = lifecycle
        .move(userId, withdrawalId, ['review'], 'cancelled', clock.now())
        .then(() => answer({ ...ids, op: 'cancel' }));
      const results = await Promise.all([answer({ ...ids, op: 'decide', decision }), cancel]);
      expect(sfn.answers, JSON.stringify(results)).toHaveLength(1);
      const answered = results.filter((r) => 'answered' in r && r.answered);
      expect(answered, JSON.stringify(results)).toHaveLength(1);
      const row = await tokens.get(userId, withdrawalId);
      expect(row?.usedBy?.kind).toBe(sfn.answers[0]?.failure ? 'suspension' : 'admin');
    }
  });

  it('C3 20 concurrent decisions: one answers, the others are refused, the token is answered once', async () => {
    const sfn = stepFunctions();
    const answer = answerer(sfn);
    const { userId, withdrawalId } = await aWithdrawal('review');
    const ids = { kind: 'withdrawal-review', userId, withdrawalId } as const;
    await answer({ ...ids, op: 'store', taskToken: sfn.issue(), reviewEndsAt: inAnHour() });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        answer({ ...ids, op: 'decide', decision: { ...decision, adminId: `admin-${i}` } }),
      ),
    );
    expect(results.filter((r) => 'answered' in r && r.answered)).toHaveLength(1);
    for (const r of results.filter((r) => 'refused' in r))
      expect(r).toMatchObject({ refused: { error: 'Conflict' } });
    expect(sfn.answers).toHaveLength(1);
  });

  it('C3 a cancellation is refused unless the record says cancelled, and leaves the token unused', async () => {
    const sfn = stepFunctions();
    const answer = answerer(sfn);
    const { userId, withdrawalId } = await aWithdrawal('review');
    const ids = { kind: 'withdrawal-review', userId, withdrawalId } as const;
    await answer({ ...ids, op: 'store', taskToken: sfn.issue(), reviewEndsAt: inAnHour() });
    await expect(answer({ ...ids, op: 'cancel' })).resolves.toMatchObject({
      refused: { error: 'Conflict', code: 'WITHDRAWAL_NOT_CANCELLED' },
    });
    expect((await tokens.get(userId, withdrawalId))?.usedAt).toBeUndefined();
    await expect(
      answer({ kind: 'withdrawal-review', op: 'cancel', userId, withdrawalId: newWithdrawalId(clock.now()) }),
    ).resolves.toMatchObject({ refused: { error: 'NotFound' } });
    await lifecycle.move(userId, withdrawalId, ['review'], 'cancelled', clock.now());
    await expect(answer({ ...ids, op: 'cancel' })).resolves.toEqual({ answered: true });
    expect(sfn.answers).toEqual([{ token: expect.any(String), failure: 'WithdrawalCancelled' }]);
    expect((await tokens.get(userId, withdrawalId))?.usedBy).toEqual({ kind: 'suspension' });
  });
});

describe('D2 an admin request token through AnswerTask', () => {
  let counter = 0;
  async function aRequest(): Promise<AdminRequest> {
    counter += 1;
    return requests.create(requestFor('reset-mfa', { requestId: `answer-${counter}`, now: T0 }));
  }
  const policy = settings.approvalPolicies['reset-mfa'];

  it('D2 the answer is derived from the request row: a pending wait continues, an approved one executes', async () => {
    const sfn = stepFunctions();
    const answer = answerer(sfn);
    const request = await aRequest();
    const first = sfn.issue();
    await expect(
      answer({ kind: 'admin-request', op: 'store', requestId: request.requestId, taskToken: first }),
    ).resolves.toEqual({ answered: false, stored: true });
    const [a, b] = approversFor(policy, 2);
    if (!a || !b) throw new Error('no approvers');
    await requests.approve(request.requestId, a, request.payloadHash, clock.now());
    await expect(
      answer({ kind: 'admin-request', op: 'answer', requestId: request.requestId }),
    ).resolves.toEqual({
      answered: true,
    });
    expect(sfn.answers[0]).toEqual({
      token: first,
      success: { outcome: 'pending', secondsToExpiry: expect.any(Number) },
    });
    // The token is used: answering again is no error and sends nothing.
    await expect(
      answer({ kind: 'admin-request', op: 'answer', requestId: request.requestId }),
    ).resolves.toEqual({
      answered: false,
    });
    // The next wait's token, then the second approval: the workflow is told "approved".
    const second = sfn.issue();
    await answer({ kind: 'admin-request', op: 'store', requestId: request.requestId, taskToken: second });
    const approved = await requests.approve(request.requestId, b, request.payloadHash, clock.now());
    if (!approved.ok) throw new Error(approved.code);
    await answer({ kind: 'admin-request', op: 'answer', requestId: request.requestId });
    expect(sfn.answers[1]).toEqual({ token: second, success: decisionOf(approved.request, clock.now()) });
    expect(sfn.answers[1]?.success).toMatchObject({ outcome: 'approved' });
  });

  it('D2 a token stored after the request left pending is answered at once', async () => {
    const sfn = stepFunctions();
    const answer = answerer(sfn);
    const request = await aRequest();
    const [rejecter] = approversFor(policy, 1, 'rejecter');
    if (!rejecter) throw new Error('no approver');
    const rejected = await requests.reject(request.requestId, rejecter, 'not needed', clock.now());
    expect(rejected.ok).toBe(true);
    const token = sfn.issue();
    await expect(
      answer({ kind: 'admin-request', op: 'store', requestId: request.requestId, taskToken: token }),
    ).resolves.toEqual({ answered: true, stored: true });
    expect(sfn.answers).toEqual([
      { token, success: { outcome: 'rejected', secondsToExpiry: expect.any(Number), reason: 'not needed' } },
    ]);
  });

  it('D2 20 concurrent answers of one waiting token: it is answered once, none fails', async () => {
    const sfn = stepFunctions();
    const answer = answerer(sfn);
    const request = await aRequest();
    await answer({
      kind: 'admin-request',
      op: 'store',
      requestId: request.requestId,
      taskToken: sfn.issue(),
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        answer({ kind: 'admin-request', op: 'answer', requestId: request.requestId }),
      ),
    );
    expect(results.filter((r) => 'answered' in r && r.answered)).toHaveLength(1);
    expect(results.filter((r) => 'refused' in r)).toEqual([]);
    expect(sfn.answers).toHaveLength(1);
  });

  it('D2 an unknown request is refused as NotFound, for a store and for an answer', async () => {
    const answer = answerer(stepFunctions());
    for (const request of [
      { kind: 'admin-request', op: 'store', requestId: 'no-such-request', taskToken: 't' },
      { kind: 'admin-request', op: 'answer', requestId: 'no-such-request' },
    ] as const) {
      await expect(answer(request)).resolves.toMatchObject({ refused: { error: 'NotFound' } });
    }
  });
});

describe('C3/D2 the task-token partitions the IAM fence relies on', () => {
  /** An IAM StringLike pattern (`*` any run, `?` one character) as a regular expression. */
  const like = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
  const matches = (patterns: readonly string[], pk: string) => patterns.some((p) => like(p).test(pk));

  it('C3/D2 every token row is under TASKTOKEN#, and the rows AnswerTask reads beside them are not', () => {
    const tokenKeys = [reviewTokenKey('user-1', 'wd_1'), approvalTokenKey('req-1')];
    for (const key of tokenKeys) {
      expect(key.pk.startsWith(TASK_TOKEN_PARTITION_PREFIX), key.pk).toBe(true);
      expect(matches([TASK_TOKEN_KEYS], key.pk), key.pk).toBe(true);
    }
    const answered = [withdrawalKey('user-1', 'wd_1'), requestKey('req-1')];
    for (const key of answered) {
      expect(matches([TASK_TOKEN_KEYS], key.pk), key.pk).toBe(false);
      expect(matches(ANSWER_TASK_READS, key.pk), key.pk).toBe(true);
    }
    for (const key of [...tokenKeys, ...answered]) expect(matches(ANSWER_TASK_READS, key.pk)).toBe(true);
  });
});
