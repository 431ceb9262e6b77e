// D4 executor: disabling an admin. The admin row first (the admin authorizer refuses their tokens from the
// next request on), then the admin pool (disabled, signed out globally), then every request they made is
// voided and every approval they gave that has not executed is withdrawn; each change is audited and the
// waiting workflows follow (a voided request's workflow ends).
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import type { TaskAnswers } from '../../kernel/ports/task-answers.js';
import type { AdminDirectory } from '../admin-directory.js';
import { answerWorkflow, auditStep } from '../plane.js';
import type { AdminRequestStore } from '../request-store.js';
import type { Execution, ExecutionFacts } from './types.js';

export interface OffboardingExecutorPorts {
  admins: Pick<AdminDirectory, 'get' | 'disable'>;
  adminIdentity: Pick<IdentityProvider, 'disableUser' | 'globalSignOut'>;
  adminRequests: Pick<AdminRequestStore, 'voidAllBy'>;
  taskAnswers: Pick<TaskAnswers, 'ask'>;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
}

export async function disableAdmin(ports: OffboardingExecutorPorts, run: Execution): Promise<ExecutionFacts> {
  const adminId = run.request.target.id;
  const { changed } = await ports.admins.disable(adminId, run.at);
  const username = (await ports.admins.get(adminId))?.username ?? adminId;
  await ports.adminIdentity.disableUser(username);
  await ports.adminIdentity.globalSignOut(username);
  const now = ports.clock.now();
  const outcomes = await ports.adminRequests.voidAllBy(adminId, now);
  for (const outcome of outcomes) {
    await auditStep(ports.audit, {
      action: outcome.effect === 'voided' ? 'admin.void' : 'admin.approval-withdrawn',
      actor: { kind: 'system', id: 'admin-offboarding' },
      request: outcome.request,
      outcome: 'success',
      at: now,
      details: { offboardedAdmin: adminId, byRequest: run.request.requestId, status: outcome.request.status },
    });
    await answerWorkflow(ports, outcome.request);
  }
  return {
    disabled: changed,
    voided: outcomes.filter((o) => o.effect === 'voided').length,
    approvalsWithdrawn: outcomes.filter((o) => o.effect === 'approval-withdrawn').length,
  };
}
