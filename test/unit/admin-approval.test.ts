// D2/D4: the pure rules of a multi-level approval request, for every admin action and its default policy.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import canonicalize from 'canonicalize';
import { describe, expect, it, vi } from 'vitest';
import { ACTION_SPECS, type ExecutorGroup } from '../../lambdas/admin/actions.js';
import {
  type AdminRequest,
  createRequest,
  currentPayloadHash,
  type Decision,
  decideApproval,
  expire,
  markExecuted,
  markFailed,
  payloadHash,
  REQUEST_STATUSES,
  readyToExecute,
  refusalError,
  reject,
  voidBy,
} from '../../lambdas/admin/approval.js';
import {
  type ExecutionPorts,
  executeActionTask,
  NotThisFunctionsAction,
} from '../../lambdas/admin/execute-action.js';
import { ACCOUNT_EXECUTORS, type AccountActionPorts } from '../../lambdas/admin/executors/account-actions.js';
import { LIST_EXECUTORS } from '../../lambdas/admin/executors/lists.js';
import { STAFF_EXECUTORS, type StaffActionPorts } from '../../lambdas/admin/executors/staff-actions.js';
import { ActionFailed } from '../../lambdas/admin/executors/types.js';
import { sealsParameters } from '../../lambdas/admin/plane.js';
import { Conflict, Forbidden, Gone, NotFound, ValidationError } from '../../lambdas/kernel/errors.js';
import type { PendingEffects } from '../../lambdas/kernel/outbox.js';
import { ADMIN_ACTIONS, type AdminAction } from '../../lambdas/kernel/settings.js';
import { lambdaContext } from '../../local/lambda-context.js';
import {
  admin,
  approversFor,
  HOUR,
  later,
  lowerTiersOf,
  requesterTierOf,
  requestFor,
  SAMPLE_PARAMETERS,
  settings,
  T0,
} from '../support/admin-fixtures.js';
import { memoryOutbox } from '../support/outbox.js';

const ok = (decision: Decision): AdminRequest => {
  if (!decision.ok) throw new Error(`refused: ${decision.code} ${decision.message}`);
  return decision.request;
};
const codeOf = (decision: Decision | { ok: true }) => (decision.ok ? 'ok' : decision.code);

/** Approves `request` by each of `approvers` in turn, a minute apart. */
function approveAll(request: AdminRequest, approvers: ReturnType<typeof approversFor>): AdminRequest {
  return approvers.reduce(
    (r, a, i) => ok(decideApproval(r, a, r.payloadHash, later((i + 1) * 60_000))),
    request,
  );
}

