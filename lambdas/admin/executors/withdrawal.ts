// D2 executor: the decision on a withdrawal under investigation (C3), through the withdrawals' decision port,
// which answers the withdrawal workflow's stored task token. The claim names this request, so a retry of the
// task answers the token again (or finds it answered); another decision made meanwhile (another request, a
// suspension's cancellation) is DECISION_ALREADY_MADE and fails this one, as does a review that is over or a
// withdrawal that is gone: the state can change while the approvals are collected.
import { Conflict, NotFound } from '../../kernel/errors.js';
import type { WithdrawalDecisions } from '../../withdrawals/contracts.js';
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
    await ports.withdrawalDecisions.decide(
      userId,
      run.request.target.id,
      {
        outcome,
        // The decision is the request's: made by its requester, approved by the policy's approvers.
        adminId: run.request.requesterId,
        reason: `admin request ${run.request.requestId}: ${run.request.reason}`.slice(0, 500),
      },
      run.request.requestId,
    );
    return { decision: outcome };
  } catch (err) {
    if (err instanceof Conflict) throw new ActionFailed(err.code, err.message);
    if (err instanceof NotFound) throw new ActionFailed('WITHDRAWAL_NOT_FOUND', err.message);
    throw err;
  }
}
