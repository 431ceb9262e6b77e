// The sign-up flow of the Lambda runtime (A1): Cognito, the signed accounts table with the blind index and
// the vault, the Shield table's counters, the user-mail and SMS functions.
import { storedBlindIndexer } from '../account/blind-index-key.js';
import { DynamoAccountStore } from '../account/dynamo-account-store.js';
import { SignupStore } from '../account/signup-store.js';
import { awsIdentityProvider } from '../kernel/aws/identity-provider.js';
import { awsKeyService } from '../kernel/aws/key-service.js';
import { invoker } from '../kernel/aws/lambda-invoke.js';
import { awsDocumentClient, awsSignedRows } from '../kernel/aws/tables.js';
import { awsVault } from '../kernel/aws/vault.js';
import { systemClock } from '../kernel/ports/clock.js';
import { once, requireEnv } from '../kernel/runtime/aws-env.js';
import { ShieldStore } from './shield-store.js';
import { SignupFlow } from './signup-flow.js';
import { invokingSignupMessenger } from './signup-messenger.js';

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
