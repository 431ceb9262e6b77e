// AdminIdentityProvider port (D1): the admin pool (Cognito with MFA required and one group per tier; a second
// local directory on a laptop). Login, groups and offboarding only: admins are created by operators.
import type { IdentityProvider } from './identity-provider.js';

export interface AdminIdentityProvider
  extends Pick<
    IdentityProvider,
    'getUser' | 'passwordAuth' | 'respondToTotp' | 'globalSignOut' | 'disableUser' | 'reauthenticate'
  > {
  /**
   * The admin's groups in the admin pool (unknown names included; callers keep the known tiers). An admin
   * without TOTP gets a Forbidden `TOTP_SETUP_REQUIRED` from `passwordAuth`, after a correct password only.
   */
  groupsOf(username: string): Promise<string[]>;
}
