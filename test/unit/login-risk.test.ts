// G1: the login-risk model's math on small hand-computed cases (lambdas/auth/risk/), time through an injected
// clock.
import { describe, expect, it } from 'vitest';
import { RISK_MODEL, type RiskModelConfig } from '../../lambdas/auth/risk/config.js';
import {
  featuresOf,
  type LoginEvent,
  normaliseAsn,
  normaliseCountry,
} from '../../lambdas/auth/risk/features.js';
import {
  bandOf,
  boundHistory,
  Population,
  populationWeight,
  scoreLogin,
  UserProfile,
} from '../../lambdas/auth/risk/model.js';
import { LoginRiskScorer } from '../../lambdas/auth/risk/scorer.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';

const CHROME_WIN =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const SAFARI_IOS =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const T0 = Date.parse('2026-03-02T10:00:00Z');
const HOUR = 3_600_000;

/** Only the named features weigh; everything else is off, so a case can be computed by hand. */
function only(
  weights: Partial<RiskModelConfig['weights']>,
  extra: Partial<RiskModelConfig> = {},
): RiskModelConfig {
  const zero = Object.fromEntries(
    Object.keys(RISK_MODEL.weights).map((k) => [k, 0]),
  ) as RiskModelConfig['weights'];
  return { ...RISK_MODEL, weights: { ...zero, ...weights }, ...extra };
}
const login = (over: Partial<LoginEvent> = {}): LoginEvent => ({
  userId: 'u1',
  at: T0,
  ip: '192.0.2.10',
  country: 'US',
  asn: 7922,
  userAgent: CHROME_WIN,
  ...over,
});
const populationOf = (events: LoginEvent[]) => {
  const p = new Population();
  for (const e of events) p.add(featuresOf(e));
  return p;
};

describe('G1 features of a login', () => {
  it('G1 IPv4 /24 and IPv6 /64 networks, ASN and country normalised, the User-Agent parsed', () => {
    const v4 = featuresOf(login({ asn: 'AS7922', country: ' us ' }));
    expect(v4.values).toMatchObject({
      ip: '192.0.2.10',
      network: '192.0.2.0/24',
      asn: '7922',
      country: 'US',
      browser: 'Chrome',
      os: 'Windows',
      device: 'desktop',
    });
    expect(v4.hour).toBe(10);
    const v6 = featuresOf(login({ ip: '2001:db8:1:2:3:4:5:6', userAgent: SAFARI_IOS }));
    expect(v6.values).toMatchObject({
      network: '2001:db8:1:2::/64',
      browser: 'Safari',
      os: 'iOS',
      device: 'mobile',
    });
  });

  it('G1 a missing or unknown field is no value at all (never counted, never scored)', () => {
    const f = featuresOf({ userId: 'u1', at: T0, ip: 'not an ip', country: 'ZZ', asn: 'AS0' });
    expect(f.values).toEqual({});
    expect(normaliseAsn('as15169')).toBe('15169');
    expect(normaliseAsn('')).toBeUndefined();
    expect(normaliseCountry('-')).toBeUndefined();
    const empty = scoreLogin(f, new UserProfile([]), new Population(), only({ country: 1, asn: 1, ip: 1 }));
    expect(empty.score).toBe(0);
  });
});

