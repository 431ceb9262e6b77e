// F1/X4 executors of ExecuteAccountAction: the compliance decisions on a customer's KYC, requested by one
// compliance officer and approved by another (maker ≠ checker). `review-kyc-requirement`: a requirement in
// review (the provider's `undecided` on identity-verified, a source-of-funds document, EDD's second approval)
// met or rejected, and the level the requirements now earn, audited `kyc.level-changed` in the same write.
// `set-kyc-level`: the level set by hand, audited likewise; a lowering takes effect at once (nothing caches the
// record). Both idempotent: a retried execution finds its decision recorded.
import type { KycStore } from '../../kyc/contracts.js';
import type { ActionParameters } from '../actions.js';
import { ActionFailed, type Execution, type ExecutionFacts } from './types.js';

export interface KycExecutorPorts {
  kyc: Pick<KycStore, 'review' | 'reviewOwner' | 'setLevel'>;
}

const byRequest = (run: Execution) => ({
  actor: { kind: 'admin' as const, id: run.request.requesterId },
  reason: `admin request ${run.request.requestId}: ${run.request.reason}`.slice(0, 500),
  at: run.at.toISOString(),
});

export async function reviewKycRequirement(ports: KycExecutorPorts, run: Execution): Promise<ExecutionFacts> {
  const { requirement, outcome, ownerId } = run.parameters as ActionParameters<'review-kyc-requirement'>;
  if (ownerId) {
    // F1: a business's beneficial owner whose check the provider could not decide
    if (requirement !== 'identity-verified')
      throw new ActionFailed('NOT_IN_REVIEW', "An owner's review is of identity-verified only");
    const out = await ports.kyc.reviewOwner(run.request.target.id, ownerId, outcome, byRequest(run));
    if (out === 'not-in-review')
      throw new ActionFailed('NOT_IN_REVIEW', "The owner's identity check is not in review");
    return { requirement, outcome, ownerId, level: out.level, from: out.from };
  }
  const out = await ports.kyc.review(run.request.target.id, requirement, outcome, byRequest(run));
  if (out === 'not-in-review')
    throw new ActionFailed('NOT_IN_REVIEW', `The customer's ${requirement} is not in review`);
  return { requirement, outcome, level: out.level, from: out.from };
}

export async function setKycLevel(ports: KycExecutorPorts, run: Execution): Promise<ExecutionFacts> {
  const { level } = run.parameters as ActionParameters<'set-kyc-level'>;
  const record = await ports.kyc.setLevel(run.request.target.id, level, byRequest(run));
  return { level: record.level };
}
