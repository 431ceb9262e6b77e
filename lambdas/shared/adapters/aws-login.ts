// The login flow of the Lambda runtime: Cognito, the signed accounts table, the vault, the user-mail function.
import { LoginFlow } from '../../auth/login-flow.js';
import { loginShield } from '../../auth/login-shield.js';
import { LoginStore } from '../../auth/login-store.js';
import { SuspensionLinks } from '../../auth/suspension-links.js';
import { systemClock } from '../ports/clock.js';
import { envSettings, once, requireEnv } from '../runtime/aws-env.js';
import { awsAccountStore, awsDocumentClient, awsSignedRows } from './aws-account-store.js';
import { awsDuressCheck } from './aws-duress-check.js';
import { awsGeoIp } from './aws-geo-ip.js';
import { awsReauthIdentityProvider } from './aws-reauth.js';
import { awsUserMail } from './aws-user-mail.js';
import { awsVault } from './aws-vault.js';

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