describe('G1 the model on hand-computed cases', () => {
  // Population: country US, US, DE. Laplace: p(US) = 3/6, p(DE) = 2/6, unseen 1/6.
  // Entropy H = ln 3 − (2 ln 2)/3.
  const population = populationOf([login(), login(), login({ country: 'DE' })]);

  it('G1 population probabilities and entropy', () => {
    expect(population.p('country', 'US')).toBeCloseTo(3 / 6, 12);
    expect(population.p('country', 'DE')).toBeCloseTo(2 / 6, 12);
    expect(population.p('country', 'FR')).toBeCloseTo(1 / 6, 12);
    expect(population.entropy('country')).toBeCloseTo(Math.log(3) - (2 * Math.log(2)) / 3, 12);
  });

  it('G1 a country new to the user: user term ln((n+α)/α) plus the fading population term', () => {
    // History US, US (n = 2), α = 2: p_user(DE) = (0 + 2·1/3)/4 = 1/6, user term ln((1/3)/(1/6)) = ln 2.
    // Population term −ln(1/3) − H = (2 ln 2)/3, weight ρ(2) = 3/5 (rhoMin 0): score = ln 2 · (1 + 0.4).
    const config = only({ country: 1 }, { rhoMin: 0 });
    const profile = new UserProfile([featuresOf(login()), featuresOf(login())]);
    const r = scoreLogin(featuresOf(login({ country: 'DE' })), profile, population, config);
    expect(populationWeight(2, config)).toBeCloseTo(0.6, 12);
    expect(r.score).toBeCloseTo(1.4 * Math.log(2), 12);
    expect(r.reasons).toEqual([{ feature: 'country', value: r.score, seen: false }]);
  });

  it('G1 the user’s usual country lowers the score: ln(p_pop/p_user) < 0', () => {
    // p_user(US) = (2 + 2·1/2)/4 = 3/4; user term ln((1/2)/(3/4)) = ln(2/3); population term −ln(1/2) − H.
    const config = only({ country: 1 }, { rhoMin: 0 });
    const profile = new UserProfile([featuresOf(login()), featuresOf(login())]);
    const r = scoreLogin(featuresOf(login()), profile, population, config);
    const H = Math.log(3) - (2 * Math.log(2)) / 3;
    expect(r.score).toBeCloseTo(Math.log(2 / 3) + 0.6 * (Math.log(2) - H), 12);
    expect(r.score).toBeLessThan(0);
    expect(r.reasons).toEqual([]);
  });

  it('G1 cold start: with no history the user term is 0 and the score is the population model alone', () => {
    const config = only({ country: 1 });
    const r = scoreLogin(featuresOf(login({ country: 'FR' })), new UserProfile([]), population, config);
    expect(populationWeight(0, config)).toBeCloseTo(1, 12);
    expect(r.score).toBeCloseTo(Math.log(6) - population.entropy('country'), 12);
    // A value common in the population scores below a rare one: −ln(1/2) − H.
    const us = scoreLogin(featuresOf(login()), new UserProfile([]), population, config);
    expect(us.score).toBeCloseTo(Math.log(2) - population.entropy('country'), 12);
    expect(us.score).toBeLessThan(r.score);
  });

  it('G1 hour of day is smoothed over neighbouring hours, across midnight', () => {
    // History: two logins at 23:00; attempt at 00:00 gets the ±1 weight 0.2 of each.
    const config = only({ hour: 1 });
    const pop = new Population();
    const history = [login({ at: T0 + 13 * HOUR }), login({ at: T0 + 13 * HOUR + 86_400_000 })].map(
      featuresOf,
    );
    for (const h of history) pop.add(h);
    const profile = new UserProfile(history);
    const attempt = featuresOf(login({ at: T0 + 14 * HOUR + 2 * 86_400_000 }));
    expect(attempt.hour).toBe(0);
    // (0 + 1)/(2 + 24), but the population's first login is a day older: it counts 2^(−1/90) (decay.ts).
    const pPop = 1 / (1 + 2 ** (-1 / RISK_MODEL.population.halfLifeDays) + 24);
    const pUser = (0.2 * 2 + 2 * pPop) / (2 + 2);
    expect(scoreLogin(attempt, profile, pop, config).score).toBeCloseTo(Math.log(pPop / pUser), 12);
  });
});