describe.each(ADMIN_ACTIONS)('D2 %s', (action: AdminAction) => {
  const policy = settings.approvalPolicies[action];

  it('D2 the policy met with distinct allowed approvers approves it, and it executes once', () => {
    const request = requestFor(action);
    expect(request).toMatchObject({ status: 'pending', approvals: [], policy });
    expect(Date.parse(request.expiresAt) - T0.getTime()).toBe(policy.expiryHours * HOUR);

    const approvers = approversFor(policy, policy.approvals);
    const partly = approveAll(request, approvers.slice(0, -1));
    expect(partly.status).toBe('pending');
    expect(codeOf(readyToExecute(partly, currentPayloadHash(partly)))).toBe('REQUEST_NOT_APPROVED');

    const approved = approveAll(partly, approvers.slice(-1));
    expect(approved.status).toBe('approved');
    expect(approved.approvals.map((a) => a.adminId)).toEqual(approvers.map((a) => a.adminId));
    expect(approved.approvals.every((a) => a.payloadHash === request.payloadHash)).toBe(true);
    expect(readyToExecute(approved, currentPayloadHash(approved))).toEqual({ ok: true });

    const executed = ok(markExecuted(approved, currentPayloadHash(approved), later(HOUR)));
    expect(executed).toMatchObject({ status: 'executed', executedAt: later(HOUR).toISOString() });
    expect(codeOf(markExecuted(executed, currentPayloadHash(executed), later(HOUR)))).toBe(
      'ALREADY_EXECUTED',
    );
    // Once approved, nobody else adds an approval.
    const extra = approversFor(policy, policy.approvals + 1, 'late').at(-1);
    expect(codeOf(decideApproval(approved, extra ?? admin('x'), approved.payloadHash, later(HOUR)))).toBe(
      'REQUEST_NOT_PENDING',
    );
  });

  it('D2 the requester approving their own request is refused, even holding an approver tier', () => {
    const requester = admin('requester', requesterTierOf(action), ...policy.approverTiers);
    const request = requestFor(action, { requester });
    const decision = decideApproval(request, requester, request.payloadHash, later(60_000));
    expect(codeOf(decision)).toBe('SELF_APPROVAL');
    expect(refusalError(decision as Extract<Decision, { ok: false }>)).toBeInstanceOf(Forbidden);
  });

  it('D2 the same admin approving twice is refused and counted once', () => {
    // A one-approval policy is approved by the first approval; ask for two so the second one is a decision.
    const request = requestFor(action, { policy: { ...policy, approvals: Math.max(2, policy.approvals) } });
    const [first] = approversFor(policy, 1);
    if (!first) throw new Error('no approver');
    const once = ok(decideApproval(request, first, request.payloadHash, later(60_000)));
    const twice = decideApproval(once, first, request.payloadHash, later(120_000));
    expect(codeOf(twice)).toBe('ALREADY_APPROVED');
    expect(once.approvals).toHaveLength(1);
    expect(once.status).toBe('pending');
  });

  it('D2 an approver of a tier the policy does not name is refused', () => {
    const request = requestFor(action);
    const lower = lowerTiersOf(policy);
    expect(lower.length).toBeGreaterThan(0);
    for (const tier of lower) {
      expect(
        codeOf(decideApproval(request, admin(`low-${tier}`, tier), request.payloadHash, later(60_000))),
      ).toBe('TIER_NOT_ALLOWED');
    }
  });

  it('D2 an approval at or after the expiry is refused, the request expires and never executes', () => {
    const request = requestFor(action);
    const [approver] = approversFor(policy, 1);
    if (!approver) throw new Error('no approver');
    const at = new Date(request.expiresAt);
    const late = decideApproval(request, approver, request.payloadHash, at);
    expect(codeOf(late)).toBe('REQUEST_EXPIRED');
    expect(refusalError(late as Extract<Decision, { ok: false }>)).toBeInstanceOf(Gone);

    expect(codeOf(expire(request, later(-1, at)))).toBe('REQUEST_NOT_EXPIRED');
    const expired = ok(expire(request, at));
    expect(expired).toMatchObject({ status: 'expired', expiredAt: request.expiresAt });
    expect(codeOf(decideApproval(expired, approver, request.payloadHash, later(-1, at)))).toBe(
      'REQUEST_EXPIRED',
    );
    expect(codeOf(readyToExecute(expired, currentPayloadHash(expired)))).toBe('REQUEST_NOT_APPROVED');
    expect(codeOf(markExecuted(expired, currentPayloadHash(expired), at))).toBe('REQUEST_NOT_APPROVED');
  });

  it('D2 a payload changed after approval is not ready to execute', () => {
    const approved = approveAll(requestFor(action), approversFor(policy, policy.approvals));
    const otherTarget = { ...approved.target, id: 'someone-else' };
    const changed = payloadHash(action, otherTarget, approved.parameters);
    expect(codeOf(readyToExecute(approved, changed))).toBe('PAYLOAD_MISMATCH');
    expect(codeOf(markExecuted(approved, changed, later(HOUR)))).toBe('PAYLOAD_MISMATCH');
    // The same when the parameters are edited on the request itself after the approvals were bound.
    const edited: AdminRequest = { ...approved, parameters: { ...approved.parameters, extra: true } };
    expect(codeOf(readyToExecute(edited, currentPayloadHash(edited)))).toBe('PAYLOAD_MISMATCH');
  });

  it('D2 an approval bound to another payload hash is refused', () => {
    const request = requestFor(action);
    const [approver] = approversFor(policy, 1);
    if (!approver) throw new Error('no approver');
    const decision = decideApproval(request, approver, 'f'.repeat(64), later(60_000));
    expect(codeOf(decision)).toBe('PAYLOAD_MISMATCH');
    expect(refusalError(decision as Extract<Decision, { ok: false }>)).toBeInstanceOf(Conflict);
  });

  it('D2 a rejection by an allowed admin ends it with the reason; a lower tier may not reject', () => {
    const request = requestFor(action);
    const [approver] = approversFor(policy, 1);
    const [low] = lowerTiersOf(policy);
    if (!approver || !low) throw new Error('fixture');
    expect(codeOf(reject(request, admin('low', low), 'not convinced', later(60_000)))).toBe(
      'TIER_NOT_ALLOWED',
    );
    const rejected = ok(reject(request, approver, '  The caller failed the callback check ', later(60_000)));
    expect(rejected).toMatchObject({
      status: 'rejected',
      rejection: { adminId: approver.adminId, reason: 'The caller failed the callback check' },
    });
    expect(codeOf(decideApproval(rejected, approver, request.payloadHash, later(120_000)))).toBe(
      'REQUEST_NOT_PENDING',
    );
    expect(() => reject(request, approver, ' ', later(60_000))).toThrow(ValidationError);
  });
});

