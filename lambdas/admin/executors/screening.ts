// F2 executor of ExecuteAccountAction: lifting a customer's screening freeze (`lift-screening-freeze`),
// requested by a compliance officer and approved by another (maker ≠ checker). The freeze a strong hit set
// (screening-store.ts) is cleared with its own audit record (`screening.freeze-lifted`, written with the
// change); the execution is audited besides (execute-action.ts). Idempotent: a retry finds it lifted. A
// later strong hit (a re-screen against a new list version) freezes the customer again.
import type { ScreeningStore } from '../../screening/contracts.js';
import { ActionFailed, type Execution, type ExecutionFacts } from './types.js';

export interface ScreeningExecutorPorts {
  screeningStore: Pick<ScreeningStore, 'liftFreeze'>;
}

export async function liftScreeningFreeze(
  ports: ScreeningExecutorPorts,
  run: Execution,
): Promise<ExecutionFacts> {
  const lifted = await ports.screeningStore.liftFreeze(run.request.target.id, {
    requestId: run.request.requestId,
    requesterId: run.request.requesterId,
    approvers: run.request.approvals.map((a) => a.adminId),
    at: run.at.toISOString(),
  });
  if (lifted === 'not-frozen')
    throw new ActionFailed('NOT_FROZEN', 'The customer is not frozen by screening');
  return { lifted: lifted === 'lifted', ...(lifted === 'lifted' ? {} : { already: true }) };
}
