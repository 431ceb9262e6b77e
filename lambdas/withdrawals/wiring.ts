// The withdrawal context's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances.
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { once } from '../kernel/runtime/aws-env.js';
import { WithdrawalDecisions } from './decisions.js';
import { WithdrawalHistory } from './history.js';
import { WithdrawalLedger } from './ledger.js';
import { WithdrawalLifecycle } from './lifecycle.js';
import { WithdrawalLimits } from './limits.js';
import { ReviewTokens } from './review-tokens.js';

export const withdrawalLifecycle = (infra: Pick<Infra, 'rows'>) =>
  new WithdrawalLifecycle(infra.rows().tables.accounts);
export const reviewTokens = (infra: Pick<Infra, 'rows'>) => new ReviewTokens(infra.rows().tables.accounts);
export const withdrawalLedger = (infra: Pick<Infra, 'rows'>) =>
  new WithdrawalLedger(infra.rows().tables.accounts);
export const withdrawalHistory = (infra: Pick<Infra, 'rows'>) =>
  new WithdrawalHistory(infra.rows().tables.accounts);
/** D2: a user's own withdrawal limits (an approved admin change), read by the ledger. */
export const withdrawalLimits = (infra: Pick<Infra, 'rows'>) =>
  new WithdrawalLimits(infra.rows().tables.accounts);

/** C3/D2: the admin-decision port of withdrawals under review (answers the review's task token). */
export const withdrawalDecisions = (infra: Pick<Infra, 'rows' | 'taskAnswers' | 'clock'>) =>
  new WithdrawalDecisions({
    lifecycle: withdrawalLifecycle(infra),
    tokens: reviewTokens(infra),
    workflows: infra.taskAnswers(),
    audit: infra.rows().audit,
    clock: infra.clock,
  });

export const awsWithdrawalLifecycle = /* @__PURE__ */ once(() => withdrawalLifecycle({ rows: aws.rows }));
export const awsReviewTokens = /* @__PURE__ */ once(() => reviewTokens({ rows: aws.rows }));
export const awsWithdrawalLedger = /* @__PURE__ */ once(() => withdrawalLedger({ rows: aws.rows }));
export const awsWithdrawalHistory = /* @__PURE__ */ once(() => withdrawalHistory({ rows: aws.rows }));
export const awsWithdrawalLimits = /* @__PURE__ */ once(() => withdrawalLimits({ rows: aws.rows }));
export const awsWithdrawalDecisions = /* @__PURE__ */ once(() =>
  withdrawalDecisions({ rows: aws.rows, taskAnswers: aws.taskAnswers, clock: aws.clock }),
);

// Published to other contexts.
export { awsAccountStore } from '../account/wiring.js';
export { awsAddressStore } from '../addresses/wiring.js';
export { awsLoginStore } from '../auth/wiring.js';
export { awsSecurityState } from '../security/wiring.js';
