// POST /v1/admin/requests/{requestId}/approve and /reject (D2): the decisions of an admin, each a step-up
// operation (password and a current TOTP code, checked by the admin pool: Cognito checks a code only inside a
// password authentication). The rules are approval.ts's, applied under conditional writes by the store:
// approver ≠ requester, no admin twice, an allowed tier, not expired, bound to the payload hash the approver
// saw. Every decision, accepted or refused, is audited (D3); an accepted one answers the waiting workflow.

import type { AuditLog } from '../kernel/audit/audit-log.js';
import { NotFound, ValidationError } from '../kernel/errors.js';
import type { AdminCaller, HttpRequest } from '../kernel/http.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { IdentityProvider } from '../kernel/ports/identity-provider.js';
import type { TaskAnswers } from '../kernel/ports/task-answers.js';
import type { AdminRoutePorts } from './admin-route.js';
import { type AdminRequest, type Decision, refusalError } from './approval.js';
import { type RequestView, requestView } from './contracts.js';
import { adminActor, answerWorkflow, auditStep, viewOf } from './plane.js';
import type { AdminRequestStore } from './request-store.js';

export interface DecideRequestPorts extends AdminRoutePorts {
  adminRequests: Pick<AdminRequestStore, 'get' | 'approve' | 'reject'>;
  /** The admin pool: step-up re-authentication of the deciding admin. */
  adminIdentity: Pick<IdentityProvider, 'reauthenticate'>;
  /** AnswerTask: tells the waiting workflow what the request row now says. */
  taskAnswers: Pick<TaskAnswers, 'ask'>;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
}

type Step = { kind: 'approve'; payloadHash: string } | { kind: 'reject'; reason: string };

export async function decide(
  ports: DecideRequestPorts,
  request: HttpRequest<{ password: string; code: string }, unknown>,
  /** The admin as the admin middleware checked them (`approve` or `reject` capability). */
  caller: AdminCaller,
  step: Step,
): Promise<RequestView> {
  const requestId = request.pathParams.requestId ?? '';
  const origin = { sourceIp: request.sourceIp, userAgent: request.userAgent, requestId: request.requestId };
  const auditAction = step.kind === 'approve' ? 'admin.approve' : 'admin.reject';
  const current = /^[A-Za-z0-9_-]{1,64}$/.test(requestId)
    ? await ports.adminRequests.get(requestId)
    : undefined;
  if (!current) throw new NotFound('No such admin request');
  const refused = (at: Date, code: string, subject: AdminRequest = current) =>
    auditStep(ports.audit, {
      action: auditAction,
      actor: adminActor(caller),
      request: subject,
      outcome: 'refused',
      at,
      details: { code },
      origin,
    });
  if (
    !(await ports.adminIdentity.reauthenticate(caller.username, request.body.password, request.body.code))
  ) {
    await refused(ports.clock.now(), 'REAUTH_FAILED');
    throw new ValidationError('The password or the code is not valid', undefined, 'REAUTH_FAILED');
  }
  const now = ports.clock.now();
  const identity = { adminId: caller.adminId, tiers: caller.tiers };
  const decision: Decision =
    step.kind === 'approve'
      ? await ports.adminRequests.approve(requestId, identity, step.payloadHash, now, current)
      : await ports.adminRequests.reject(requestId, identity, step.reason, now);
  if (!decision.ok) {
    await refused(now, decision.code);
    throw refusalError(decision);
  }
  const after = decision.request;
  // The audit record and the answer to the waiting workflow do not wait on each other (both follow the
  // decision written); the request fails if either did, after both were tried.
  const [audited, answered] = await Promise.allSettled([
    auditStep(ports.audit, {
      action: auditAction,
      actor: adminActor(caller),
      request: after,
      outcome: 'success',
      at: now,
      details: {
        status: after.status,
        approvals: after.approvals.length,
        approvalsNeeded: after.policy.approvals,
        ...(step.kind === 'reject' ? { reason: step.reason.slice(0, 200) } : {}),
      },
      origin,
    }),
    // The waiting workflow follows the row: a further wait, the execution, or the end with the reason.
    answerWorkflow(ports, after),
  ]);
  if (audited.status === 'rejected') throw audited.reason;
  if (answered.status === 'rejected') throw answered.reason;
  return requestView.parse(viewOf(after));
}
