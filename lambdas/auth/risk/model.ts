// G1: the login-risk model after Freeman et al., "Who Are You? A Statistical Approach to Measuring User
// Authenticity" (NDSS 2016). For each feature the log of a smoothed ratio: the value's probability in the
// population (how an attacker, who looks like anyone, would appear) over its probability in this user's own
// successful history; weighted and summed in log space. Two additions, both measured in docs/login-risk.md:
// a population term (how much rarer the value is than a typical one across all users) that carries the score
// for a user without history and fades as the history grows (cold start), and two numeric features,
// velocity and impossible travel. Higher is riskier; 0 is "no evidence either way".

import { countryDistanceKm } from './centroids.js';
import {
  CATEGORICAL_FEATURES,
  type CategoricalFeature,
  RISK_MODEL,
  type RiskFeature,
  type RiskModelConfig,
} from './config.js';
import { decayScale, FADED, loginWeight } from './decay.js';
import type { LoginFeatures } from './features.js';

const HOUR_MS = 3_600_000;

/** What the score reads of the population: smoothed probabilities and each feature's entropy. */
export interface PopulationView {
  p(feature: CategoricalFeature, value: string): number;
  pHour(hour: number): number;
  entropy(feature: CategoricalFeature): number;
}

/**
 * The aggregate of one feature in stored (forward-decay) units, decay.ts: Σ of the logins' weights with a value
 * (`n`), of the weights of values counted as new (`distinct`), and Σ S·ln S over the values' stored sums.
 */
export interface FeatureTotals {
  n: number;
  distinct: number;
  cLogC: number;
}

/** Laplace-smoothed probability of a value from stored sums, read at `scale` (decay.ts). */
const smoothed = (count: number, totals: FeatureTotals | undefined, scale: number) =>
  (Math.max(0, count) * scale + 1) /
  ((Math.max(0, totals?.n ?? 0) + Math.max(0, totals?.distinct ?? 0)) * scale + 1);

/** The entropy (nats) of a feature's decayed distribution: ln N − Σ S·ln S / N, whatever the scale. */
const entropyOf = (totals: FeatureTotals | undefined) => {
  const n = totals?.n ?? 0;
  // Concurrent updates may leave Σ S·ln S slightly off (aws-risk-store.ts): never a negative entropy.
  return n <= 0 ? 0 : Math.max(0, Math.log(n) - (totals?.cLogC ?? 0) / n);
};

const hourProbability = (hours: readonly number[], hour: number, scale: number) => {
  const total = hours.reduce((a, b) => a + Math.max(0, b), 0);
  return (Math.max(0, hours[hour] ?? 0) * scale + 1) / (total * scale + 24);
};

/**
 * The population's counts of every feature value, updated one login at a time (no scan) and decaying with
 * age (decay.ts): each login adds its forward-decay weight; a read at `now` scales by 1/weight(now). The
 * entropy each feature's population term needs is kept incrementally from Σ S·ln S. A value whose decayed
 * count has fallen below one login is counted as distinct again when it comes back.
 */
export class Population implements PopulationView {
  private readonly counts = new Map<CategoricalFeature, Map<string, number>>();
  private readonly totals = new Map<CategoricalFeature, FeatureTotals>();
  private readonly hours: number[] = new Array(24).fill(0);
  /** The time the population is read at by `p`, `pHour` and `entropy`: the newest login added. */
  private latest = Number.NEGATIVE_INFINITY;

  constructor(private readonly config: RiskModelConfig = RISK_MODEL) {
    for (const f of CATEGORICAL_FEATURES) {
      this.counts.set(f, new Map());
      this.totals.set(f, { n: 0, distinct: 0, cLogC: 0 });
    }
  }

  add(login: LoginFeatures): void {
    const w = loginWeight(login.at, this.config);
    const scale = decayScale(login.at, this.config);
    for (const f of CATEGORICAL_FEATURES) {
      const v = login.values[f];
      if (v === undefined) continue;
      const map = this.counts.get(f) as Map<string, number>;
      const t = this.totals.get(f) as FeatureTotals;
      const c = map.get(v) ?? 0;
      map.set(v, c + w);
      t.n += w;
      t.cLogC += xLogX(c + w) - xLogX(c);
      if (c * scale < FADED) t.distinct += w;
    }
    this.hours[login.hour] = (this.hours[login.hour] ?? 0) + w;
    this.latest = Math.max(this.latest, login.at);
  }