describe('D2 requests and their payload hash', () => {
  it('D2 the payload hash is SHA-256 over RFC 8785 canonical JSON, whatever the key order', () => {
    const target = { kind: 'user', id: 'u-1' } as const;
    const a = payloadHash('change-withdrawal-limits', target, { asset: 'BTC', daily: '1', monthly: '10' });
    const b = payloadHash('change-withdrawal-limits', target, { monthly: '10', daily: '1', asset: 'BTC' });
    const expected = createHash('sha256')
      .update(
        canonicalize({
          action: 'change-withdrawal-limits',
          target,
          parameters: { asset: 'BTC', daily: '1', monthly: '10' },
        }) ?? '',
      )
      .digest('hex');
    expect(a).toBe(b);
    expect(a).toBe(expected);
    expect(
      payloadHash('change-withdrawal-limits', target, { asset: 'BTC', daily: '1', monthly: '11' }),
    ).not.toBe(a);
  });

  it('D2 a request is refused to a tier that may not request it, and its target and parameters are checked', () => {
    const base = {
      requestId: 'r',
      action: 'reveal-personal-data' as const,
      target: { kind: 'user', id: 'u-1' },
      parameters: SAMPLE_PARAMETERS['reveal-personal-data'],
      reason: 'KYC review',
    };
    const policy = settings.approvalPolicies['reveal-personal-data'];
    expect(codeOf(createRequest({ ...base, requester: admin('s', 'support') }, policy, T0))).toBe(
      'TIER_NOT_ALLOWED',
    );
    expect(
      codeOf(
        createRequest(
          {
            ...base,
            parameters: { fields: ['email', 'documentNumber'], windowMinutes: 10 },
            requester: admin('sec', 'security'),
          },
          policy,
          T0,
        ),
      ),
    ).toBe('FIELD_NOT_REVEALABLE');
    expect(codeOf(createRequest({ ...base, requester: admin('c', 'compliance') }, policy, T0))).toBe('ok');
    expect(() =>
      createRequest(
        { ...base, target: { kind: 'admin', id: 'a' }, requester: admin('c', 'compliance') },
        policy,
        T0,
      ),
    ).toThrow(ValidationError);
    expect(() =>
      createRequest(
        {
          ...base,
          parameters: { fields: ['email'], windowMinutes: 10, also: 'x' },
          requester: admin('c', 'compliance'),
        },
        policy,
        T0,
      ),
    ).toThrow(ValidationError);
    expect(() =>
      createRequest({ ...base, reason: '', requester: admin('c', 'compliance') }, policy, T0),
    ).toThrow(ValidationError);
  });

  it('D2 the policy is taken when the request is made: a later configuration change does not move it', () => {
    const request = requestFor('lift-hold');
    const tightened = { ...settings.approvalPolicies['lift-hold'], approvals: 3 };
    const approvers = approversFor(tightened, 2);
    expect(approveAll(request, approvers).status).toBe('approved');
    expect(request.policy.approvals).toBe(2);
  });
});

