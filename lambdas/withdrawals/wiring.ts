// The withdrawal context's adapters in the Lambda runtime, each built once per container on first use.
import { awsSignedRows } from '../kernel/aws/tables.js';
import { once } from '../kernel/runtime/aws-env.js';
import { WithdrawalLedger } from './ledger.js';
import { WithdrawalLifecycle } from './lifecycle.js';
import { ReviewTokens } from './review-tokens.js';

export const awsWithdrawalLifecycle = /* @__PURE__ */ once(
  () => new WithdrawalLifecycle(awsSignedRows().tables.accounts),
);
export const awsReviewTokens = /* @__PURE__ */ once(() => new ReviewTokens(awsSignedRows().tables.accounts));
export const awsWithdrawalLedger = /* @__PURE__ */ once(
  () => new WithdrawalLedger(awsSignedRows().tables.accounts),
);

// Published to other contexts.
export { awsAccountStore } from '../account/wiring.js';
export { awsAddressStore } from '../addresses/wiring.js';
export { awsReauthIdentityProvider } from '../kernel/aws/reauth.js';
