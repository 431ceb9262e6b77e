// The duress check (A5), run for every login: hashes the candidate against the user's duress hash (or a
// decoy: one slow hash whatever is stored), and on a match suspends the account with the effects of A4
// (the account-suspension workflow), raises the DuressLogin alarm metric and writes the audit record. The
// caller answers exactly as for a wrong password.
import type { SuspensionRequests } from '../account/contracts.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { logger, MetricUnit, metrics, SecurityMetric } from '../kernel/observability.js';
import { verifyDuress } from './duress.js';
import type { DuressStore } from './duress-store.js';
import type { DuressCheck } from './login-flow.js';

export interface DuressCheckPorts {
  duress: Pick<DuressStore, 'get'>;
  suspensions: SuspensionRequests;
  audit: Pick<AuditLog, 'append'>;
}

export async function checkDuress(
  ports: DuressCheckPorts,
  request: { userId?: string; candidate: string; ip: string; at: string },
): Promise<boolean> {
  const stored = request.userId ? await ports.duress.get(request.userId) : undefined;
  const match = await verifyDuress(request.candidate, stored?.hash);
  if (!match || !request.userId) return false;
  metrics.addMetric(SecurityMetric.DuressLogin, MetricUnit.Count, 1);
  logger.warn('duress login: suspending the account', { userId: request.userId });
  await ports.audit.append({
    actor: { kind: 'user', id: request.userId },
    action: 'security.duress-login',
    target: { kind: 'user', id: request.userId },
    outcome: 'success',
    at: request.at,
    sourceIp: request.ip,
  });
  await ports.suspensions.request(request.userId, 'duress', request.at);
  return true;
}

/** The login's side of the check: one request to the duress-check function, however it is invoked. */
export function duressCheckClient(invoke: (request: unknown) => Promise<unknown>): DuressCheck {
  return {
    async check(userId, candidate, context) {
      const answer = (await invoke({
        ...(userId ? { userId } : {}),
        candidate,
        ip: context.ip,
        at: context.at.toISOString(),
      })) as { match?: unknown } | undefined;
      return answer?.match === true;
    },
  };
}