describe('D2 a failed execution', () => {
  const policy = settings.approvalPolicies['lift-hold'];
  const approved = () => approveAll(requestFor('lift-hold'), approversFor(policy, policy.approvals));

  it('D2 only a claimed execution fails, once, with its time and code; a failed request never executes again', () => {
    const request = approved();
    expect(codeOf(markFailed(request, 'EMAIL_TAKEN', later(HOUR)))).toBe('REQUEST_NOT_EXECUTED');
    const executed = ok(markExecuted(request, currentPayloadHash(request), later(HOUR)));
    const failed = ok(markFailed(executed, 'EMAIL_TAKEN', later(HOUR + 1000)));
    expect(failed).toMatchObject({
      status: 'failed',
      executedAt: later(HOUR).toISOString(),
      failedAt: later(HOUR + 1000).toISOString(),
      failureCode: 'EMAIL_TAKEN',
    });
    expect(codeOf(markFailed(failed, 'OTHER', later(2 * HOUR)))).toBe('REQUEST_FAILED');
    expect(codeOf(markExecuted(failed, currentPayloadHash(failed), later(2 * HOUR)))).toBe('REQUEST_FAILED');
    const late = admin('late-approver', 'security');
    expect(codeOf(decideApproval(failed, late, failed.payloadHash, later(2 * HOUR)))).toBe(
      'REQUEST_NOT_PENDING',
    );
    expect(voidBy(failed, failed.requesterId, later(2 * HOUR)).effect).toBe('none');
  });
});

describe('D2 the execution task records an executor failure', () => {
  const policy = settings.approvalPolicies['lift-hold'];

  /** The task over an in-memory request store (the pure rules) and one `lift-hold` executor. */
  function taskWith(executor: () => Promise<Record<string, string>>) {
    let row = approveAll(requestFor('lift-hold'), approversFor(policy, policy.approvals));
    const apply = (decision: Decision): Decision => {
      if (decision.ok) row = decision.request;
      return decision;
    };
    const adminRequests = {
      get: async () => row,
      markExecuted: vi.fn(async (_id: string, hash: string, now: Date) =>
        apply(markExecuted(row, hash, now)),
      ),
      markFailed: vi.fn(
        async (_id: string, code: string, now: Date, after?: PendingEffects<AdminRequest>) => {
          const decision = apply(markFailed(row, code, now));
          if (decision.ok) after?.writes(decision.request);
          return decision;
        },
      ),
    };
    const append = vi.fn(async () => undefined);
    const run = vi.fn(executor);
    const handler = executeActionTask(
      { 'lift-hold': run } as const,
      {
        adminRequests,
        audit: { append },
        outbox: memoryOutbox({ audit: { append } as never }),
        clock: { now: () => later(HOUR) },
      } as unknown as ExecutionPorts,
    );
    const invoke = () => handler({ requestId: row.requestId }, lambdaContext('ExecuteAccountAction'));
    const executes = () =>
      append.mock.calls.map(
        (c) => (c as unknown as [{ action: string; outcome: string; details: object }])[0],
      );
    return { invoke, run, adminRequests, executes, row: () => row };
  }

  it('D2 an ActionFailed marks the request failed with its code, audits it failed, and fails AdminActionFailed', async () => {
    const task = taskWith(async () => {
      throw new ActionFailed('EMAIL_TAKEN', 'held by another account');
    });
    const error = await task.invoke().catch((e: unknown) => e as ActionFailed);
    expect(error).toMatchObject({ name: 'AdminActionFailed', code: 'EMAIL_TAKEN' });
    expect((error as Error).message.startsWith('EMAIL_TAKEN: ')).toBe(true);
    expect(task.row()).toMatchObject({ status: 'failed', failureCode: 'EMAIL_TAKEN' });
    expect(task.row().failedAt).toBeDefined();
    expect(task.executes()).toEqual([
      expect.objectContaining({
        action: 'admin.execute',
        outcome: 'failed',
        details: expect.objectContaining({ code: 'EMAIL_TAKEN' }),
      }),
    ]);
    // A retry of the task: the failure stands, the executor does not run again, nothing more is written.
    await expect(task.invoke()).rejects.toMatchObject({ name: 'AdminActionFailed', code: 'EMAIL_TAKEN' });
    expect(task.run).toHaveBeenCalledTimes(1);
    expect(task.adminRequests.markFailed).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['NotFound', () => new NotFound('No such user'), 'TARGET_NOT_FOUND'],
    ['Conflict', () => new Conflict('Review over', 'REVIEW_EXPIRED'), 'REVIEW_EXPIRED'],
    ['Gone', () => new Gone('Gone', 'LINK_EXPIRED'), 'LINK_EXPIRED'],
  ] as const)(
    'D2 a %s thrown by an executor is recorded as a failure with its code',
    async (_name, error, code) => {
      const task = taskWith(async () => {
        throw error();
      });
      await expect(task.invoke()).rejects.toMatchObject({ name: 'AdminActionFailed', code });
      expect(task.row()).toMatchObject({ status: 'failed', failureCode: code });
      expect(task.executes()).toEqual([expect.objectContaining({ outcome: 'failed' })]);
    },
  );

  it('D2 an infrastructure error is not a failure of the action: thrown as it is, the request stays executed', async () => {
    const task = taskWith(async () => {
      throw new Error('ProvisionedThroughputExceeded');
    });
    await expect(task.invoke()).rejects.toThrow('ProvisionedThroughputExceeded');
    expect(task.row().status).toBe('executed');
    expect(task.adminRequests.markFailed).not.toHaveBeenCalled();
    expect(task.executes()).toEqual([]);
  });

  it('D2 a success leaves the request executed and audited success', async () => {
    const task = taskWith(async () => ({ lifted: 'yes' }));
    await expect(task.invoke()).resolves.toEqual({ outcome: 'executed', secondsToExpiry: 0 });
    expect(task.row().status).toBe('executed');
    expect(task.executes()).toEqual([expect.objectContaining({ outcome: 'success' })]);
  });
});

