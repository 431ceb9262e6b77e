// D2: the executors of ExecuteAccountAction, the actions on a user account (ACTION_SPECS executor `account`):
// the account and security rows, the suspension and security-hold workflows, the user pool, the vault and
// blind index of a new email or phone.
import type { ActionsOf } from '../actions.js';
import { type AccountExecutorPorts, restoreAccount, suspendAccount } from './account.js';
import { type ContactExecutorPorts, changeContact } from './contact.js';
import { type KycExecutorPorts, reviewKycRequirement, setKycLevel } from './kyc.js';
import { liftScreeningFreeze, type ScreeningExecutorPorts } from './screening.js';
import { liftHold, resetMfa, type SecurityExecutorPorts } from './security.js';
import type { Executors } from './types.js';

export type AccountActionPorts = AccountExecutorPorts &
  SecurityExecutorPorts &
  ScreeningExecutorPorts &
  KycExecutorPorts &
  ContactExecutorPorts & {
    accounts: AccountExecutorPorts['accounts'] &
      SecurityExecutorPorts['accounts'] &
      ContactExecutorPorts['accounts'];
    identity: AccountExecutorPorts['identity'] &
      SecurityExecutorPorts['identity'] &
      ContactExecutorPorts['identity'];
  };

export const ACCOUNT_EXECUTORS: Executors<ActionsOf<'account'>, AccountActionPorts> = {
  'suspend-account': suspendAccount,
  'restore-account': restoreAccount,
  'reset-mfa': resetMfa,
  'change-user-email': (ports, run) => changeContact(ports, 'email', run),
  'change-user-phone': (ports, run) => changeContact(ports, 'phone', run),
  'lift-hold': liftHold,
  'lift-screening-freeze': liftScreeningFreeze,
  'review-kyc-requirement': reviewKycRequirement,
  'set-kyc-level': setKycLevel,
};
