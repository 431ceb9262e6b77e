// What the admin's tiers open in the console, read from THE permission matrix (lambdas/admin/permissions.ts):
// a page, a request button or an approve button is shown only to a tier that may use it. The server checks
// every call again; hiding is for the admin, not for security.
import { USER_PARAMETER_SCHEMAS, type UserParameterAction } from '../../lambdas/admin/action-parameters.js';
import { type AdminCapability, mayApprove, mayRequest, readScope } from '../../lambdas/admin/permissions.js';
import type { AdminAction, AdminTier } from '../../lambdas/kernel/settings.js';

/** The pages, each opened by the capability its routes need (the server's answer in GET /v1/admin/me). */
export const PAGES = [
  { id: 'approvals', title: 'Approvals', capability: 'read-requests' },
  { id: 'withdrawals', title: 'Withdrawal reviews', capability: 'read-withdrawal-reviews' },
  { id: 'users', title: 'Users', capability: 'read-users' },
  { id: 'cases', title: 'Cases', capability: 'read-cases' },
  { id: 'audit', title: 'Audit', capability: 'read-audit' },
] as const satisfies readonly { id: string; title: string; capability: AdminCapability }[];
export type PageId = (typeof PAGES)[number]['id'];

export function canSee(capabilities: readonly AdminCapability[], page: PageId): boolean {
  const capability = PAGES.find((p) => p.id === page)?.capability;
  return capability !== undefined && capabilities.includes(capability);
}

/**
 * The actions on a user that take no parameters: the user page requests them with a reason alone. (Kept here,
 * not read from actions.ts, whose schemas would pull server modules into the page; a unit test holds this list
 * equal to ACTION_SPECS' user actions without parameters.)
 */
export const PLAIN_USER_ACTIONS: readonly AdminAction[] = [
  'suspend-account',
  'restore-account',
  'reset-mfa',
  'lift-hold',
  'lift-screening-freeze',
];

/** The actions on a user that take parameters, asked for in the request form (action-parameters.ts). */
export const PARAMETER_USER_ACTIONS = Object.keys(USER_PARAMETER_SCHEMAS) as UserParameterAction[];

/** The user actions (without parameters, then with) this admin may request from a user's page. */
export function userActions(tiers: readonly AdminTier[]): AdminAction[] {
  return [...PLAIN_USER_ACTIONS, ...PARAMETER_USER_ACTIONS].filter((action) => mayRequest(tiers, action));
}

/** The personal fields this admin's tiers may have revealed (through an approved request), if any. */
export const revealableFields = (tiers: readonly AdminTier[]) =>
  mayRequest(tiers, 'reveal-personal-data') ? readScope(tiers).revealable : [];

export const mayRequestAction = (tiers: readonly AdminTier[], action: AdminAction): boolean =>
  mayRequest(tiers, action);

/** Notes and working steps on cases: the `cases` view and the right to propose a case's report (F3). */
export const canWorkCases = (tiers: readonly AdminTier[]): boolean =>
  readScope(tiers).views.includes('cases') && mayRequest(tiers, 'report-case');

export const canApprove = (tiers: readonly AdminTier[], policy: { approverTiers: AdminTier[] }): boolean =>
  mayApprove(tiers, policy);

export const ACTION_TITLES: Record<AdminAction, string> = {
  'suspend-account': 'Suspend account',
  'restore-account': 'Restore account',
  'reset-mfa': 'Reset MFA',
  'change-user-email': 'Change email',
  'change-user-phone': 'Change phone',
  'lift-hold': 'Lift security hold',
  'change-withdrawal-limits': 'Change withdrawal limits',
  'decide-withdrawal': 'Decide withdrawal',
  'reveal-personal-data': 'Reveal personal data',
  'disable-admin': 'Disable admin',
  'dismiss-case': 'Dismiss case',
  'report-case': 'Report case',
  'lift-screening-freeze': 'Lift screening freeze',
  'load-screening-list': 'Load screening list',
  'review-kyc-requirement': 'Review KYC requirement',
  'set-kyc-level': 'Set KYC level',
};