describe('D4 offboarding voids what is not executed yet', () => {
  const policy = settings.approvalPolicies['reset-mfa'];

  it('D4 a pending request the offboarded admin made is voided and cannot be approved', () => {
    const request = requestFor('reset-mfa', { requester: admin('leaver', 'support') });
    const { request: voided, effect } = voidBy(request, 'leaver', later(HOUR));
    expect(effect).toBe('voided');
    expect(voided).toMatchObject({
      status: 'voided',
      voided: { adminId: 'leaver', at: later(HOUR).toISOString() },
    });
    const [approver] = approversFor(policy, 1);
    if (!approver) throw new Error('fixture');
    expect(codeOf(decideApproval(voided, approver, voided.payloadHash, later(2 * HOUR)))).toBe(
      'REQUEST_NOT_PENDING',
    );
  });

  it('D4 their approval on a pending request is withdrawn and the request stays pending', () => {
    const request = requestFor('reset-mfa');
    const withLeaver = ok(
      decideApproval(request, admin('leaver', 'security'), request.payloadHash, later(60_000)),
    );
    const { request: after, effect } = voidBy(withLeaver, 'leaver', later(HOUR));
    expect(effect).toBe('approval-withdrawn');
    expect(after.status).toBe('pending');
    expect(after.approvals).toEqual([]);
    expect(after.withdrawnApprovals).toEqual([
      expect.objectContaining({ adminId: 'leaver', withdrawnAt: later(HOUR).toISOString() }),
    ]);
    // Two other approvers are needed now; the leaver cannot come back to count.
    const approvers = approversFor(policy, 2, 'stayer');
    expect(approveAll(after, approvers.slice(0, 1)).status).toBe('pending');
    expect(approveAll(after, approvers).status).toBe('approved');
  });

  it('D4 their approval on an approved request not executed yet is withdrawn, and it may not execute', () => {
    const request = requestFor('reset-mfa');
    const approved = approveAll(request, [admin('leaver', 'security'), admin('stayer', 'superadmin')]);
    expect(approved.status).toBe('approved');
    const { request: after, effect } = voidBy(approved, 'leaver', later(HOUR));
    expect(effect).toBe('approval-withdrawn');
    expect(after.status).toBe('pending');
    expect(after.approvedAt).toBeUndefined();
    expect(codeOf(readyToExecute(after, currentPayloadHash(after)))).toBe('REQUEST_NOT_APPROVED');
  });

  it('D4 an executed request and a request they never touched are left as they are', () => {
    const approved = approveAll(requestFor('reset-mfa'), [
      admin('leaver', 'security'),
      admin('stayer', 'security'),
    ]);
    const executed = ok(markExecuted(approved, currentPayloadHash(approved), later(HOUR)));
    expect(voidBy(executed, 'leaver', later(2 * HOUR))).toEqual({ request: executed, effect: 'none' });
    const untouched = requestFor('reset-mfa');
    expect(voidBy(untouched, 'leaver', later(HOUR))).toEqual({ request: untouched, effect: 'none' });
  });
});

