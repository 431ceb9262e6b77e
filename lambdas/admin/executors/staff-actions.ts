// D2: the executors of ExecuteStaffAction, the admin-plane and money actions (ACTION_SPECS executor `staff`):
// withdrawal limits and review decisions, reveal grants, the admin pool and the voiding of an offboarded
// admin's requests, the closing of compliance cases (F3). None of them has sealed parameters, so this function holds no vault right.
import type { ActionsOf } from '../actions.js';
import { type CaseExecutorPorts, dismissCase, reportCase } from './cases.js';
import { changeWithdrawalLimits, type LimitsExecutorPorts } from './limits.js';
import { disableAdmin, type OffboardingExecutorPorts } from './offboarding.js';
import { type RevealExecutorPorts, revealPersonalData } from './reveal.js';
import type { Executors } from './types.js';
import { decideWithdrawal, type WithdrawalExecutorPorts } from './withdrawal.js';

export type StaffActionPorts = LimitsExecutorPorts &
  WithdrawalExecutorPorts &
  RevealExecutorPorts &
  OffboardingExecutorPorts &
  CaseExecutorPorts;

export const STAFF_EXECUTORS: Executors<ActionsOf<'staff'>, StaffActionPorts> = {
  'change-withdrawal-limits': changeWithdrawalLimits,
  'decide-withdrawal': decideWithdrawal,
  'reveal-personal-data': revealPersonalData,
  'disable-admin': disableAdmin,
  'dismiss-case': dismissCase,
  'report-case': reportCase,
};
