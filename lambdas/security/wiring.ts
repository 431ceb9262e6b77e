// The security-change port of the Lambda runtime (B1, B2): the audit log, the signed SECURITY row of the
// accounts table and the security-hold workflow. Its own module, so functions that only read preferences
// do not bundle the Step Functions client.
// The email and phone changes of the Lambda runtime (B1): Cognito, the signed accounts table with the blind
// index and the vault, the user-mail and SMS functions, the security-change port. Each route's role allows
// only the calls its half of the flow makes (lambdas/catalogue.ts).
import { DynamoAccountStore, SignupStore, storedBlindIndexer } from '../account/wiring.js';
import { awsKeyService } from '../kernel/aws/key-service.js';
import { invoker } from '../kernel/aws/lambda-invoke.js';
import { awsReauthIdentityProvider } from '../kernel/aws/reauth.js';
import { smsInvoker } from '../kernel/aws/sms-messages.js';
import { awsSignedRows } from '../kernel/aws/tables.js';
import { awsVault } from '../kernel/aws/vault.js';
import { awsWorkflows } from '../kernel/aws/workflows.js';
import { systemClock } from '../kernel/ports/clock.js';
import { envSettings, once } from '../kernel/runtime/aws-env.js';
import { ContactChangeFlow } from './contact-change.js';
import { ContactChangeStore } from './contact-change-store.js';
import { invokingContactCodes } from './contact-codes.js';
import { SecurityStateStore } from './hold.js';
import { auditedSecurityChanges } from './security-changes.js';

export const awsSecurityState = /* @__PURE__ */ once(
  () => new SecurityStateStore(awsSignedRows().tables.accounts),
);

export const awsSecurityChanges = /* @__PURE__ */ once(() =>
  auditedSecurityChanges(awsSignedRows().audit, {
    holds: awsSecurityState(),
    workflows: awsWorkflows(),
    settings: envSettings(),
  }),
);

export const awsContactChanges = /* @__PURE__ */ once(() => {
  const table = awsSignedRows().tables.accounts;
  const blindIndex = storedBlindIndexer(table, awsKeyService());
  return new ContactChangeFlow({
    identity: awsReauthIdentityProvider(),
    accounts: new DynamoAccountStore(table, { vault: awsVault(), blindIndex }),
    pending: new ContactChangeStore(table),
    claims: new SignupStore(table),
    blindIndex,
    vault: awsVault(),
    codes: invokingContactCodes(invoker('USER_MAIL_FUNCTION'), smsInvoker()),
    securityChanges: awsSecurityChanges(),
    clock: systemClock,
  });
});

// Published to other contexts.
export { awsAccountStoreWithContacts } from '../account/wiring.js';
