// The sign-up flow of the Lambda runtime (A1): Cognito, the signed accounts table with the blind index and
// the vault, the Shield table's counters, the user-mail and SMS functions.
import { storedBlindIndexer } from '../../account/blind-index-key.js';
import { DynamoAccountStore } from '../../account/dynamo-account-store.js';
import { ShieldStore } from '../../auth/shield-store.js';
import { SignupFlow } from '../../auth/signup-flow.js';
import { invokingSignupMessenger } from '../../auth/signup-messenger.js';
import { SignupStore } from '../../auth/signup-store.js';
import { systemClock } from '../ports/clock.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import { awsDocumentClient, awsSignedRows } from './aws-account-store.js';
import { awsIdentityProvider } from './aws-identity-provider.js';
import { awsKeyService } from './aws-key-service.js';
import { awsVault } from './aws-vault.js';
import { invoker } from './lambda-invoke.js';

export const awsSignupFlow = once(() => {
  const table = awsSignedRows().tables.accounts;
  const blindIndex = storedBlindIndexer(table, awsKeyService());
  return new SignupFlow({
    identity: awsIdentityProvider(),
    // The vault is invoked only by the verification (createAccount), the user-mail and SMS functions only
    // by the request: each route's role allows only its own calls (lambdas/catalogue.ts).
    accounts: new DynamoAccountStore(table, { vault: awsVault(), blindIndex }),
    signups: new SignupStore(table),
    blindIndex,
    messenger: invokingSignupMessenger(invoker('USER_MAIL_FUNCTION'), invoker('SMS_FUNCTION')),
    clock: systemClock,
    throttle: new ShieldStore(awsDocumentClient(), requireEnv('SHIELD_TABLE')),
  });
});
