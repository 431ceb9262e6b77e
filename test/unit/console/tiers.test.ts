// X5: what the console shows each tier comes from the permission matrix; its list of parameterless user
// actions matches the actions' own specs (the page keeps a copy so server modules stay out of the bundle).
import { describe, expect, it } from 'vitest';
import { canApprove, canSee, PLAIN_USER_ACTIONS, userActions } from '../../../console/src/tiers.js';
import { ACTION_SPECS } from '../../../lambdas/admin/actions.js';
import { PERMISSION_MATRIX } from '../../../lambdas/admin/permissions.js';
import { ADMIN_ACTIONS, ADMIN_TIERS, parseSettings } from '../../../lambdas/kernel/settings.js';

describe('console tiers', () => {
  it('X5 D1 the user page offers exactly the user actions without parameters that the tier may request', () => {
    const plain = ADMIN_ACTIONS.filter(
      (a) => ACTION_SPECS[a].target === 'user' && ACTION_SPECS[a].parameters.safeParse({}).success,
    );
    expect([...PLAIN_USER_ACTIONS].sort()).toEqual([...plain].sort());
    for (const tier of ADMIN_TIERS) {
      expect(userActions([tier])).toEqual(plain.filter((a) => PERMISSION_MATRIX[tier].request.includes(a)));
    }
    expect(userActions(['support'])).not.toContain('lift-screening-freeze');
  });

  it('X5 D1 a support admin is shown no approve button and no page outside their views', () => {
    const policies = parseSettings({}).approvalPolicies;
    for (const action of ADMIN_ACTIONS) expect(canApprove(['support'], policies[action])).toBe(false);
    expect(canApprove(['compliance'], policies['suspend-account'])).toBe(true);
    expect(canSee(['support'], 'approvals')).toBe(true);
    expect(canSee(['support'], 'users')).toBe(true);
  });
});
