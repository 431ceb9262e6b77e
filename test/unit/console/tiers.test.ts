// X5: what the console shows each tier comes from the permission matrix; its list of parameterless user
// actions matches the actions' own specs (the page keeps a copy so server modules stay out of the bundle).
import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../../console/src/parameters.js';
import {
  canApprove,
  canSee,
  PAGES,
  PARAMETER_USER_ACTIONS,
  PLAIN_USER_ACTIONS,
  userActions,
} from '../../../console/src/tiers.js';
import { USER_PARAMETER_SCHEMAS } from '../../../lambdas/admin/action-parameters.js';
import { ACTION_SPECS } from '../../../lambdas/admin/actions.js';
import {
  ADMIN_CAPABILITIES,
  holdsCapability,
  PERMISSION_MATRIX,
} from '../../../lambdas/admin/permissions.js';
import { ADMIN_ACTIONS, ADMIN_TIERS, parseSettings } from '../../../lambdas/kernel/settings.js';

describe('console tiers', () => {
  it('X5 D1 the user page offers exactly the user actions without parameters that the tier may request', () => {
    const plain = ADMIN_ACTIONS.filter(
      (a) => ACTION_SPECS[a].target === 'user' && ACTION_SPECS[a].parameters.safeParse({}).success,
    );
    expect([...PLAIN_USER_ACTIONS].sort()).toEqual([...plain].sort());
    expect(userActions(['support'])).not.toContain('lift-screening-freeze');
  });

  it('X5 D2 the request form asks for the parameters of every other user action but the reveal (its own form), checked by the schema the plane checks', () => {
    const withParameters = ADMIN_ACTIONS.filter(
      (a) =>
        ACTION_SPECS[a].target === 'user' &&
        !ACTION_SPECS[a].parameters.safeParse({}).success &&
        a !== 'reveal-personal-data',
    );
    expect([...PARAMETER_USER_ACTIONS].sort()).toEqual([...withParameters].sort());
    for (const action of PARAMETER_USER_ACTIONS) {
      expect(USER_PARAMETER_SCHEMAS[action]).toBe(ACTION_SPECS[action].parameters);
    }
    for (const tier of ADMIN_TIERS) {
      const mine = [...PLAIN_USER_ACTIONS, ...PARAMETER_USER_ACTIONS].filter((a) =>
        PERMISSION_MATRIX[tier].request.includes(a),
      );
      expect(userActions([tier])).toEqual(mine);
    }
    // Support may not change limits: the form never offers it; operations may.
    expect(userActions(['support'])).not.toContain('change-withdrawal-limits');
    expect(userActions(['operations'])).toContain('change-withdrawal-limits');
    const limits = USER_PARAMETER_SCHEMAS['change-withdrawal-limits'];
    expect(problemsOf(limits, { asset: 'BTC', daily: '2.5', monthly: '20' })).toBeUndefined();
    expect(problemsOf(limits, { asset: 'BTC', daily: 'two', monthly: '20' })).toMatch(
      /^Daily limit: a decimal such as 2.5/,
    );
    expect(problemsOf(USER_PARAMETER_SCHEMAS['change-user-phone'], { phone: '0791234567' })).toMatch(
      /New phone: an E.164 number/,
    );
  });

  it('X5 D1 a support admin is shown no approve button and no page outside their views', () => {
    const policies = parseSettings({}).approvalPolicies;
    for (const action of ADMIN_ACTIONS) expect(canApprove(['support'], policies[action])).toBe(false);
    expect(canApprove(['compliance'], policies['suspend-account'])).toBe(true);
    const pages = (tier: (typeof ADMIN_TIERS)[number]) => {
      const held = ADMIN_CAPABILITIES.filter((c) => holdsCapability([tier], c, policies));
      return PAGES.filter((p) => canSee(held, p.id)).map((p) => p.id);
    };
    expect(pages('support')).toEqual(['approvals', 'users']);
    expect(pages('operations')).toEqual(['approvals', 'users']);
    expect(pages('compliance')).toEqual(['approvals', 'withdrawals', 'users', 'cases', 'audit']);
    expect(pages('security')).toEqual(['approvals', 'withdrawals', 'users', 'audit']);
    expect(pages('superadmin')).toEqual(['approvals', 'users', 'audit']);
  });
});
