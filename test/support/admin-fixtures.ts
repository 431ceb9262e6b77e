// Admin-plane fixtures: a valid request for each action, made by a tier the matrix lets request it, and
// admins of the tiers its policy does and does not let approve.
import { ACTION_SPECS } from '../../lambdas/admin/actions.js';
import { type AdminIdentity, type AdminRequest, createRequest } from '../../lambdas/admin/approval.js';
import { PERMISSION_MATRIX } from '../../lambdas/admin/permissions.js';
import {
  ADMIN_TIERS,
  type AdminAction,
  type AdminTier,
  type ApprovalPolicy,
  parseSettings,
} from '../../lambdas/kernel/settings.js';

export const settings = parseSettings({});
export const T0 = new Date('2030-03-01T10:00:00.000Z');
export const later = (ms: number, from = T0) => new Date(from.getTime() + ms);
export const HOUR = 3_600_000;

export const SAMPLE_PARAMETERS: Record<AdminAction, Record<string, unknown>> = {
  'suspend-account': {},
  'restore-account': {},
  'reset-mfa': {},
  'change-user-email': { email: 'new.address@example.com' },
  'change-user-phone': { phone: '+447700900123' },
  'lift-hold': {},
  'change-withdrawal-limits': { asset: 'BTC', daily: '5', monthly: '50' },
  'decide-withdrawal': { userId: 'user-7', outcome: 'approve' },
  'reveal-personal-data': { fields: ['email'], windowMinutes: 15 },
  'disable-admin': {},
  'dismiss-case': {},
  'report-case': {},
  'lift-screening-freeze': {},
  'load-screening-list': {
    format: 'un-xml',
    files: [{ name: 'consolidated.xml', sha256: 'a'.repeat(64) }],
  },
  'review-kyc-requirement': { requirement: 'identity-verified', outcome: 'approve' },
  'set-kyc-level': { level: 'verified' },
};

export const requesterTierOf = (action: AdminAction): AdminTier => {
  const tier = ADMIN_TIERS.find((t) => PERMISSION_MATRIX[t].request.includes(action));
  if (!tier) throw new Error(`no tier may request ${action}`);
  return tier;
};

export const admin = (adminId: string, ...tiers: AdminTier[]): AdminIdentity => ({ adminId, tiers });

/** Distinct admins each holding one of the policy's approver tiers, round robin. */
export const approversFor = (policy: ApprovalPolicy, count: number, prefix = 'approver'): AdminIdentity[] =>
  Array.from({ length: count }, (_, i) =>
    admin(`${prefix}-${i + 1}`, policy.approverTiers[i % policy.approverTiers.length] as AdminTier),
  );

export const lowerTiersOf = (policy: ApprovalPolicy): AdminTier[] =>
  ADMIN_TIERS.filter((t) => !policy.approverTiers.includes(t));

export function requestFor(
  action: AdminAction,
  options: { requestId?: string; requester?: AdminIdentity; now?: Date; policy?: ApprovalPolicy } = {},
): AdminRequest {
  const decision = createRequest(
    {
      requestId: options.requestId ?? `req-${action}`,
      action,
      target: { kind: ACTION_SPECS[action].target, id: `${ACTION_SPECS[action].target}-1` },
      parameters: SAMPLE_PARAMETERS[action],
      reason: 'Customer called in, ticket 4711',
      requester: options.requester ?? admin('requester', requesterTierOf(action)),
    },
    options.policy ?? settings.approvalPolicies[action],
    options.now ?? T0,
  );
  if (!decision.ok) throw new Error(`${action}: ${decision.code}`);
  return decision.request;
}
