// The privacy context's functions: its API routes and the functions others invoke, with the access each needs.
import type { RouteSpec, ScheduleSpec } from '../catalogue.js';
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';
import { closeAccountResponse } from './contracts.js';

/**
 * The personal-data vault (E2): the only function with the data key; others seal and open field groups
 * through it (`vault:invoke`), so a function that only needs masked data never holds plaintext.
 */
export const VAULT: FunctionSpec = {
  id: 'PersonalDataVault',
  entry: 'lambdas/privacy/handlers/vault.ts',
  access: ['data-key:seal-open'],
};

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'CloseAccount',
    method: 'POST',
    path: '/v1/me/close',
    auth: 'user',
    entry: 'lambdas/privacy/handlers/close-account.ts',
    summary:
      "F5: closes the caller's account after a fresh step-up: no login again, every session ended, the records kept five years from now and then erased; refused (409) while a withdrawal, a security hold or a compliance freeze is in flight",
    tag: 'account',
    response: closeAccountResponse,
    status: 200,
    errors: ['STEP_UP_REQUIRED', 'ACCOUNT_CLOSURE_REFUSED'],
    access: reads('accounts:write', 'identity:revoke'),
  },
];

/**
 * F5: the record retention sweep (retention.ts), daily: erases the customers whose records are past their
 * retention (rows by tombstones, KYC documents tagged for the bucket's lifecycle), audited with counts only.
 */
export const RETENTION_SWEEP: FunctionSpec = {
  id: 'RetentionSweep',
  entry: 'lambdas/privacy/handlers/retention-sweep.ts',
  access: reads('retention:sweep', 'kyc-documents:erase'),
};

/** Minutes between two retention sweeps: daily (a due date is a day; a run erases up to perRun customers). */
export const RETENTION_SWEEP_MINUTES = 24 * 60;

export const SCHEDULED: readonly ScheduleSpec[] = [
  { spec: RETENTION_SWEEP, everyMinutes: RETENTION_SWEEP_MINUTES },
];
