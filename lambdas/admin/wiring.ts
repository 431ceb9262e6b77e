// The admin plane's adapters in the Lambda runtime: the request store, and reveal grants on
// the signed accounts table; task tokens answered without naming a state machine. The admin pool's adapter is
// awsAdminIdentityProvider (lambdas/kernel/aws/identity-provider.ts).
// The admin directory of the Lambda runtime (D1, D4): signed rows of the accounts table.
// The admin side of the Lambda runtime (D1): the admin pool, its token verifier, the admin directory and the
// admin login flow on the signed accounts table and the user login's Shield table.

import { SFNClient } from '@aws-sdk/client-sfn';
import { loginShield } from '../auth/wiring.js';
import { awsAdminTokenVerifier } from '../kernel/aws/cognito-token-verifier.js';
import { awsReauthAdminIdentityProvider } from '../kernel/aws/reauth.js';
import { awsDocumentClient, awsSignedRows } from '../kernel/aws/tables.js';
import { StepFunctionsWorkflows } from '../kernel/aws/workflows.js';
import { tracer } from '../kernel/observability.js';
import { systemClock } from '../kernel/ports/clock.js';
import { once, requireEnv } from '../kernel/runtime/aws-env.js';
import { AdminDirectory } from './admin-directory.js';
import { AdminLoginFlow } from './admin-login.js';
import { AdminRequestStore } from './request-store.js';
import { RevealGrants } from './reveal-grants.js';

export const awsAdminRequests = /* @__PURE__ */ once(
  () => new AdminRequestStore(awsSignedRows().tables.accounts),
);
export const awsRevealGrants = /* @__PURE__ */ once(() => new RevealGrants(awsSignedRows().tables.accounts));

/** Answering task tokens names no state machine: no STATE_MACHINES needed. */
export const awsTaskAnswers = /* @__PURE__ */ once(
  () => new StepFunctionsWorkflows(tracer.captureAWSv3Client(new SFNClient({})), {}),
);

export const awsAdminDirectory = /* @__PURE__ */ once(
  () => new AdminDirectory(awsSignedRows().tables.accounts),
);

export const awsAdminLoginFlow = /* @__PURE__ */ once(
  () =>
    new AdminLoginFlow({
      adminIdentity: awsReauthAdminIdentityProvider(),
      adminTokens: awsAdminTokenVerifier(),
      admins: awsAdminDirectory(),
      table: awsSignedRows().tables.accounts,
      audit: awsSignedRows().audit,
      shield: loginShield(awsDocumentClient(), requireEnv('SHIELD_TABLE')),
      clock: systemClock,
    }),
);

// Published to other contexts.
export { awsAccountStore } from '../account/wiring.js';
export { awsReauthAdminIdentityProvider } from '../kernel/aws/reauth.js';
export { awsSecurityChanges, awsSecurityState } from '../security/wiring.js';
export { awsWithdrawalLedger, awsWithdrawalLifecycle } from '../withdrawals/wiring.js';
