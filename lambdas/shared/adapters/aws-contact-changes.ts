// The email and phone changes of the Lambda runtime (B1): Cognito, the signed accounts table with the blind
// index and the vault, the user-mail and SMS functions, the security-change port. Each route's role allows
// only the calls its half of the flow makes (lambdas/catalogue.ts).
import { storedBlindIndexer } from '../../account/blind-index-key.js';
import { ContactChangeFlow } from '../../account/contact-change.js';
import { ContactChangeStore } from '../../account/contact-change-store.js';
import { invokingContactCodes } from '../../account/contact-codes.js';
import { DynamoAccountStore } from '../../account/dynamo-account-store.js';
import { SignupStore } from '../../auth/signup-store.js';
import { systemClock } from '../ports/clock.js';
import { once } from '../runtime/aws-env.js';
import { awsSignedRows } from './aws-account-store.js';
import { awsKeyService } from './aws-key-service.js';
import { awsReauthIdentityProvider } from './aws-reauth.js';
import { awsSecurityChanges } from './aws-security-changes.js';
import { awsVault } from './aws-vault.js';
import { invoker } from './lambda-invoke.js';

export const awsContactChanges = once(() => {
  const table = awsSignedRows().tables.accounts;
  const blindIndex = storedBlindIndexer(table, awsKeyService());
  return new ContactChangeFlow({
    identity: awsReauthIdentityProvider(),
    accounts: new DynamoAccountStore(table, { vault: awsVault(), blindIndex }),
    pending: new ContactChangeStore(table),
    claims: new SignupStore(table),
    blindIndex,
    vault: awsVault(),
    codes: invokingContactCodes(invoker('USER_MAIL_FUNCTION'), invoker('SMS_FUNCTION')),
    securityChanges: awsSecurityChanges(),
    clock: systemClock,
  });
});