  /** The population as read at `now` (epoch ms): the same counters, decayed to that time. */
  at(now: number): PopulationView {
    const scale = decayScale(now, this.config);
    return {
      p: (feature, value) =>
        smoothed(this.counts.get(feature)?.get(value) ?? 0, this.totals.get(feature), scale),
      pHour: (hour) => hourProbability(this.hours, hour, scale),
      entropy: (feature) => entropyOf(this.totals.get(feature)),
    };
  }

  private get scale(): number {
    return Number.isFinite(this.latest) ? decayScale(this.latest, this.config) : 1;
  }

  /** A value's count, decayed to the newest login. */
  count(feature: CategoricalFeature, value: string): number {
    return (this.counts.get(feature)?.get(value) ?? 0) * this.scale;
  }

  /** Laplace-smoothed probability; a value never seen shares one count with all other unseen values. */
  p(feature: CategoricalFeature, value: string): number {
    return smoothed(this.counts.get(feature)?.get(value) ?? 0, this.totals.get(feature), this.scale);
  }

  pHour(hour: number): number {
    return hourProbability(this.hours, hour, this.scale);
  }

  /** The population's entropy of a feature (nats): the surprise of a typical value. */
  entropy(feature: CategoricalFeature): number {
    return entropyOf(this.totals.get(feature));
  }
}

export const xLogX = (x: number) => (x > 0 ? x * Math.log(x) : 0);

/**
 * The population as a login reads it from the aggregate (lambdas/auth/risk/aws-risk-store.ts): each feature's
 * totals and only the counts of the attempt's own values, in stored units, read at `scale` (decay.ts), with the
 * same formulas as `Population`.
 */
export class PopulationSnapshot implements PopulationView {
  constructor(
    private readonly totals: Partial<Record<CategoricalFeature, FeatureTotals>>,
    /** The stored sums of the attempt's values (a value missing here counts 0). */
    private readonly counts: Partial<Record<CategoricalFeature, { value: string; count: number }>>,
    private readonly hours: readonly number[],
    /** 1 / the weight of a login at the time of reading (decay.ts). */
    private readonly scale = 1,
  ) {}

  count(feature: CategoricalFeature, value: string): number {
    const known = this.counts[feature];
    return known && known.value === value ? Math.max(0, known.count) : 0;
  }

  p(feature: CategoricalFeature, value: string): number {
    return smoothed(this.count(feature, value), this.totals[feature], this.scale);
  }

  pHour(hour: number): number {
    return hourProbability(this.hours, hour, this.scale);
  }

  entropy(feature: CategoricalFeature): number {
    return entropyOf(this.totals[feature]);
  }
}

/** A user's history as counts: built from at most `history.maxLogins` of their past successful logins. */
export class UserProfile {
  readonly counts = new Map<CategoricalFeature, Map<string, number>>();
  readonly totals = new Map<CategoricalFeature, number>();
  readonly hours: number[] = new Array(24).fill(0);
  readonly logins: readonly LoginFeatures[];

  /** `history`: the user's successful logins, any order. */
  constructor(history: readonly LoginFeatures[]) {
    this.logins = [...history].sort((a, b) => a.at - b.at);
    for (const login of this.logins) {
      for (const f of CATEGORICAL_FEATURES) {
        const v = login.values[f];
        if (v === undefined) continue;
        let map = this.counts.get(f);
        if (!map) {
          map = new Map();
          this.counts.set(f, map);
        }
        map.set(v, (map.get(v) ?? 0) + 1);
        this.totals.set(f, (this.totals.get(f) ?? 0) + 1);
      }
      this.hours[login.hour] = (this.hours[login.hour] ?? 0) + 1;
    }
  }

  get size(): number {
    return this.logins.length;
  }
}

/** The logins of a history the model keeps at `now`: none later, none older than the bound, the last N. */
export function boundHistory<T extends { at: number }>(
  history: readonly T[],
  now: number,
  config: RiskModelConfig = RISK_MODEL,
): T[] {
  const oldest = now - config.history.maxAgeDays * 24 * HOUR_MS;
  const kept = history.filter((h) => h.at <= now && h.at >= oldest).sort((a, b) => a.at - b.at);
  return kept.slice(-config.history.maxLogins);
}

