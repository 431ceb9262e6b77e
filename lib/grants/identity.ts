// The grants of the identity accesses: each names the Cognito actions it needs on the user pool or the
// admin pool, and nothing else.
import type { PalisadeFunction } from '../functions.js';
import { allow, type GrantContext, type GrantTable } from './grant.js';

const onUserPool = (...actions: string[]) => ({
  apply: (fn: PalisadeFunction, { identity }: GrantContext) =>
    allow(fn, actions, [identity.userPool.userPoolArn]),
});
const onAdminPool = (...actions: string[]) => ({
  apply: (fn: PalisadeFunction, { identity }: GrantContext) =>
    allow(fn, actions, [identity.adminPool.userPoolArn]),
});

export const IDENTITY_GRANTS = {
  'identity:authenticate': onUserPool(
    'cognito-idp:AdminInitiateAuth',
    'cognito-idp:AdminRespondToAuthChallenge',
    'cognito-idp:AdminGetUser',
  ),
  'identity:mfa': onUserPool('cognito-idp:AdminSetUserMFAPreference'),
  // A8: GetTokensFromRefreshToken is authorised by the app client and the refresh token, never by IAM (an
  // unsigned call, as RevokeToken): nothing to allow. The pool's variables come with every function.
  'identity:refresh': { apply: () => undefined },
  'identity:revoke': onUserPool('cognito-idp:AdminUserGlobalSignOut', 'cognito-idp:AdminDisableUser'),
  // A user revoking their own refresh tokens: global sign-out only, never disabling the user.
  'identity:sign-out': onUserPool('cognito-idp:AdminUserGlobalSignOut'),
  'identity:read': onUserPool('cognito-idp:AdminGetUser'),
  // A1 sign-up: the user is created with its password and kept disabled until verified.
  'identity:create': onUserPool(
    'cognito-idp:AdminCreateUser',
    'cognito-idp:AdminSetUserPassword',
    'cognito-idp:AdminDisableUser',
  ),
  'identity:enable': onUserPool('cognito-idp:AdminEnableUser'),
  // A1: a sign-up never verified within a day frees its username.
  'identity:delete': onUserPool('cognito-idp:AdminDeleteUser'),
  // B1: a user's own password change, after re-authentication.
  'identity:set-password': onUserPool('cognito-idp:AdminSetUserPassword'),
  // B1: a user's own email or phone, after the code sent to the new value.
  'identity:update-contact': onUserPool('cognito-idp:AdminUpdateUserAttributes'),
  // D1: the admin login; a refused admin (no tier, offboarded) is signed out at once.
  'admin-identity:authenticate': onAdminPool(
    'cognito-idp:AdminInitiateAuth',
    'cognito-idp:AdminRespondToAuthChallenge',
    'cognito-idp:AdminUserGlobalSignOut',
  ),
  // D2: the step-up of an approval or rejection: the password and TOTP challenge only, no sign-out.
  'admin-identity:reauthenticate': onAdminPool(
    'cognito-idp:AdminInitiateAuth',
    'cognito-idp:AdminRespondToAuthChallenge',
  ),
  // D4: offboarding an admin in the admin pool.
  'admin-identity:revoke': onAdminPool('cognito-idp:AdminDisableUser', 'cognito-idp:AdminUserGlobalSignOut'),
} satisfies Partial<GrantTable>;
