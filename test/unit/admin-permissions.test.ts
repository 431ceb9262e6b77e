// D1: the permission matrix: who may request what, who may approve (from the approval policies), who reads
// what; and the matrix in docs/admin-plane.md is the one in the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  mayApprove,
  mayRequest,
  PERMISSION_MATRIX,
  PERSONAL_FIELDS,
  REQUESTABLE_ACTIONS,
  readScope,
} from '../../lambdas/admin/permissions.js';
import { MAX_EXPIRY_HOURS } from '../../lambdas/admin/request-store.js';
import {
  ADMIN_ACTIONS,
  ADMIN_TIERS,
  DEFAULT_APPROVAL_POLICIES,
  parseSettings,
  SettingsError,
} from '../../lambdas/kernel/settings.js';

describe('D1 permission matrix', () => {
  it('D1 every action has a tier that may request it and a policy with approver tiers', () => {
    expect(REQUESTABLE_ACTIONS).toEqual(ADMIN_ACTIONS);
    for (const action of ADMIN_ACTIONS) {
      expect(DEFAULT_APPROVAL_POLICIES[action].approverTiers.length, action).toBeGreaterThan(0);
    }
  });

  it('D1 support requests account care but approves nothing and reads masked data only', () => {
    expect(mayRequest(['support'], 'suspend-account')).toBe(true);
    expect(mayRequest(['support'], 'reset-mfa')).toBe(true);
    expect(mayRequest(['support'], 'reveal-personal-data')).toBe(false);
    expect(mayRequest(['support'], 'disable-admin')).toBe(false);
    expect(mayRequest(['support'], 'decide-withdrawal')).toBe(false);
    for (const action of ADMIN_ACTIONS) {
      expect(mayApprove(['support'], DEFAULT_APPROVAL_POLICIES[action]), action).toBe(false);
    }
    expect(readScope(['support'])).toEqual({
      views: ['accounts', 'withdrawals', 'requests'],
      masked: [...PERSONAL_FIELDS],
      revealable: [],
    });
  });

  it('D1 a tier may request a reveal exactly when it has fields a reveal may show', () => {
    for (const tier of ADMIN_TIERS) {
      expect(mayRequest([tier], 'reveal-personal-data'), tier).toBe(
        PERMISSION_MATRIX[tier].revealable.length > 0,
      );
    }
  });

  it('D1 tiers combine by union; unknown groups grant nothing', () => {
    expect(mayRequest(['support', 'compliance'], 'decide-withdrawal')).toBe(true);
    expect(mayRequest(['support', 'compliance'], 'reset-mfa')).toBe(true);
    expect(readScope(['support', 'security']).revealable).toEqual(['email', 'phone']);
    expect(readScope(['security', 'compliance']).views).toEqual([
      'accounts',
      'withdrawals',
      'requests',
      'audit',
      'admins',
      'cases',
    ]);
    expect(mayRequest(['admins', 'root'], 'suspend-account')).toBe(false);
    expect(mayApprove(['root'], DEFAULT_APPROVAL_POLICIES['suspend-account'])).toBe(false);
    expect(readScope([])).toEqual({ views: [], masked: [...PERSONAL_FIELDS], revealable: [] });
  });

  it('D1 who may approve comes from the configured policy, not from the matrix', () => {
    expect(mayApprove(['operations'], DEFAULT_APPROVAL_POLICIES['suspend-account'])).toBe(true);
    expect(mayApprove(['operations'], DEFAULT_APPROVAL_POLICIES['reset-mfa'])).toBe(false);
    const configured = parseSettings({
      approvalPolicies: { 'reset-mfa': { approvals: 2, approverTiers: ['operations'], expiryHours: 12 } },
    }).approvalPolicies;
    expect(mayApprove(['operations'], configured['reset-mfa'])).toBe(true);
    expect(mayApprove(['security'], configured['reset-mfa'])).toBe(false);
  });

  it('D2 no policy may expire later than the store lists pending requests for', () => {
    expect(() =>
      parseSettings({
        approvalPolicies: {
          'lift-hold': { approvals: 1, approverTiers: ['security'], expiryHours: MAX_EXPIRY_HOURS + 1 },
        },
      }),
    ).toThrow(SettingsError);
    expect(
      parseSettings({
        approvalPolicies: {
          'lift-hold': { approvals: 1, approverTiers: ['security'], expiryHours: MAX_EXPIRY_HOURS },
        },
      }).approvalPolicies['lift-hold'].expiryHours,
    ).toBe(MAX_EXPIRY_HOURS);
  });

  it('D1 docs/admin-plane.md shows the matrix of the code', () => {
    const doc = readFileSync('docs/admin-plane.md', 'utf8');
    const mark = (yes: boolean) => (yes ? 'yes' : '–');
    for (const action of ADMIN_ACTIONS) {
      const policy = DEFAULT_APPROVAL_POLICIES[action];
      const row = `| \`${action}\` | ${ADMIN_TIERS.map((t) => mark(mayRequest([t], action))).join(' | ')} | ${
        policy.approvals
      } of ${policy.approverTiers.join(', ')} | ${policy.expiryHours} h |`;
      expect(doc, action).toContain(row);
    }
    for (const tier of ADMIN_TIERS) {
      const scope = readScope([tier]);
      const row = `| ${tier} | ${scope.views.join(', ')} | ${scope.revealable.join(', ') || 'none (masked only)'} |`;
      expect(doc, tier).toContain(row);
    }
  });
});
