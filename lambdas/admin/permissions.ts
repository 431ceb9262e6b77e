// D1: THE permission matrix of the admin plane, in one file for code review: which tier may request which
// action, and what each tier may read. Who may *approve* is not here: it is each action's approval policy in
// settings.ts (the one source of truth, configurable per deploy); this file only reads it.
//
// Tiers combine by union: an admin in several groups holds the request and read rights of each of them, and
// counts once as an approver (approvals are counted per admin id, never per tier). Segregation of duties does
// not rest on tiers alone: nobody approves their own request, whatever tiers they hold (approval.ts).
import {
  ADMIN_ACTIONS,
  ADMIN_TIERS,
  type AdminAction,
  type AdminTier,
  type ApprovalPolicy,
} from '../kernel/settings.js';

/** Personal fields an admin view may show; masked by default (lambdas/kernel/privacy/mask.ts). */
export const PERSONAL_FIELDS = [
  'email',
  'phone',
  'name',
  'dateOfBirth',
  'address',
  'documentNumber',
] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** What an admin may look at (every read of personal data is audited, masked or not). */
export const ADMIN_VIEWS = ['accounts', 'withdrawals', 'requests', 'audit', 'admins', 'cases'] as const;
export type AdminView = (typeof ADMIN_VIEWS)[number];

export interface TierRights {
  /** Actions this tier may request (start an approval request for). */
  request: readonly AdminAction[];
  /** Views this tier may read; personal fields in them are always masked. */
  views: readonly AdminView[];
  /**
   * Fields this tier may see unmasked, and only through an approved `reveal-personal-data` request in force
   * for that admin, target and field. Empty: masked data only. A tier with revealable fields may request
   * `reveal-personal-data`, one without may not (a test holds the two together).
   */
  revealable: readonly PersonalField[];
}

const ACCOUNT_CARE: AdminAction[] = [
  'suspend-account',
  'restore-account',
  'reset-mfa',
  'change-user-email',
  'change-user-phone',
  'lift-hold',
];

/**
 * The matrix. Reading it row by row: support (L1) takes the customer's call and may start every account-care
 * request but reads masked data only; operations (L2) also adjusts withdrawal limits, masked data only; compliance (L2) owns
 * withdrawal investigations, limits and identity data; security (L3) owns account takeover cases and admin
 * offboarding; superadmin manages admins and can freeze an account, but reads no customer data in clear.
 */
export const PERMISSION_MATRIX: Readonly<Record<AdminTier, TierRights>> = {
  support: {
    request: ACCOUNT_CARE,
    views: ['accounts', 'withdrawals', 'requests'],
    revealable: [],
  },
  operations: {
    request: [...ACCOUNT_CARE, 'change-withdrawal-limits'],
    views: ['accounts', 'withdrawals', 'requests'],
    revealable: [],
  },
  compliance: {
    request: [
      'suspend-account',
      'restore-account',
      'change-withdrawal-limits',
      'decide-withdrawal',
      'reveal-personal-data',
      'dismiss-case',
      'report-case',
      'lift-screening-freeze',
      'load-screening-list',
      'review-kyc-requirement',
      'set-kyc-level',
    ],
    views: ['accounts', 'withdrawals', 'requests', 'audit', 'cases'],
    revealable: ['email', 'phone', 'name', 'dateOfBirth', 'address', 'documentNumber'],
  },
  security: {
    request: [
      'suspend-account',
      'restore-account',
      'reset-mfa',
      'lift-hold',
      'reveal-personal-data',
      'disable-admin',
    ],
    views: ['accounts', 'withdrawals', 'requests', 'audit', 'admins'],
    revealable: ['email', 'phone'],
  },
  superadmin: {
    request: ['suspend-account', 'disable-admin'],
    views: ['accounts', 'requests', 'audit', 'admins'],
    revealable: [],
  },
};

const known = (tiers: readonly string[]): AdminTier[] =>
  tiers.filter((t): t is AdminTier => (ADMIN_TIERS as readonly string[]).includes(t));

/** Whether an admin holding `tiers` may request `action` (union of the tiers' rights). */
export function mayRequest(tiers: readonly string[], action: AdminAction): boolean {
  return known(tiers).some((tier) => PERMISSION_MATRIX[tier].request.includes(action));
}

/** Whether an admin holding `tiers` may approve under `policy`: any one of their tiers is an approver tier. */
export function mayApprove(tiers: readonly string[], policy: Pick<ApprovalPolicy, 'approverTiers'>): boolean {
  return known(tiers).some((tier) => policy.approverTiers.includes(tier));
}

