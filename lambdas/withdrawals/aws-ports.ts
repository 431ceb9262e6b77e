// The withdrawal context's adapters in the Lambda runtime, each built once per container on first use.
import { awsSignedRows } from '../shared/adapters/aws-account-store.js';
import { once } from '../shared/runtime/aws-env.js';
import { WithdrawalLedger } from './ledger.js';
import { WithdrawalLifecycle } from './lifecycle.js';
import { ReviewTokens } from './review-tokens.js';

export const awsWithdrawalLifecycle = once(() => new WithdrawalLifecycle(awsSignedRows().tables.accounts));
export const awsReviewTokens = once(() => new ReviewTokens(awsSignedRows().tables.accounts));
export const awsWithdrawalLedger = once(() => new WithdrawalLedger(awsSignedRows().tables.accounts));
