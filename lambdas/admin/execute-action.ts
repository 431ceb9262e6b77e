// What both execution tasks of the approval workflow (D2) share, each with its own executors and ports
// (execute-account-action.ts, execute-staff-action.ts; the workflow routes by the action). The policy is met:
// it claims the execution (approved → executed, once, only if the payload about to run hashes to the
// approved payload hash, the sealed parameters opened first), then runs the action's executor and audits it
// (D3). A retry of this task finds the request executed and runs the (idempotent) executor again to
// completion. When an offboarding withdrew an approval meanwhile, it answers the request's current outcome
// (pending: the workflow waits again; voided: it ends). An executor that cannot apply the action (ActionFailed,
// or a client error such as NotFound/Conflict it let through) marks the request failed (executed → failed,
// with the code), audits it and fails with AdminActionFailed, which the workflow catches (ExecutionFailed).
// A failed request is final: a retry of this task fails again with the stored code and runs nothing.
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { AppError, NotFound, TooManyRequests } from '../kernel/errors.js';
import type { Outbox } from '../kernel/outbox.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { FieldCipher } from '../kernel/privacy/field-cipher.js';
import type { AdminAction } from '../kernel/settings.js';
import { taskHandler } from '../kernel/task.js';
import type { AdminRequest } from './approval.js';
import { ActionFailed, type ExecutionFacts, type Executors } from './executors/types.js';
import { auditStep, auditStepEvent, decisionOf, executableHash, parametersOf } from './plane.js';
import type { AdminRequestStore } from './request-store.js';
import { requestTaskInput, type WorkflowDecision } from './task-contracts.js';

/** The approved payload and what is about to run differ: nothing ran; the execution fails with this. */
export class PayloadMismatch extends Error {
  override readonly name = 'PayloadMismatch';
}

/** The request's action is not one this function executes (the workflow routed it wrongly): nothing ran. */
export class NotThisFunctionsAction extends Error {
  override readonly name = 'NotThisFunctionsAction';
}

/**
 * The failure an executor's error stands for, if it is one: an ActionFailed as it is, and the typed client
 * errors (NotFound, Conflict, Gone, ValidationError, Forbidden) with their code. Anything else (a throttle, an
 * infrastructure error) is not a failure of the action and is thrown as it is.
 */
export function actionFailureOf(err: unknown): ActionFailed | undefined {
  if (err instanceof ActionFailed) return err;
  if (err instanceof AppError && !(err instanceof TooManyRequests) && err.status < 500) {
    const code = err instanceof NotFound ? 'TARGET_NOT_FOUND' : err.code;
    return new ActionFailed(code, err.message);
  }
  return undefined;
}

/** What the task fails with once the request is failed: the code leads the message (the workflow's Cause). */
const failedExecution = (code: string) =>
  new ActionFailed(
    code,
    `${code}: the action could not be applied; the request is failed and is not retried (a new request is needed)`,
  );

/** What the claim, the hash check and the audit need, beside the executors' own ports. */
export interface ExecutionPorts {
  adminRequests: Pick<AdminRequestStore, 'get' | 'markExecuted' | 'markFailed'>;
  /** Opens sealed parameters: only a function whose actions seal them (a new email or phone) has it. */
  vault?: Pick<FieldCipher, 'decrypt'>;
  audit: Pick<AuditLog, 'append'>;
  /** A failure's audit record, written with the failure (kernel/outbox.ts). */
  outbox: Pick<Outbox, 'pending'>;
  clock: Clock;
}

/** The execution task of one group of actions: `executors` are the only actions it runs. */
export const executeActionTask = <A extends AdminAction, P>(
  executors: Executors<A, P>,
  ports: P & ExecutionPorts,
) =>
  taskHandler(requestTaskInput, async (input): Promise<WorkflowDecision> => {
    const now = ports.clock.now();
    const get = async () => {
      const found = await ports.adminRequests.get(input.requestId);
      if (!found) throw new NotFound('No such admin request');
      return found;
    };
    let request = await get();
    const runs = (action: AdminAction): action is A => Object.hasOwn(executors, action);
    const action = request.action;
    if (!runs(action)) {
      throw new NotThisFunctionsAction(`${action} is not executed by this function; nothing was executed`);
    }
    const record = (
      outcome: 'success' | 'refused' | 'failed',
      details: Record<string, string | number | boolean>,
    ) =>
      auditStep(ports.audit, {
        action: 'admin.execute',
        actor: { kind: 'system', id: 'admin-approval' },
        request,
        outcome,
        at: ports.clock.now(),
        details,
      });
    // A retry after the executor failed: the failure stands, nothing runs again.
    if (request.status === 'failed') throw failedExecution(request.failureCode ?? 'ACTION_FAILED');
    if (request.status !== 'approved' && request.status !== 'executed') return decisionOf(request, now);
    const parameters = await parametersOf(request, ports.vault);
    const hash = executableHash(request, parameters);
    // Executed already (this task's retry): the same check of the payload, then the executor again.
    const claimed =
      request.status === 'approved'
        ? await ports.adminRequests.markExecuted(request.requestId, hash, now)
        : hash === request.payloadHash
          ? ({ ok: true, request } as const)
          : ({ ok: false, code: 'PAYLOAD_MISMATCH' } as const);
    if (!claimed.ok && claimed.code === 'PAYLOAD_MISMATCH') {
      await record('refused', { code: claimed.code, executedHash: hash });
      throw new PayloadMismatch('The payload about to run is not the approved one; nothing was executed');
    }
    if (!claimed.ok && claimed.code !== 'ALREADY_EXECUTED') {
      // A concurrent run failed it meanwhile; or an offboarding withdrew an approval: the request decides.
      const current = await get();
      if (current.status === 'failed') throw failedExecution(current.failureCode ?? 'ACTION_FAILED');
      return decisionOf(current, now);
    }
    request = claimed.ok ? claimed.request : await get();
    if (request.status === 'failed') throw failedExecution(request.failureCode ?? 'ACTION_FAILED');
    const at = new Date(request.executedAt ?? now.toISOString());
    let facts: ExecutionFacts;
    try {
      facts = await executors[action](ports, { request, parameters, at });
    } catch (err) {
      const failure = actionFailureOf(err);
      if (!failure) throw err;
      // The failure and its audit record are written together (kernel/outbox.ts).
      const after = ports.outbox.pending<AdminRequest>((failedRequest) => [
        {
          kind: 'audit',
          event: auditStepEvent({
            action: 'admin.execute',
            actor: { kind: 'system', id: 'admin-approval' },
            request: failedRequest,
            outcome: 'failed',
            at: ports.clock.now(),
            details: { code: failure.code },
          }),
        },
      ]);
      const failed = await ports.adminRequests.markFailed(
        request.requestId,
        failure.code,
        ports.clock.now(),
        after,
      );
      // Failed already by an earlier run of this task (which crashed before its answer): that code stands,
      // and that run's record was written with it.
      const code = failed.ok ? failure.code : ((await get()).failureCode ?? failure.code);
      if (failed.ok) await after.settle();
      throw failedExecution(code);
    }
    const approvers = request.approvals.map((a) => a.adminId).join(',');
    await record('success', { ...facts, approvers: approvers.slice(0, 256) });
    return { outcome: 'executed', secondsToExpiry: 0 };
  });