export interface ReadScope {
  views: AdminView[];
  /** Always every personal field: what is not revealed is shown masked. */
  masked: PersonalField[];
  /** Fields that an approved reveal may show unmasked; empty means masked data only. */
  revealable: PersonalField[];
}

/** What an admin holding `tiers` may read: the union of their tiers' views and revealable fields. */
export function readScope(tiers: readonly string[]): ReadScope {
  const mine = known(tiers);
  const views = ADMIN_VIEWS.filter((v) => mine.some((t) => PERMISSION_MATRIX[t].views.includes(v)));
  const revealable = PERSONAL_FIELDS.filter((f) =>
    mine.some((t) => PERMISSION_MATRIX[t].revealable.includes(f)),
  );
  return { views, masked: [...PERSONAL_FIELDS], revealable };
}

/** Every action some tier may request: the matrix leaves no action without a requester. */
export const REQUESTABLE_ACTIONS: readonly AdminAction[] = ADMIN_ACTIONS.filter((a) =>
  ADMIN_TIERS.some((t) => PERMISSION_MATRIX[t].request.includes(a)),
);

/**
 * D1: what an admin route needs, declared by every `auth: 'admin'` route of the catalogue (`admin.permission`)
 * and checked by the one admin middleware (admin-route.ts) before the route's logic runs:
 * - `session`: any admin (who am I);
 * - `request`: a tier that may request some action (which action: `mayRequest`, in the request's rules);
 * - `approve`: a tier some approval policy names (which request: `mayApprove`, in the approval's rules);
 * - `reject`: an approver, or a requester withdrawing their own request;
 * - `read-requests`, `read-users`: the `requests`, `accounts` views;
 * - `read-withdrawal-reviews`: the `withdrawals` view held by a tier that may request or approve a
 *   `decide-withdrawal` (support and operations see a user's withdrawals, not the investigations);
 * - `read-cases`: the `cases` view (F3; compliance);
 * - `read-audit`: the `audit` view (D3; compliance, security, superadmin): audit records and the chain's standing;
 * - `work-cases`: the `cases` view held by a tier that may request a case's closing (`report-case`): notes and
 *   the working steps (investigate, escalate, reopen);
 * - `manage-incidents`: open a breach incident and record its reports as filed (F6; security, compliance).
 */
/** F6: the tiers that open a breach incident and record its reports as filed. */
export const INCIDENT_TIERS: readonly AdminTier[] = ['security', 'compliance'];

export const ADMIN_CAPABILITIES = [
  'session',
  'request',
  'approve',
  'reject',
  'read-requests',
  'read-users',
  'read-withdrawal-reviews',
  'read-cases',
  'read-audit',
  'work-cases',
  'manage-incidents',
] as const;
export type AdminCapability = (typeof ADMIN_CAPABILITIES)[number];

export type ApprovalPolicies = Readonly<Record<AdminAction, Pick<ApprovalPolicy, 'approverTiers'>>>;

/** Whether an admin holding `tiers` has `capability`, under the configured approval policies. */
export function holdsCapability(
  tiers: readonly string[],
  capability: AdminCapability,
  policies: ApprovalPolicies,
): boolean {
  const mine = known(tiers);
  const approvesSome = () => ADMIN_ACTIONS.some((action) => mayApprove(mine, policies[action]));
  switch (capability) {
    case 'session':
      return mine.length > 0;
    case 'request':
      return ADMIN_ACTIONS.some((action) => mayRequest(mine, action));
    case 'approve':
      return approvesSome();
    case 'reject':
      return approvesSome() || ADMIN_ACTIONS.some((action) => mayRequest(mine, action));
    case 'read-requests':
      return readScope(mine).views.includes('requests');
    case 'read-users':
      return readScope(mine).views.includes('accounts');
    case 'read-cases':
      return readScope(mine).views.includes('cases');
    case 'read-audit':
      return readScope(mine).views.includes('audit');
    case 'work-cases':
      return mine.some(
        (tier) => PERMISSION_MATRIX[tier].views.includes('cases') && mayRequest([tier], 'report-case'),
      );
    case 'manage-incidents':
      return mine.some((tier) => INCIDENT_TIERS.includes(tier));
    case 'read-withdrawal-reviews':
      return mine.some(
        (tier) =>
          PERMISSION_MATRIX[tier].views.includes('withdrawals') &&
          (mayRequest([tier], 'decide-withdrawal') || mayApprove([tier], policies['decide-withdrawal'])),
      );
  }
}
