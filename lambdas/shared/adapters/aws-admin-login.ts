// The admin side of the Lambda runtime (D1): the admin pool, its token verifier, the admin directory and the
// admin login flow on the signed accounts table and the user login's Shield table.
import { AdminLoginFlow } from '../../admin/admin-login.js';
import { loginShield } from '../../auth/login-shield.js';
import { systemClock } from '../ports/clock.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import { awsDocumentClient, awsSignedRows } from './aws-account-store.js';
import { awsAdminDirectory } from './aws-admin-directory.js';
import { awsReauthAdminIdentityProvider } from './aws-reauth.js';
import { awsAdminTokenVerifier } from './cognito-token-verifier.js';

export const awsAdminLoginFlow = once(
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
