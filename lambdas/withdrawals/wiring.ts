// The withdrawal context's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances.
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';
import { decisionsThrough, WithdrawalDecisions } from './decisions.js';
import { WithdrawalHistory } from './history.js';
import { WithdrawalLedger } from './ledger.js';
import { WithdrawalLifecycle } from './lifecycle.js';
import { WithdrawalLimits } from './limits.js';
import { ReviewAnswers } from './review-answers.js';
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

/** C3/D2: the admin-decision port of withdrawals under review, as callers hold it: a request to AnswerTask. */
export const withdrawalDecisions = (infra: Pick<Infra, 'taskAnswers'>) =>
  decisionsThrough(infra.taskAnswers());

type ReviewAnswersInfra = Pick<Infra, 'rows' | 'stepFunctionsAnswers' | 'clock'>;

/** C3/D2: the decisions themselves, over the token rows and SendTaskSuccess (the AnswerTask function only). */
export const reviewDecisions = (infra: ReviewAnswersInfra) =>
  new WithdrawalDecisions({
    lifecycle: withdrawalLifecycle(infra),
    tokens: reviewTokens(infra),
    workflows: infra.stepFunctionsAnswers(),
    audit: infra.rows().audit,
    clock: infra.clock,
  });

/** C3/D2: a review's token kept, decided or cancelled (the AnswerTask function only). */
export const reviewAnswers = (infra: ReviewAnswersInfra) =>
  new ReviewAnswers({
    tokens: reviewTokens(infra),
    decisions: reviewDecisions(infra),
    lifecycle: withdrawalLifecycle(infra),
    workflows: infra.stepFunctionsAnswers(),
    clock: infra.clock,
  });

/** The workflow tasks' audit records, each written with its move (kernel/outbox.ts). */
export const awsWithdrawalOutbox = /* @__PURE__ */ once(() => outboxOf({ rows: aws.rows, clock: aws.clock }));
export const awsWithdrawalLifecycle = /* @__PURE__ */ once(() => withdrawalLifecycle({ rows: aws.rows }));
export const awsWithdrawalLedger = /* @__PURE__ */ once(() => withdrawalLedger({ rows: aws.rows }));
export const awsWithdrawalHistory = /* @__PURE__ */ once(() => withdrawalHistory({ rows: aws.rows }));
export const awsWithdrawalLimits = /* @__PURE__ */ once(() => withdrawalLimits({ rows: aws.rows }));
export const awsWithdrawalDecisions = /* @__PURE__ */ once(() =>
  withdrawalDecisions({ taskAnswers: aws.taskAnswers }),
);
export const awsReviewAnswers = /* @__PURE__ */ once(() =>
  reviewAnswers({ rows: aws.rows, stepFunctionsAnswers: aws.stepFunctionsAnswers, clock: aws.clock }),
);

// Published to other contexts.
export { awsAccountStore } from '../account/wiring.js';
export { awsAddressStore } from '../addresses/wiring.js';
export { awsLoginStore } from '../auth/wiring.js';
// F3: the case seam (a review opens or joins a compliance case).
export { awsCaseWork } from '../cases/wiring.js';
// X4: the limits of the user's KYC level (the KYC record, read at each request).
export { awsKycLevelLimits, awsKycTravelRule } from '../kyc/wiring.js';
export { awsAddressScreen, awsScreeningActions, awsScreeningStore } from '../screening/wiring.js';
export { awsSecurityState } from '../security/wiring.js';
