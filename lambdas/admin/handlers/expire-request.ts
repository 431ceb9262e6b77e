// Workflow task (D2) of ExpireTheRequest: the wait for an approval timed out. Expires the request if it is
// still pending and its time is up (audited, D3), and answers the request's outcome: expired; approved when
// an approval landed just before the timeout (it still executes); pending with the seconds left when the
// timer fired early; rejected or voided as they are.

import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { NotFound } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { taskHandler } from '../../kernel/task.js';
import { auditStep, decisionOf } from '../plane.js';
import type { AdminRequestStore } from '../request-store.js';
import { requestTaskInput, type WorkflowDecision } from '../task-contracts.js';
import { awsAdminRequests } from '../wiring.js';

export const makeHandler = (ports: {
  adminRequests: Pick<AdminRequestStore, 'get' | 'expire'>;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
}) =>
  taskHandler(requestTaskInput, async (input): Promise<WorkflowDecision> => {
    const now = ports.clock.now();
    const decision = await ports.adminRequests.expire(input.requestId, now);
    if (decision.ok) {
      await auditStep(ports.audit, {
        action: 'admin.expire',
        actor: { kind: 'system', id: 'admin-approval' },
        request: decision.request,
        outcome: 'success',
        at: now,
        details: {
          approvals: decision.request.approvals.length,
          approvalsNeeded: decision.request.policy.approvals,
        },
      });
      return decisionOf(decision.request, now);
    }
    const request = await ports.adminRequests.get(input.requestId);
    if (!request) throw new NotFound('No such admin request');
    return decisionOf(request, now);
  });

export const handler = lazyHandler(() =>
  makeHandler({ adminRequests: awsAdminRequests(), audit: aws.rows().audit, clock: aws.clock }),
);
