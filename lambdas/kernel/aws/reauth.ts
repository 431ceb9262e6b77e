// A3/B1: the identity providers of the routes that re-authenticate (a password, and a code when enrolled):
// each pool's Cognito adapter with `reauthenticate` behind the lockout (lambdas/kernel/shield/reauth-guard.ts),
// its counter in the Shield table. Such a function needs `shield:write` (test/infra/iam.test.ts checks it); the
// table is reached on the first re-authentication only. The plain providers of identity-provider.ts have no
// `reauthenticate`, so a route cannot check a password past the guard.
import { logger } from '../observability.js';
import { systemClock } from '../ports/clock.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import { guardedReauth, ReauthGuard } from '../shield/reauth-guard.js';
import { ShieldStore } from '../shield/shield-store.js';
import { awsCognitoIdp } from './cognito-idp.js';
import { CognitoIdentityProvider } from './identity-provider.js';
import { awsDocumentClient } from './tables.js';

const awsReauthGuard = /* @__PURE__ */ once(
  () =>
    new ReauthGuard(
      once(() => new ShieldStore(awsDocumentClient(), requireEnv('SHIELD_TABLE'))),
      systemClock,
      undefined,
      { onLockout: (scope) => logger.warn('re-authentication lockout', { scope }) },
    ),
);

/** The user pool, `reauthenticate` under the `reauth:` counter. */
export const awsReauthIdentityProvider = /* @__PURE__ */ once(() =>
  guardedReauth(
    new CognitoIdentityProvider(
      awsCognitoIdp(),
      requireEnv('USER_POOL_ID'),
      requireEnv('USER_POOL_CLIENT_ID'),
    ),
    awsReauthGuard(),
    'reauth',
  ),
);

/** D1/D2: the admin pool, `reauthenticate` under the `admin-reauth:` counter (approve, reject). */
export const awsReauthAdminIdentityProvider = /* @__PURE__ */ once(() =>
  guardedReauth(
    new CognitoIdentityProvider(
      awsCognitoIdp(),
      requireEnv('ADMIN_POOL_ID'),
      requireEnv('ADMIN_POOL_CLIENT_ID'),
    ),
    awsReauthGuard(),
    'admin-reauth',
  ),
);
