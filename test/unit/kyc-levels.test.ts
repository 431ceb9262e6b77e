// X4/F1: KYC levels and the limits by level, the refresh cap, and what GET /v1/me/kyc will show.

import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import { KYC_DEFAULTS, KycConfigError, parseKycConfig } from '../../lambdas/kyc/config.js';
import { kycOverviewView } from '../../lambdas/kyc/contracts.js';
import {
  effectiveLimits,
  kycOverview,
  levelChange,
  levelEarned,
  levelInForce,
  limitsOfLevel,
  requirementsUpTo,
} from '../../lambdas/kyc/levels.js';
import { KYC_CONFIG, levelLimits } from '../../lambdas/kyc/wiring.js';

const config = parseKycConfig({});
const settings = parseSettings({});
const clock = new ManualClock(new Date('2027-03-01T12:00:00Z'));
const DUE = '2027-06-01T00:00:00.000Z';

describe('X4 limits by KYC level', () => {
  it("X4 a user without a KYC record is at the default level, basic, whose limits are today's withdrawalLimits", () => {
    expect(levelInForce(undefined, config, clock.now())).toEqual({
      level: 'basic',
      effective: 'basic',
      lapsed: false,
    });
    expect(effectiveLimits(undefined, config, settings, clock.now())).toEqual(settings.withdrawalLimits);
    // One source: a deploy that changes withdrawalLimits changes basic.
    const custom = parseSettings({
      withdrawalLimits: { BTC: { daily: '1', monthly: '3' }, ETH: { daily: '5', monthly: '9' } },
    });
    expect(limitsOfLevel('basic', config, custom)).toEqual(custom.withdrawalLimits);
  });

  it('X4 each level has its own daily and monthly limits per asset, from configuration', () => {
    expect(effectiveLimits({ level: 'none' }, config, settings, clock.now()).BTC).toEqual({
      daily: '0.05',
      monthly: '0.2',
    });
    expect(effectiveLimits({ level: 'verified' }, config, settings, clock.now()).ETH).toEqual({
      daily: '250',
      monthly: '2500',
    });
    expect(effectiveLimits({ level: 'enhanced' }, config, settings, clock.now()).BTC).toEqual({
      daily: '50',
      monthly: '500',
    });
    const tuned = parseKycConfig({
      levels: {
        ...config.levels,
        verified: {
          ...config.levels.verified,
          limits: { BTC: { daily: '7', monthly: '70' }, ETH: { daily: '1', monthly: '2' } },
        },
      },
    });
    expect(effectiveLimits({ level: 'verified' }, tuned, settings, clock.now()).BTC).toEqual({
      daily: '7',
      monthly: '70',
    });
  });

  it('X4 past the refresh deadline a customer withdraws no more than basic allows; before it, their level', () => {
    const standing = { level: 'enhanced' as const, refreshDueAt: DUE };
    clock.set(new Date(Date.parse(DUE) - 1));
    expect(levelInForce(standing, config, clock.now())).toEqual({
      level: 'enhanced',
      effective: 'enhanced',
      lapsed: false,
    });
    expect(effectiveLimits(standing, config, settings, clock.now()).BTC).toEqual({
      daily: '50',
      monthly: '500',
    });
    clock.set(new Date(DUE));
    expect(levelInForce(standing, config, clock.now())).toEqual({
      level: 'enhanced',
      effective: 'basic',
      lapsed: true,
    });
    expect(effectiveLimits(standing, config, settings, clock.now())).toEqual(settings.withdrawalLimits);
    // A lapsed `none` keeps its own, lower, limits: the cap never raises.
    expect(effectiveLimits({ level: 'none', refreshDueAt: DUE }, config, settings, clock.now()).BTC).toEqual({
      daily: '0.05',
      monthly: '0.2',
    });
  });

  it('X4 the lapsed cap is taken limit by limit, so an odd configuration never lets a lapsed customer above basic', () => {
    const odd = parseKycConfig({
      levels: {
        ...config.levels,
        verified: {
          ...config.levels.verified,
          limits: { BTC: { daily: '1', monthly: '100' }, ETH: { daily: '250', monthly: '2500' } },
        },
      },
    });
    clock.set(new Date('2028-01-01T00:00:00Z'));
    expect(effectiveLimits({ level: 'verified', refreshDueAt: DUE }, odd, settings, clock.now()).BTC).toEqual(
      {
        daily: '1',
        monthly: '20',
      },
    );
  });

  it('X4 a change of level is classified as a lowering or a raise (the wiring applies a lowering at once)', () => {
    expect(levelChange('verified', 'basic')).toBe('lower');
    expect(levelChange('basic', 'enhanced')).toBe('raise');
    expect(levelChange('none', 'none')).toBe('same');
  });

  it("X4 the withdrawal request's level port reads the standing and answers the limits of one asset", async () => {
    const port = levelLimits({ settings: () => settings }, config, async (userId) =>
      userId === 'u-verified' ? { level: 'verified' } : undefined,
    );
    clock.set(new Date('2027-03-01T12:00:00Z'));
    expect(await port('u-verified', 'BTC', clock.now())).toEqual({ daily: '10', monthly: '100' });
    expect(await port('u-new', 'ETH', clock.now())).toEqual(settings.withdrawalLimits.ETH);
  });

  it('X4 the configuration in force is the defaults: what an empty configuration parses to, and a valid one itself', () => {
    expect(KYC_CONFIG).toBe(KYC_DEFAULTS);
    expect(parseKycConfig({})).toEqual(KYC_DEFAULTS);
    // zod hands a default out unparsed: parsing the defaults themselves checks each value against its key.
    expect(parseKycConfig(structuredClone(KYC_DEFAULTS))).toEqual(KYC_DEFAULTS);
  });

  it('X4 a configuration where two levels require the same thing is refused, naming it', () => {
    expect(() =>
      parseKycConfig({
        levels: { ...config.levels, verified: { ...config.levels.verified, requires: ['person'] } },
      }),
    ).toThrow(new KycConfigError('Invalid KYC configuration: person is required by two levels'));
    expect(() => parseKycConfig({ beneficialOwnerThresholdPercent: 0 })).toThrow(
      /beneficialOwnerThresholdPercent/,
    );
  });
});