export interface Contribution {
  feature: RiskFeature;
  /** Weighted log-ratio this feature adds to the score (positive = riskier). */
  value: number;
  /** For a categorical feature: whether the user's history has the attempt's value. */
  seen?: boolean;
}

export interface RiskAssessment {
  score: number;
  contributions: Contribution[];
  /** The largest positive contributions, largest first (at most `config.reasons`). */
  reasons: Contribution[];
}

/** The cold-start weight of the population term for a history of n logins. */
export const populationWeight = (n: number, config: RiskModelConfig = RISK_MODEL): number =>
  config.coldStartLogins <= 0
    ? config.rhoMin
    : config.rhoMin + ((1 - config.rhoMin) * config.coldStartLogins) / (n + config.coldStartLogins);

export function scoreLogin(
  attempt: LoginFeatures,
  profile: UserProfile,
  population: PopulationView,
  config: RiskModelConfig = RISK_MODEL,
): RiskAssessment {
  const { alpha, weights } = config;
  const contributions: Contribution[] = [];
  for (const f of CATEGORICAL_FEATURES) {
    const v = attempt.values[f];
    if (v === undefined || weights[f] === 0) continue;
    const pPop = population.p(f, v);
    const n = profile.totals.get(f) ?? 0;
    const c = profile.counts.get(f)?.get(v) ?? 0;
    const pUser = (c + alpha * pPop) / (n + alpha);
    const userTerm = Math.log(pPop / pUser);
    const populationTerm = -Math.log(pPop) - population.entropy(f);
    contributions.push({
      feature: f,
      value: weights[f] * (userTerm + populationWeight(n, config) * populationTerm),
      seen: c > 0,
    });
  }

  if (weights.hour !== 0) {
    const [k0, k1, k2] = config.hourKernel;
    const h = attempt.hour;
    const at = (d: number) => profile.hours[(h + d + 24) % 24] ?? 0;
    const near = k0 * at(0) + k1 * (at(-1) + at(1)) + k2 * (at(-2) + at(2));
    const pPop = population.pHour(h);
    const pUser = (near + alpha * pPop) / (profile.size + alpha);
    contributions.push({ feature: 'hour', value: weights.hour * Math.log(pPop / pUser) });
  }

  const before = profile.logins.filter((l) => l.at <= attempt.at);
  const last = before.at(-1);
  if (last && weights.velocity !== 0) {
    const recent = before.filter((l) => attempt.at - l.at < HOUR_MS).length;
    const first = before[0] as LoginFeatures;
    const spanHours = Math.max((attempt.at - first.at) / HOUR_MS, 24);
    const usual = before.length / spanHours;
    const ratio = Math.log((1 + recent) / (1 + usual));
    contributions.push({
      feature: 'velocity',
      value: weights.velocity * clamp(ratio, 0, config.velocity.cap),
    });
  }

  const from = [...before].reverse().find((l) => l.values.country !== undefined);
  if (from && attempt.values.country && weights.travel !== 0) {
    const km = countryDistanceKm(from.values.country as string, attempt.values.country);
    if (km !== undefined && km >= config.travel.minKm) {
      const hours = Math.max((attempt.at - from.at) / HOUR_MS, config.travel.minHours);
      const excess = Math.log2(km / hours / config.travel.maxKmh);
      contributions.push({ feature: 'travel', value: weights.travel * clamp(excess, 0, config.travel.cap) });
    }
  }

  // The device cookie (production only: the RBA columns carry none): a device never confirmed by this user.
  if (attempt.deviceKnown === false && weights.newDevice !== 0) {
    contributions.push({ feature: 'newDevice', value: weights.newDevice, seen: false });
  }

  const score = contributions.reduce((sum, c) => sum + c.value, 0);
  const reasons = contributions
    .filter((c) => c.value > 0)
    .sort((a, b) => b.value - a.value)
    .slice(0, config.reasons);
  return { score, contributions, reasons };
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export type RiskBand = 'allow' | 'step-up' | 'block';

export function bandOf(score: number, config: RiskModelConfig = RISK_MODEL): RiskBand {
  if (score >= config.bands.block) return 'block';
  if (score >= config.bands.stepUp) return 'step-up';
  return 'allow';
}