describe('G1 velocity and impossible travel, on the injected clock', () => {
  const population = populationOf([login(), login({ country: 'DE' })]);

  it('G1 Germany then the United States an hour later is impossible travel; a day later it is not', () => {
    const clock = new ManualClock(new Date(T0));
    const scorer = new LoginRiskScorer(clock, population, only({ travel: 1 }));
    const history = [login({ country: 'DE', at: T0 })];
    clock.advance(HOUR);
    const fast = scorer.assess(login({ country: 'US' }), history);
    const km = 7_400; // DE → US centroids, roughly
    expect(fast.score).toBeGreaterThan(Math.log2(km / 1000) - 0.5);
    expect(fast.reasons[0]?.feature).toBe('travel');
    clock.advance(23 * HOUR);
    expect(scorer.assess(login({ country: 'US' }), history).score).toBe(0);
    // Neighbouring countries are never "impossible" (below travel.minKm apart).
    expect(
      scorer.assess(login({ country: 'DE' }), [login({ country: 'NL', at: T0 + 24 * HOUR - 60_000 })]).score,
    ).toBe(0);
  });

  it('G1 a burst of logins within the hour raises velocity over the user’s usual rate', () => {
    const clock = new ManualClock(new Date(T0 + 30 * 24 * HOUR));
    const scorer = new LoginRiskScorer(clock, population, only({ velocity: 1 }));
    const daily = Array.from({ length: 30 }, (_, i) => login({ at: T0 + i * 24 * HOUR }));
    expect(scorer.assess(login(), daily).score).toBe(0);
    const burst = [...daily, ...[1, 2, 3, 4].map((m) => login({ at: T0 + 30 * 24 * HOUR - m * 60_000 }))];
    const usual = 34 / (30 * 24);
    expect(scorer.assess(login(), burst).score).toBeCloseTo(Math.log(5 / (1 + usual)), 12);
  });

  it('G1 the history is bounded: nothing from the future, nothing older than the bound, the last N', () => {
    const now = T0 + 200 * 24 * HOUR;
    const events = [T0, T0 + 100 * 24 * HOUR, now - HOUR, now, now + HOUR].map((at) => ({ at }));
    expect(boundHistory(events, now).map((e) => e.at)).toEqual([T0 + 100 * 24 * HOUR, now - HOUR, now]);
    expect(boundHistory(events, now, { ...RISK_MODEL, history: { maxLogins: 2, maxAgeDays: 365 } })).toEqual([
      { at: now - HOUR },
      { at: now },
    ]);
    // Another user's logins never enter the profile.
    const clock = new ManualClock(new Date(T0 + HOUR));
    const scorer = new LoginRiskScorer(clock, population, only({ country: 1 }, { rhoMin: 0 }));
    const mine = scorer.assess(login({ country: 'DE' }), [login({ userId: 'u2', country: 'DE' })]);
    // Population US, DE: p(DE) = 2/5 (an hour's decay aside); the u2 login is not this user's, so the score is
    // the cold start's.
    const pDe = population.at(T0 + HOUR).p('country', 'DE');
    expect(pDe).toBeCloseTo(2 / 5, 4);
    expect(mine.score).toBeCloseTo(-Math.log(pDe) - population.entropy('country'), 12);
  });
});

describe('G1 decisions', () => {
  it('G1 bands come from the configured thresholds', () => {
    const { stepUp, block } = RISK_MODEL.bands;
    expect(stepUp).toBeLessThan(block);
    expect(bandOf(stepUp - 0.01)).toBe('allow');
    expect(bandOf(stepUp)).toBe('step-up');
    expect(bandOf(block)).toBe('block');
  });

  it('G1 a familiar login allows; the same user from a new country, ASN, network and browser steps up or blocks, with its reasons', () => {
    const home = Array.from({ length: 20 }, (_, i) =>
      login({ at: T0 + i * 24 * HOUR, ip: `192.0.2.${10 + (i % 3)}` }),
    );
    const others = Array.from({ length: 50 }, (_, i) =>
      login({
        userId: `p${i}`,
        country: ['US', 'DE', 'FR', 'GB'][i % 4],
        asn: 100 + (i % 7),
        ip: `198.51.${i}.1`,
      }),
    );
    const population = populationOf([...home, ...others]);
    const clock = new ManualClock(new Date(T0 + 20 * 24 * HOUR));
    const scorer = new LoginRiskScorer(clock, population);
    const familiar = scorer.assess(login({ ip: '192.0.2.11' }), home);
    expect(familiar.band).toBe('allow');
    const stranger = scorer.assess(
      login({ ip: '203.0.113.5', country: 'VN', asn: 'AS45899', userAgent: SAFARI_IOS }),
      home,
    );
    expect(stranger.band).not.toBe('allow');
    expect(stranger.score).toBeGreaterThan(familiar.score + RISK_MODEL.bands.stepUp);
    expect(stranger.reasons).toHaveLength(RISK_MODEL.reasons);
    expect(stranger.reasons.map((r) => r.value)).toEqual(
      [...stranger.reasons.map((r) => r.value)].sort((a, b) => b - a),
    );
  });
});

