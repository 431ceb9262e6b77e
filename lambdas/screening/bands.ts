// F2: what a screening hit leads to. THE bands: the decision module, the docs and the tests read only this.
// The first band whose floor the best hit's score reaches applies; below the matcher's threshold there is no
// hit at all. Floors are configuration (a deploy may tighten them), each with the reason recorded with it.
import { MATCH_THRESHOLD } from './config.js';

export const SCREENING_ACTIONS = ['block', 'case', 'record'] as const;
export type ScreeningAction = (typeof SCREENING_ACTIONS)[number];
export type ScreeningBand = 'strong' | 'medium' | 'weak';

export interface BandRule {
  readonly band: ScreeningBand;
  readonly minScore: number;
  readonly action: ScreeningAction;
  readonly reason: string;
}

export const SCREENING_BANDS: readonly BandRule[] = Object.freeze([
  {
    band: 'strong',
    minScore: 0.92,
    action: 'block',
    reason: 'near-certain identity with a listed party: freeze withdrawals, open a case',
  },
  {
    band: 'medium',
    minScore: 0.85,
    action: 'case',
    reason: 'plausible match: a compliance officer reviews',
  },
  {
    band: 'weak',
    minScore: MATCH_THRESHOLD,
    action: 'record',
    reason: "name similarity only: recorded with the list versions, visible in the subject's history",
  },
]);

/** The band of a score, or undefined below the weakest floor (no hit). Bands must be in descending order. */
export function bandOf(score: number, bands: readonly BandRule[] = SCREENING_BANDS): BandRule | undefined {
  return bands.find((b) => score >= b.minScore);
}
