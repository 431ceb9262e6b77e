// D2 executor: the user's own withdrawal limits for one asset, read by the limits ledger in place of the
// deploy's default (lambdas/withdrawals/ledger.ts). Idempotent: the same request applied again changes nothing.
import type { Asset } from '../../kernel/assets.js';
import type { WithdrawalLimits } from '../../withdrawals/contracts.js';
import type { Execution, ExecutionFacts } from './types.js';

export interface LimitsExecutorPorts {
  withdrawalLimits: Pick<WithdrawalLimits, 'setLimits'>;
}

export async function changeWithdrawalLimits(
  ports: LimitsExecutorPorts,
  run: Execution,
): Promise<ExecutionFacts> {
  const { asset, daily, monthly } = run.parameters as { asset: Asset; daily: string; monthly: string };
  const { changed } = await ports.withdrawalLimits.setLimits(run.request.target.id, asset, {
    daily,
    monthly,
    setAt: run.at.toISOString(),
    requestId: run.request.requestId,
  });
  return { asset, daily, monthly, changed };
}
