// G1: the population's counts decay exponentially with age, without ever rewriting a counter (forward decay,
// Cormode, Shkapenyuk, Srivastava, Xu, "Forward Decay: A Practical Time Decay Model for Streaming Systems",
// ICDE 2009). A login at time t adds the weight g(t) = 2^((t − L)/h) (L the fixed landmark, h the half-life)
// to every counter it touches; read at `now`, a counter S stands for S / g(now): each login counted
// 2^(−(now − t)/h). So a login is still one ADD per counter, a read is still the sums of the shards, and no
// job ever scans or halves the table.
//
// The entropy the population term needs (Σ c·ln c over the values' decayed counts c) is kept the same way: the
// totals hold Λ = Σ S·ln S over the stored sums, updated per login by (S + w)·ln(S + w) − S·ln S from the sum S
// read for the attempt's value; with N = Σ S, the entropy ln N − Λ/N does not depend on g(now) at all.
import { RISK_MODEL, type RiskModelConfig } from './config.js';

const DAY_MS = 86_400_000;

/** The weight of a login at `at` (epoch ms) in stored units. */
export function loginWeight(at: number, config: RiskModelConfig = RISK_MODEL): number {
  const { halfLifeDays, landmark } = config.population;
  return 2 ** ((at - landmark) / (halfLifeDays * DAY_MS));
}

/** The factor that turns stored sums into counts at `now` (1 / weight of a login now). */
export function decayScale(now: number, config: RiskModelConfig = RISK_MODEL): number {
  return 1 / loginWeight(now, config);
}

/**
 * A value whose decayed count is below this (half a login: a value seen once, a half-life ago) is counted as a
 * distinct value again when it comes back, so the distinct count decays with the counts instead of growing for
 * ever. Half, not one: a value seen once a moment ago must not count as new (rounding of 2^x·2^−x).
 */
export const FADED = 0.5;