describe('F1 what the next level needs (GET /v1/me/kyc)', () => {
  it('F1 the next level lists every requirement up to it with its status, and the answer fits the contract', () => {
    clock.set(new Date('2027-03-01T12:00:00Z'));
    const view = kycOverview(
      { level: 'basic', refreshDueAt: DUE },
      { person: 'met', 'screening-clear': 'met', 'government-id': 'in-review', selfie: 'rejected' },
      config,
      settings,
      clock.now(),
    );
    expect(view).toEqual({
      level: 'basic',
      effectiveLevel: 'basic',
      limits: settings.withdrawalLimits,
      refresh: { dueAt: DUE, overdue: false },
      next: {
        level: 'verified',
        limits: config.levels.verified.limits,
        requirements: [
          { requirement: 'person', status: 'met' },
          { requirement: 'screening-clear', status: 'met' },
          { requirement: 'government-id', status: 'in-review' },
          { requirement: 'proof-of-address', status: 'missing' },
          { requirement: 'selfie', status: 'rejected' },
          { requirement: 'identity-verified', status: 'missing' },
        ],
      },
    });
    expect(z.safeParse(kycOverviewView, view).success).toBe(true);
  });

  it('F1 a lapsed customer is shown their own level again as the next step; the top level has no next', () => {
    clock.set(new Date('2027-07-01T00:00:00Z'));
    const lapsed = kycOverview({ level: 'verified', refreshDueAt: DUE }, {}, config, settings, clock.now());
    expect(lapsed).toMatchObject({ level: 'verified', effectiveLevel: 'basic', refresh: { overdue: true } });
    expect(lapsed.next?.level).toBe('verified');
    expect(lapsed.limits).toEqual(settings.withdrawalLimits);
    const top = kycOverview({ level: 'enhanced' }, {}, config, settings, clock.now());
    expect(top.next).toBeUndefined();
    expect(z.safeParse(kycOverviewView, top).success).toBe(true);
  });

  it('F1 the level earned is the highest whose requirements, and all below, are met', () => {
    expect(levelEarned({}, config)).toBe('none');
    expect(levelEarned({ person: 'met', 'screening-clear': 'met' }, config)).toBe('basic');
    const verified = Object.fromEntries(requirementsUpTo('verified', config).map((r) => [r, 'met' as const]));
    expect(levelEarned(verified, config)).toBe('verified');
    expect(levelEarned({ ...verified, 'source-of-funds': 'met' }, config)).toBe('verified');
    expect(
      levelEarned(
        { ...verified, selfie: 'pending', 'source-of-funds': 'met', 'second-approval': 'met' },
        config,
      ),
    ).toBe('basic');
  });
});
