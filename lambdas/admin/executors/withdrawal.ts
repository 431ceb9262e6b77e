// D2 executor: the decision on a withdrawal under investigation (C3), through the withdrawals' decision port,
// which answers the withdrawal workflow's stored task token. A retry finds the decision made and stops there.
import { Conflict } from '../../shared/errors.js';
import type { WithdrawalDecisions } from '../../withdrawals/decisions.js';
import { ActionFailed, type Execution, type ExecutionFacts } from './types.js';

export interface WithdrawalExecutorPorts {
  withdrawalDecisions: Pick<WithdrawalDecisions, 'decide'>;
}

export async function decideWithdrawal(
  ports: WithdrawalExecutorPorts,
  run: Execution,
): Promise<ExecutionFacts> {
  const { userId, outcome } = run.parameters as { userId: string; outcome: 'approve' | 'reject' };
  try {
    await ports.withdrawalDecisions.decide(userId, run.request.target.id, {
      outcome,
      // The decision is the request's: made by its requester, approved by the policy's approvers.
      adminId: run.request.requesterId,
      reason: `admin request ${run.request.requestId}: ${run.request.reason}`.slice(0, 500),
    });
    return { decision: outcome };
  } catch (err) {
    if (err instanceof Conflict && err.code === 'DECISION_ALREADY_MADE') {
      return { decision: outcome, already: true };
    }
    if (err instanceof Conflict) throw new ActionFailed(err.code, err.message);
    throw err;
  }
}
