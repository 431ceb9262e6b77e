// The admin side of the Lambda runtime (D1): the admin pool, its token verifier, the admin directory and the
// admin login flow on the signed accounts table and the user login's Shield table.

import { loginShield } from '../auth/login-shield.js';
import { awsAdminTokenVerifier } from '../kernel/aws/cognito-token-verifier.js';
import { awsReauthAdminIdentityProvider } from '../kernel/aws/reauth.js';
import { awsDocumentClient, awsSignedRows } from '../kernel/aws/tables.js';
import { systemClock } from '../kernel/ports/clock.js';
import { once, requireEnv } from '../kernel/runtime/aws-env.js';
import { AdminLoginFlow } from './admin-login.js';
import { awsAdminDirectory } from './wiring-directory.js';

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