describe('D2 statemachines/admin-approval.asl.json', () => {
  const text = readFileSync('statemachines/admin-approval.asl.json', 'utf8');
  const definition = JSON.parse(text) as { StartAt: string; States: Record<string, Record<string, unknown>> };
  const states = definition.States;

  it('D2 the approval workflow passes asl-validator and binds only its five task functions', () => {
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid, errorsText('\n')).toBe(true);
    const keys = [...new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();
    expect(keys).toEqual([
      'ExecuteAccountActionFunctionArn',
      'ExecuteStaffActionFunctionArn',
      'ExpireAdminRequestFunctionArn',
      'LoadScreeningListFunctionArn',
      'StoreApprovalTokenFunctionArn',
    ]);
  });

  it('D2 it waits for each approval on a task token that only the token-storing function sees, until the expiry', () => {
    const wait = states.AwaitTheNextApproval ?? {};
    expect(wait).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: `\${StoreApprovalTokenFunctionArn}`,
        Payload: { 'requestId.$': '$.requestId', 'taskToken.$': '$$.Task.Token' },
      },
      TimeoutSecondsPath: '$.decision.secondsToExpiry',
      Catch: [expect.objectContaining({ ErrorEquals: ['States.Timeout'], Next: 'ExpireTheRequest' })],
    });
    expect(text.match(/\$\$\.Task\.Token/g)).toHaveLength(1);
  });

  it('D2 ExecuteTheAction routes each action to the task function of its group, all retried alike', () => {
    const route = states.ExecuteTheAction as {
      Type: string;
      Choices: { Or: { Variable: string; StringEquals: string }[]; Next: string }[];
      Default: string;
    };
    expect(route.Type).toBe('Choice');
    const routed = route.Choices.flatMap((c) =>
      c.Or.map((rule) => {
        expect(rule.Variable).toBe('$.action');
        return [rule.StringEquals, c.Next] as const;
      }),
    );
    const taskOf = {
      account: 'ExecuteTheAccountAction',
      staff: 'ExecuteTheStaffAction',
      lists: 'ExecuteTheListAction',
    } as const;
    expect(Object.fromEntries(routed)).toEqual(
      Object.fromEntries(ADMIN_ACTIONS.map((a) => [a, taskOf[ACTION_SPECS[a].executor]])),
    );
    expect(routed).toHaveLength(ADMIN_ACTIONS.length);
    expect(states[route.Default]).toMatchObject({ Type: 'Fail', Error: 'UnknownAction' });
    const account = states.ExecuteTheAccountAction ?? {};
    const staff = states.ExecuteTheStaffAction ?? {};
    const lists = states.ExecuteTheListAction ?? {};
    expect(account.Resource).toBe(`\${ExecuteAccountActionFunctionArn}`);
    expect(staff.Resource).toBe(`\${ExecuteStaffActionFunctionArn}`);
    expect(lists.Resource).toBe(`\${LoadScreeningListFunctionArn}`);
    for (const task of [account, staff, lists]) {
      expect(task).toMatchObject({
        Type: 'Task',
        Parameters: { 'requestId.$': '$.requestId' },
        ResultPath: '$.decision',
        Next: 'WasItExecuted',
      });
      expect(task.Retry).toEqual(states.ExpireTheRequest?.Retry);
      expect(task.Catch).toEqual([
        { ErrorEquals: ['AdminActionFailed'], ResultPath: '$.failure', Next: 'ExecutionFailed' },
      ]);
    }
  });

  it('D2 a failed execution (AdminActionFailed) of either task ends cleanly in ExecutionFailed with its code', () => {
    expect(states.ExecutionFailed).toMatchObject({
      Type: 'Fail',
      Error: 'AdminActionFailed',
      CausePath: '$.failure.Cause',
    });
    expect(states.TheActionFailed).toMatchObject({ Type: 'Fail', Error: 'AdminActionFailed' });
  });

  it('D2 every outcome has its branch and every state is reachable', () => {
    const choice = states.WhatWasDecided as { Choices: { StringEquals: string; Next: string }[] };
    expect(Object.fromEntries(choice.Choices.map((c) => [c.StringEquals, c.Next]))).toEqual({
      approved: 'ExecuteTheAction',
      executed: 'TheActionWasExecuted',
      rejected: 'EndedByRejection',
      voided: 'EndedByOffboarding',
      expired: 'EndedByExpiry',
      pending: 'IsThereTimeLeft',
      failed: 'TheActionFailed',
    });
    expect(choice.Choices.map((c) => c.StringEquals).sort()).toEqual([...REQUEST_STATUSES].sort());
    expect(states.EndedByRejection).toMatchObject({
      Parameters: { 'reason.$': '$.decision.reason' },
      End: true,
    });

    const reached = new Set<string>();
    const visit = (name: string) => {
      if (reached.has(name)) return;
      reached.add(name);
      const state = states[name] ?? {};
      const next = [
        state.Next,
        state.Default,
        ...((state.Choices as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
        ...((state.Catch as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
      ];
      for (const n of next) if (typeof n === 'string') visit(n);
    };
    visit(definition.StartAt);
    expect([...reached].sort()).toEqual(Object.keys(states).sort());
  });
});

describe('D2 the two execution tasks (split by what the actions touch)', () => {
  const keysOf = (executors: object) => Object.keys(executors).sort();
  const actionsOf = (group: ExecutorGroup) =>
    ADMIN_ACTIONS.filter((a) => ACTION_SPECS[a].executor === group).sort();

  it('D2 each task runs exactly its group of actions, and only the account task opens sealed parameters', () => {
    expect(keysOf(ACCOUNT_EXECUTORS)).toEqual(actionsOf('account'));
    expect(keysOf(STAFF_EXECUTORS)).toEqual(actionsOf('staff'));
    expect(keysOf(LIST_EXECUTORS)).toEqual(actionsOf('lists'));
    expect([...actionsOf('account'), ...actionsOf('staff'), ...actionsOf('lists')].sort()).toEqual(
      [...ADMIN_ACTIONS].sort(),
    );
    const sealing = ADMIN_ACTIONS.filter(sealsParameters);
    expect(sealing.length).toBeGreaterThan(0);
    for (const action of sealing) expect(ACTION_SPECS[action].executor, action).toBe('account');
  });

  it.each([
    ['account', 'disable-admin'],
    ['staff', 'reset-mfa'],
  ] as const)(
    'D2 the %s task refuses an approved %s request before claiming it: nothing runs',
    async (group, action) => {
      const policy = settings.approvalPolicies[action];
      const request = approveAll(requestFor(action), approversFor(policy, policy.approvals));
      expect(request.status).toBe('approved');
      const markExecuted = vi.fn();
      const append = vi.fn();
      const ports = {
        adminRequests: { get: async () => request, markExecuted },
        audit: { append },
        clock: { now: () => later(HOUR) },
      };
      const handler =
        group === 'account'
          ? executeActionTask(ACCOUNT_EXECUTORS, ports as unknown as AccountActionPorts & ExecutionPorts)
          : executeActionTask(STAFF_EXECUTORS, ports as unknown as StaffActionPorts & ExecutionPorts);
      await expect(handler({ requestId: request.requestId }, lambdaContext('ExecuteAction'))).rejects.toThrow(
        NotThisFunctionsAction,
      );
      expect(markExecuted).not.toHaveBeenCalled();
      expect(append).not.toHaveBeenCalled();
    },
  );
});
