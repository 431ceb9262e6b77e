// G1: the one source of truth for the login-risk model: feature weights, smoothing, the cold-start blend,
// the bound on each user's history and the decision bands. The evaluation (scripts/risk-eval.ts,
// docs/login-risk.md) measures what these numbers imply; change them here and nowhere else.

/** The categorical features, each compared between the user's own history and the population. */
export const CATEGORICAL_FEATURES = [
  'ip',
  'network',
  'asn',
  'country',
  'ua',
  'browser',
  'os',
  'device',
] as const;
export type CategoricalFeature = (typeof CATEGORICAL_FEATURES)[number];
export type RiskFeature = CategoricalFeature | 'hour' | 'velocity' | 'travel' | 'newDevice';

export interface RiskModelConfig {
  /**
   * Weight of each feature's log-likelihood ratio. Below 1 where features repeat each other's evidence (an
   * IP inside a network inside an ASN inside a country; a User-Agent string and its browser, OS and device).
   */
  weights: Record<RiskFeature, number>;
  /**
   * Dirichlet smoothing of the user's distribution toward the population's: p_user(v) = (c_u(v) + α·p_pop(v)) /
   * (n_u + α). A value the user never used costs log((n_u + α)/α); with no history p_user = p_pop and the
   * user term is exactly 0.
   */
  alpha: number;
  /**
   * Cold start: the population term (how rare the value is among all users, relative to a typical value)
   * has weight ρ(n) = rhoMin + (1 − rhoMin)·k/(n + k), k = coldStartLogins: the whole score at n = 0, and
   * fading to rhoMin as the user's own history grows.
   */
  coldStartLogins: number;
  rhoMin: number;
  /** Circular smoothing of the hour of day over neighbouring hours (offset 0, ±1, ±2; sums to 1). */
  hourKernel: readonly [number, number, number];
  /** Impossible travel: faster than this (km/h) between countries at least minKm apart is suspicious. */
  travel: { maxKmh: number; minKm: number; minHours: number; cap: number };
  /** Velocity: logins in the past hour against the user's usual rate; capped. */
  velocity: { cap: number };
  /** The history kept per user: the last `maxLogins`, none older than `maxAgeDays`. */
  history: { maxLogins: number; maxAgeDays: number };
  /**
   * The population forgets: a login counts 2^(−age / halfLifeDays) (exponential decay, applied at read by
   * forward decay: a login at t adds 2^((t − landmark)/halfLife) to the counters, a reader divides by the same
   * at now; decay.ts). `landmark` (epoch ms) is fixed: counters written before decay existed (1 per login)
   * read as logins at the landmark. The weights reach DynamoDB's largest number (1e125) ~100 years after the
   * landmark at a 90-day half-life.
   */
  population: { halfLifeDays: number; landmark: number };
  /** Decision bands on the score: below stepUp allow; from stepUp step up; from block block (and tell). */
  bands: { stepUp: number; block: number };
  /** How many reasons a decision carries (the largest positive contributions). */
  reasons: number;
}

export const RISK_MODEL: Readonly<RiskModelConfig> = Object.freeze<RiskModelConfig>({
  weights: {
    ip: 0.3,
    network: 0.6,
    asn: 1,
    country: 1,
    ua: 0.4,
    browser: 0.8,
    os: 0.8,
    device: 0.6,
    hour: 0.5,
    velocity: 0.5,
    travel: 1,
    // Not a ratio but a fixed cost: a device the user never confirmed (the login's device cookie, A7). Above
    // the step-up threshold, so a new device asks for proof unless the rest of the attempt is strongly
    // familiar (its negative terms outweigh 0.7). The RBA columns have no device: the evaluation's figures
    // do not include it (docs/login-risk.md).
    newDevice: 2,
  },
  alpha: 2,
  coldStartLogins: 3,
  rhoMin: 0.2,
  hourKernel: [0.5, 0.2, 0.05],
  travel: { maxKmh: 1000, minKm: 500, minHours: 0.25, cap: 6 },
  velocity: { cap: 4 },
  history: { maxLogins: 200, maxAgeDays: 183 },
  // Half the weight of a login after 90 days: the population follows a shift (a new ISP, a browser release,
  // a campaign from one ASN) within a season, and a year-old login counts 1/16.
  population: { halfLifeDays: 90, landmark: Date.UTC(2026, 11, 1) },
  // Measured on generated data (docs/login-risk.md, 5 seeds): step up ≈ 1.2 % of legitimate logins (today's
  // fixed rules: ≈ 29 %), block ≤ 0.1 %.
  bands: { stepUp: 1.3, block: 14 },
  reasons: 3,
});
