// The login flow of the Lambda runtime: Cognito, the signed accounts table, the vault, the user-mail function.

import { SuspensionLinks } from '../account/suspension-links.js';
import { awsGeoIp } from '../kernel/aws/geo-ip.js';
import { awsReauthIdentityProvider } from '../kernel/aws/reauth.js';
import { awsAccountStore, awsDocumentClient, awsSignedRows } from '../kernel/aws/tables.js';
import { awsUserMail } from '../kernel/aws/user-mail.js';
import { awsVault } from '../kernel/aws/vault.js';
import { systemClock } from '../kernel/ports/clock.js';
import { envSettings, once, requireEnv } from '../kernel/runtime/aws-env.js';
import { LoginFlow } from './login-flow.js';
import { loginShield } from './login-shield.js';
import { LoginStore } from './login-store.js';
import { awsDuressCheck } from './wiring-duress.js';

export const awsLoginFlow = once(() => {
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
