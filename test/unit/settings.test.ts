// Unit tests of the deploy settings, the one source of hold hours, regions, countries and policies (I2).
import { describe, expect, it } from 'vitest';
import {
  ADMIN_ACTIONS,
  DEFAULT_APPROVAL_POLICIES,
  holdDurationMs,
  parseSettings,
  SettingsError,
} from '../../lambdas/kernel/settings.js';

describe('parseSettings', () => {
  it('I2 defaults give a 72-hour hold, two regions and a policy for every admin action', () => {
    const s = parseSettings({});
    expect(s.holdHours).toBe(72);
    expect(holdDurationMs(s)).toBe(72 * 3_600_000);
    expect(s.primaryRegion).not.toBe(s.replicaRegion);
    for (const action of ADMIN_ACTIONS)
      expect(s.approvalPolicies[action]).toEqual(DEFAULT_APPROVAL_POLICIES[action]);
  });

  it('I2 context overrides one policy and keeps the defaults of the others', () => {
    const s = parseSettings({
      holdHours: 24,
      restrictedCountries: ['KP'],
      approvalPolicies: { 'lift-hold': { approvals: 3, approverTiers: ['superadmin'], expiryHours: 12 } },
    });
    expect(s.holdHours).toBe(24);
    expect(s.restrictedCountries).toEqual(['KP']);
    expect(s.approvalPolicies['lift-hold'].approvals).toBe(3);
    expect(s.approvalPolicies['reset-mfa']).toEqual(DEFAULT_APPROVAL_POLICIES['reset-mfa']);
  });

  it.each([
    [{ holdHours: 'abc' }, 'holdHours'],
    [{ holdHours: 0 }, 'holdHours'],
    [{ restrictedCountries: ['north korea'] }, 'restrictedCountries.0'],
    [{ primaryRegion: 'mars' }, 'primaryRegion'],
    [
      { approvalPolicies: { 'lift-hold': { approvals: 0, approverTiers: [], expiryHours: 1 } } },
      'approvalPolicies.lift-hold',
    ],
    [
      { approvalPolicies: { 'launch-rocket': { approvals: 1, approverTiers: ['support'], expiryHours: 1 } } },
      'approvalPolicies',
    ],
    [{ primaryRegion: 'eu-west-1', replicaRegion: 'eu-west-1' }, 'replicaRegion'],
  ])('I2 a bad value %j fails with a message naming %s', (raw, key) => {
    expect(() => parseSettings(raw)).toThrow(SettingsError);
    expect(() => parseSettings(raw)).toThrow(key);
  });
});
