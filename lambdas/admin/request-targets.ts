// D2: what a request acts on must exist (and be in a state the action applies to) when it is made, so no
// admin approves a request that could never run. A user target must be an account (create-request.ts); a
// `decide-withdrawal` must name a withdrawal of that user under review; a `disable-admin` a known admin; a
// `dismiss-case` or `report-case` a case whose status lets it close that way (F3). The
// executors check again at execution, since the state can change while the approvals are collected.
import { type CaseStore, nextStatusOf } from '../cases/contracts.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { AppError } from '../kernel/errors.js';
import type { WithdrawalLifecycle } from '../withdrawals/contracts.js';
import type { AdminDirectory } from './admin-directory.js';
import type { AdminRequest } from './approval.js';
import { auditStep, type StepOrigin } from './plane.js';

/** A target that does not exist: 404 with the stable code of what is missing. */
export class TargetNotFound extends AppError {
  override readonly name = 'TargetNotFound';
  readonly status = 404;
  constructor(
    message: string,
    readonly code: 'WITHDRAWAL_NOT_FOUND' | 'ADMIN_NOT_FOUND' | 'CASE_NOT_FOUND',
  ) {
    super(message);
  }
}

/** A target in a state the action does not apply to: 409 with its code. */
export class TargetNotActionable extends AppError {
  override readonly name = 'TargetNotActionable';
  readonly status = 409;
  constructor(
    message: string,
    readonly code: 'WITHDRAWAL_NOT_IN_REVIEW' | 'CASE_STEP_NOT_ALLOWED',
  ) {
    super(message);
  }
}

export interface RequestTargetPorts {
  withdrawalLifecycle: Pick<WithdrawalLifecycle, 'get'>;
  admins: Pick<AdminDirectory, 'get'>;
  cases: Pick<CaseStore, 'get'>;
}

/** Why the request's target cannot be acted on now, if it cannot (user targets are checked by the route). */
export async function targetRefusal(
  request: Pick<AdminRequest, 'action' | 'target' | 'parameters'>,
  ports: RequestTargetPorts,
): Promise<TargetNotFound | TargetNotActionable | undefined> {
  if (request.action === 'decide-withdrawal') {
    const userId = String(request.parameters.userId);
    const record = await ports.withdrawalLifecycle.get(userId, request.target.id);
    if (!record) return new TargetNotFound('No such withdrawal of this user', 'WITHDRAWAL_NOT_FOUND');
    if (record.status !== 'review') {
      return new TargetNotActionable(
        `The withdrawal is ${record.status}, not under review`,
        'WITHDRAWAL_NOT_IN_REVIEW',
      );
    }
  }
  if (request.action === 'dismiss-case' || request.action === 'report-case') {
    // F3: the case exists and its status lets it be closed this way (report: investigated first).
    const found = await ports.cases.get(request.target.id);
    if (!found) return new TargetNotFound('No such case', 'CASE_NOT_FOUND');
    const step = request.action === 'dismiss-case' ? 'dismiss' : 'report';
    if (!nextStatusOf(found.status, step)) {
      return new TargetNotActionable(
        `A case ${found.status} cannot take the step ${step}`,
        'CASE_STEP_NOT_ALLOWED',
      );
    }
  }
  if (request.action === 'disable-admin' && !(await ports.admins.get(request.target.id))) {
    return new TargetNotFound('No such admin', 'ADMIN_NOT_FOUND');
  }
  return undefined;
}

/** Refuses (audited `admin.request` refused, with the code) a request whose target cannot be acted on. */
export async function requireActionableTarget(
  request: AdminRequest,
  ports: RequestTargetPorts & { audit: Pick<AuditLog, 'append'> },
  step: { actor: { kind: 'admin'; id: string; tier?: string }; at: Date; origin?: StepOrigin },
): Promise<void> {
  const refusal = await targetRefusal(request, ports);
  if (!refusal) return;
  await auditStep(ports.audit, {
    action: 'admin.request',
    actor: step.actor,
    request,
    outcome: 'refused',
    at: step.at,
    details: { code: refusal.code },
    ...(step.origin ? { origin: step.origin } : {}),
  });
  throw refusal;
}