describe('G1 the population forgets (forward decay), on the injected clock', () => {
  const DAY = 24 * HOUR;
  const half = RISK_MODEL.population.halfLifeDays;

  it('G1 a login counts half after one half-life and a quarter after two; nothing is rewritten', () => {
    const clock = new ManualClock(new Date(T0));
    const pop = new Population();
    pop.add(featuresOf(login({ at: clock.now().getTime(), country: 'DE' })));
    clock.advance(half * DAY);
    pop.add(featuresOf(login({ at: clock.now().getTime(), country: 'US' })));
    // Read now: DE counts 1/2, US 1; Laplace over decayed counts (c + 1)/(n + d + 1), d decayed alike.
    const now = pop.at(clock.now().getTime());
    expect(now.p('country', 'DE')).toBeCloseTo((0.5 + 1) / (1.5 + 1.5 + 1), 12);
    expect(now.p('country', 'US')).toBeCloseTo((1 + 1) / (1.5 + 1.5 + 1), 12);
    // One more half-life later, with no login in between: the same counters, read later.
    clock.advance(half * DAY);
    const later = pop.at(clock.now().getTime());
    expect(later.p('country', 'US')).toBeCloseTo((0.5 + 1) / (0.75 + 0.75 + 1), 12);
    expect(later.p('country', 'DE')).toBeCloseTo((0.25 + 1) / (0.75 + 0.75 + 1), 12);
    // The entropy is that of the decayed distribution (1/3, 2/3), whenever it is read.
    const h = -(1 / 3) * Math.log(1 / 3) - (2 / 3) * Math.log(2 / 3);
    expect(later.entropy('country')).toBeCloseTo(h, 12);
    expect(now.entropy('country')).toBeCloseTo(h, 12);
  });

  it('G1 an old habit of the population fades: a country everyone used a year ago scores as rarer than one used this week', () => {
    const clock = new ManualClock(new Date(T0));
    const pop = new Population();
    for (let i = 0; i < 50; i++)
      pop.add(featuresOf(login({ userId: `a${i}`, at: clock.now().getTime(), country: 'FR' })));
    clock.advance(365 * DAY);
    for (let i = 0; i < 10; i++)
      pop.add(featuresOf(login({ userId: `b${i}`, at: clock.now().getTime(), country: 'IT' })));
    const now = pop.at(clock.now().getTime());
    // 50 logins a year ago (2^(−365/90) ≈ 1/16.6 each) weigh ~3, less than the 10 of this week.
    expect(now.p('country', 'FR')).toBeLessThan(now.p('country', 'IT'));
    const scorer = new LoginRiskScorer(clock, pop, only({ country: 1 }));
    const fr = scorer.assess({ userId: 'new', country: 'FR' }, []);
    const it_ = scorer.assess({ userId: 'new', country: 'IT' }, []);
    expect(fr.score).toBeGreaterThan(it_.score);
  });

  it('G1 a value faded below half a login counts as distinct again, so the distinct count decays too', () => {
    const pop = new Population();
    pop.add(featuresOf(login({ at: T0, country: 'DE' })));
    pop.add(featuresOf(login({ at: T0, country: 'DE' })));
    // Same moment: one distinct value, two logins: p(unseen) = 1/(2 + 1 + 1).
    expect(pop.p('country', 'FR')).toBeCloseTo(1 / 4, 12);
    // Three half-lives later DE counts 2/8 < 1/2: it comes back as a distinct value (weight 1 now).
    const t = T0 + 3 * half * DAY;
    pop.add(featuresOf(login({ at: t, country: 'DE' })));
    expect(pop.at(t).p('country', 'FR')).toBeCloseTo(1 / (2 / 8 + 1 + (1 / 8 + 1) + 1), 12);
  });
});
