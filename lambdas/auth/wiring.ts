// The login flow of the Lambda runtime: Cognito, the signed accounts table, the vault, the user-mail function.
// The sign-up flow of the Lambda runtime (A1): Cognito, the signed accounts table with the blind index and
// the vault, the Shield table's counters, the user-mail and SMS functions.
// The duress check of the Lambda runtime: a synchronous invocation of the duress-check function.
// A3/B1: the identity providers of the routes that re-authenticate (a password, and a code when enrolled):
// each pool's Cognito adapter with `reauthenticate` behind the lockout (lambdas/kernel/shield/reauth-guard.ts), its
// counter in the Shield table. Such a function needs `shield:write` (test/infra/iam.test.ts checks it); the
// table is reached on the first re-authentication only. The plain providers of aws-identity-provider.ts
// have no `reauthenticate`, so a route cannot check a password past the guard.

import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  awsAccountStore,
  DynamoAccountStore,
  SignupStore,
  SuspensionLinks,
  storedBlindIndexer,
} from '../account/wiring.js';
import { awsGeoIp } from '../kernel/aws/geo-ip.js';
import { awsIdentityProvider, CognitoIdentityProvider } from '../kernel/aws/identity-provider.js';
import { awsKeyService } from '../kernel/aws/key-service.js';
import { invoker } from '../kernel/aws/lambda-invoke.js';
import { smsInvoker } from '../kernel/aws/sms-messages.js';
import { awsDocumentClient, awsSignedRows } from '../kernel/aws/tables.js';
import { awsUserMail } from '../kernel/aws/user-mail.js';
import { awsVault } from '../kernel/aws/vault.js';
import { logger, tracer } from '../kernel/observability.js';
import { systemClock } from '../kernel/ports/clock.js';
import { envSettings, once, requireEnv } from '../kernel/runtime/aws-env.js';
import { guardedReauth, ReauthGuard } from '../kernel/shield/reauth-guard.js';
import { ShieldStore } from '../kernel/shield/shield-store.js';
import { duressCheckClient } from './duress-match.js';
import { LoginFlow } from './login-flow.js';
import { loginShield } from './login-shield.js';
import { LoginStore } from './login-store.js';
import { SignupFlow } from './signup-flow.js';
import { invokingSignupMessenger } from './signup-messenger.js';

export const awsLoginFlow = /* @__PURE__ */ once(() => {
  const accounts = awsSignedRows().tables.accounts;
  return new LoginFlow({
    identity: awsReauthIdentityProvider(),
    accounts: awsAccountStore(),
    logins: new LoginStore(accounts),
    vault: awsVault(),
    mail: awsUserMail(),
    links: new SuspensionLinks(accounts, systemClock),
    clock: systemClock,
    restrictedCountries: envSettings().restrictedCountries,
    shield: loginShield(awsDocumentClient(), requireEnv('SHIELD_TABLE')),
    // No country in AWS yet: see aws-geo-ip.ts.
    geo: awsGeoIp(),
    duress: awsDuressCheck(),
  });
});

export const awsSignupFlow = /* @__PURE__ */ once(() => {
  const table = awsSignedRows().tables.accounts;
  const blindIndex = storedBlindIndexer(table, awsKeyService());
  return new SignupFlow({
    identity: awsIdentityProvider(),
    // The vault is invoked only by the verification (createAccount), the user-mail and SMS functions only
    // by the request: each route's role allows only its own calls (lambdas/catalogue.ts).
    accounts: new DynamoAccountStore(table, { vault: awsVault(), blindIndex }),
    signups: new SignupStore(table),
    blindIndex,
    messenger: invokingSignupMessenger(invoker('USER_MAIL_FUNCTION'), smsInvoker()),
    clock: systemClock,
    throttle: new ShieldStore(awsDocumentClient(), requireEnv('SHIELD_TABLE')),
  });
});

export const awsDuressCheck = /* @__PURE__ */ once(() => duressCheckClient(invoker('DURESS_FUNCTION')));

export { awsAccountStore } from '../account/wiring.js';

import { awsReauthIdentityProvider } from '../kernel/aws/reauth.js';

export { awsReauthAdminIdentityProvider, awsReauthIdentityProvider } from '../kernel/aws/reauth.js';
// Published to other contexts.
export { awsSecurityChanges } from '../security/wiring.js';
export { loginShield } from './login-shield.js';
