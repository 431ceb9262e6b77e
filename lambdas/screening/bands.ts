// F2: what a screening hit leads to. THE bands: the decision module, the docs and the tests read only this.
// A hit's category comes from the kind of list it is on (config.ts SCREENED_LISTS) and, on a PEP list, from
// the listed entity's FollowTheMoney topics; each category has its own bands. Within a category the first
// band whose floor the best hit's score reaches applies; below the matcher's threshold there is no hit at
// all. When hits of several categories apply, the stricter action decides (ACTION_SEVERITY): a customer on
// a sanctions list and a PEP list gets the sanctions outcome, and the decision still carries the PEP flag.
// Floors are configuration (a deploy may tighten them), each with the reason recorded with it.
import { type ListKind, MATCH_THRESHOLD } from './config.js';

/** `edd`: an enhanced-due-diligence case for a politically exposed person; never a freeze. */
export const SCREENING_ACTIONS = ['block', 'case', 'edd', 'record'] as const;
export type ScreeningAction = (typeof SCREENING_ACTIONS)[number];
export type ScreeningBand = 'strong' | 'medium' | 'weak' | 'pep' | 'pep-weak' | 'listed';

export interface BandRule {
  readonly band: ScreeningBand;
  readonly minScore: number;
  readonly action: ScreeningAction;
  readonly reason: string;
}

/** Sanctions lists (OFAC SDN, UN Security Council, and any list of kind `sanctions`). */
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

/**
 * PEP lists. Being a politically exposed person is no offence and no ground to refuse or freeze: it is a
 * risk factor that requires enhanced due diligence (FATF Recommendation 12; EU AMLD art. 18–20: source of
 * funds and wealth, senior management approval, enhanced monitoring). So a PEP hit never blocks: a plausible
 * one (the medium floor of the sanctions bands, a match a person should look at) opens an EDD case and sets
 * the decision's PEP flag, which the KYC risk rating reads (contracts.ts `pepStatusOf`); a weaker one is a
 * name similarity only, recorded without the flag (a coincidental likeness would otherwise rate the customer
 * high risk).
 */
export const PEP_BANDS: readonly BandRule[] = Object.freeze([
  {
    band: 'pep',
    minScore: 0.85,
    action: 'edd',
    reason:
      'plausible match with a politically exposed person (or a relative or close associate): enhanced due diligence case, PEP flag set; never a freeze',
  },
  {
    band: 'pep-weak',
    minScore: MATCH_THRESHOLD,
    action: 'record',
    reason: 'name similarity with a politically exposed person only: recorded, no PEP flag',
  },
]);

/** An entity of a PEP list that carries no PEP topic (a public body, a company without a PEP role). */
export const LISTED_BANDS: readonly BandRule[] = Object.freeze([
  {
    band: 'listed',
    minScore: MATCH_THRESHOLD,
    action: 'record',
    reason: 'on a PEP list without a PEP role: recorded only',
  },
]);

/**
 * What a hit is: on a sanctions list, a sanctions hit whatever the entity's topics; on a PEP list, a PEP hit
 * when the entity has a PEP topic (PEP_TOPICS), else `listed` (recorded only).
 */
export const HIT_CATEGORIES = ['sanctions', 'pep', 'listed'] as const;
export type HitCategory = (typeof HIT_CATEGORIES)[number];

export const HIT_BANDS: Readonly<Record<HitCategory, readonly BandRule[]>> = Object.freeze({
  sanctions: SCREENING_BANDS,
  pep: PEP_BANDS,
  listed: LISTED_BANDS,
});

/** The stricter action wins when hits of several categories apply. */
export const ACTION_SEVERITY: Readonly<Record<ScreeningAction | 'none', number>> = Object.freeze({
  block: 4,
  case: 3,
  edd: 2,
  record: 1,
  none: 0,
});

/**
 * FollowTheMoney topics that make a listed entity a PEP: `role.pep` and its refinements (`role.pep.natl`
 * national, `role.pep.intl` international organisation, `role.pep.frmr` former: the time since leaving office
 * is not in the data, so the EDD case lets the officer apply the 12-month rule), and `role.rca` (a relative or
 * close associate: FATF R.12 extends the PEP measures to them). Other `role.*` topics (judge, civil servant,
 * diplomat, oligarch, lobbyist …) are not PEP by themselves: a list that holds such a person as a PEP tags
 * them `role.pep` too. The `sanction` topic on a PEP list does not make a sanctions hit: the sanctions lists
 * in force are the authority for sanctions (a PEP dataset may copy a regime Palisade does not apply).
 */
export const PEP_TOPICS: readonly string[] = Object.freeze([
  'role.pep',
  'role.pep.natl',
  'role.pep.intl',
  'role.pep.frmr',
  'role.rca',
]);

/** The PEP topics among an entity's topics (programs), in PEP_TOPICS order. */
export const pepRolesOf = (topics: readonly string[]): string[] =>
  PEP_TOPICS.filter((t) => topics.includes(t) || (t === 'role.pep' && topics.some(isPepSubTopic)));
const isPepSubTopic = (t: string) => t.startsWith('role.pep.') && !PEP_TOPICS.includes(t);

/** The category of a hit on a list of this kind, on an entity with these topics. */
export function hitCategoryOf(kind: ListKind, topics: readonly string[]): HitCategory {
  if (kind === 'sanctions') return 'sanctions';
  return pepRolesOf(topics).length > 0 ? 'pep' : 'listed';
}

/** The band of a score, or undefined below the weakest floor (no hit). Bands must be in descending order. */
export function bandOf(score: number, bands: readonly BandRule[] = SCREENING_BANDS): BandRule | undefined {
  return bands.find((b) => score >= b.minScore);
}
