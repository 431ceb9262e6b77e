// F1: the customer risk rating with its reasons, the refresh deadlines (yearly for high risk, five years
// otherwise) tested with an injected clock, and the enhanced due diligence high risk requires.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import { parseKycConfig } from '../../lambdas/kyc/config.js';
import { effectiveLimits } from '../../lambdas/kyc/levels.js';
import {
  addMonths,
  assessCustomerRisk,
  deadlineAfterReview,
  type RiskFacts,
  refreshDeadline,
  refreshState,
} from '../../lambdas/kyc/risk.js';

const config = parseKycConfig({});
const settings = parseSettings({});
const quiet: RiskFacts = {
  residence: 'FR',
  nationality: 'FR',
  taxResidences: ['FR'],
  screening: 'clear',
  pep: 'none',
  volume30Days: '0',
};

describe('F1 risk rating with reasons', () => {
  it('F1 a quiet customer is low risk with no reasons and no EDD', () => {
    expect(assessCustomerRisk(quiet, config, settings)).toEqual({
      rating: 'low',
      reasons: [],
      eddRequirements: [],
    });
  });

  it('F1 each factor gives its reason: jurisdiction, screening, PEP, volumes; the highest decides', () => {
    const rate = (facts: Partial<RiskFacts>) => assessCustomerRisk({ ...quiet, ...facts }, config, settings);
    expect(rate({ nationality: 'MM' })).toMatchObject({
      rating: 'high',
      reasons: [{ code: 'high-risk-jurisdiction', rating: 'high', detail: 'MM' }],
    });
    expect(rate({ taxResidences: ['FR', 'IR'] }).reasons).toEqual([
      { code: 'restricted-jurisdiction', rating: 'high', detail: 'IR' },
    ]);
    expect(rate({ screening: 'possible-match' })).toMatchObject({
      rating: 'medium',
      reasons: [{ code: 'screening-possible-match' }],
    });
    expect(rate({ screening: 'pending' }).rating).toBe('medium');
    expect(rate({ screening: 'confirmed-match' }).rating).toBe('high');
    expect(rate({ pep: 'foreign' })).toMatchObject({
      rating: 'high',
      reasons: [{ code: 'pep', detail: 'foreign' }],
    });
    expect(rate({ volume30Days: '14999.99' }).rating).toBe('low');
    expect(rate({ volume30Days: '15000' })).toMatchObject({
      rating: 'medium',
      reasons: [{ code: 'volume-medium' }],
    });
    expect(rate({ volume30Days: '100000' }).rating).toBe('high');
    const several = rate({ screening: 'possible-match', pep: 'domestic', volume30Days: '20000' });
    expect(several.rating).toBe('high');
    expect(several.reasons.map((r) => r.code)).toEqual(['screening-possible-match', 'pep', 'volume-medium']);
    // The business's other countries (jurisdiction, owners' residences) count too.
    expect(rate({ otherCountries: ['KP'] }).reasons[0]?.code).toBe('restricted-jurisdiction');
  });

  it('F1 high risk requires enhanced due diligence: a source-of-funds document and a second approver', () => {
    expect(assessCustomerRisk({ ...quiet, pep: 'domestic' }, config, settings).eddRequirements).toEqual([
      'source-of-funds',
      'second-approval',
    ]);
    // They are the enhanced level's requirements.
    expect(config.levels.enhanced.requires).toEqual(['source-of-funds', 'second-approval']);
  });
});

describe('F1 refresh deadlines', () => {
  it('F1 a review sets the next refresh a year ahead for high risk, five years for the rest (configuration)', () => {
    const reviewed = new Date('2027-03-01T12:00:00Z');
    expect(deadlineAfterReview('high', reviewed, config).toISOString()).toBe('2028-03-01T12:00:00.000Z');
    expect(deadlineAfterReview('medium', reviewed, config).toISOString()).toBe('2032-03-01T12:00:00.000Z');
    expect(deadlineAfterReview('low', reviewed, config).toISOString()).toBe('2032-03-01T12:00:00.000Z');
    const tighter = parseKycConfig({ refreshMonths: { high: 6, other: 36 } });
    expect(deadlineAfterReview('high', reviewed, tighter).toISOString()).toBe('2027-09-01T12:00:00.000Z');
    expect(() => parseKycConfig({ refreshMonths: { high: 13, other: 60 } })).toThrow(/refreshMonths/);
    expect(addMonths(new Date('2027-01-31T00:00:00Z'), 1).toISOString()).toBe('2027-02-28T00:00:00.000Z');
    expect(addMonths(new Date('2028-02-29T00:00:00Z'), 12).toISOString()).toBe('2029-02-28T00:00:00.000Z');
  });

  it('F1 a rating that rises brings the deadline forward, never later', () => {
    const lastReview = new Date('2027-03-01T00:00:00Z');
    const lowDue = deadlineAfterReview('low', lastReview, config);
    expect(refreshDeadline('high', lastReview, lowDue, config).toISOString()).toBe(
      '2028-03-01T00:00:00.000Z',
    );
    const highDue = new Date('2027-06-01T00:00:00Z');
    expect(refreshDeadline('low', lastReview, highDue, config)).toEqual(highDue);
  });

  it('F1 as the clock moves: current, due soon (30 days), overdue at the deadline, and withdrawals above basic stop', () => {
    const due = new Date('2028-03-01T00:00:00Z');
    const clock = new ManualClock(new Date('2028-01-01T00:00:00Z'));
    expect(refreshState(due, clock.now())).toBe('current');
    clock.set(new Date('2028-01-31T00:00:00Z'));
    expect(refreshState(due, clock.now())).toBe('due-soon');
    clock.set(new Date(due.getTime() - 1));
    expect(refreshState(due, clock.now())).toBe('due-soon');
    expect(
      effectiveLimits({ level: 'verified', refreshDueAt: due.toISOString() }, config, settings, clock.now())
        .BTC.daily,
    ).toBe('10');
    clock.set(due);
    expect(refreshState(due, clock.now())).toBe('overdue');
    expect(
      effectiveLimits({ level: 'verified', refreshDueAt: due.toISOString() }, config, settings, clock.now()),
    ).toEqual(settings.withdrawalLimits);
  });
});
