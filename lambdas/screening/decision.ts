// F2: one screening decision, pure: the matcher's result (hits, list versions) → the band of the best hit,
// what it leads to (block, case, record, nothing) and the record kept of it. Every decision is recorded with
// the list versions it used, hits or not (a clear decision proves the subject was screened against them).
import { createHash } from 'node:crypto';
import {
  ACTION_SEVERITY,
  type BandRule,
  bandOf,
  HIT_BANDS,
  HIT_CATEGORIES,
  type HitCategory,
  type ScreeningAction,
  type ScreeningBand,
} from './bands.js';
import { SCREENED_LISTS } from './config.js';
import type { ListVersionRef, ScreeningHit } from './screen.js';

/**
 * A hit as a decision keeps it: the matcher's hit with its category (bands.ts; absent on decisions recorded
 * before PEP screening and on address hits: sanctions) and, for a PEP hit, the entity's PEP topics.
 */
export interface DecisionHit extends ScreeningHit {
  readonly category?: HitCategory;
  readonly pepRoles?: readonly string[];
}

/**
 * F2: the PEP status a decision found, present only when a PEP list version was among those used (absent:
 * PEP not screened, e.g. no PEP list loaded yet). `flagged`: a PEP hit reached the PEP band's EDD floor;
 * `roles`: the PEP topics of those hits (role.pep, role.pep.intl, role.rca …).
 */
export interface PepFinding {
  readonly flagged: boolean;
  readonly roles: readonly string[];
}

/** What was screened: a customer (by name) or a withdrawal address. */
export type ScreeningSubject =
  | { readonly kind: 'customer'; readonly userId: string }
  | { readonly kind: 'address'; readonly userId: string; readonly addressId: string };

/** Why it was screened now. */
export const SCREENING_TRIGGERS = [
  'signup',
  'profile-change',
  'address-added',
  'withdrawal',
  'rescreen',
  /** F1: the person data of KYC (legal name, date of birth, nationality) given or changed. */
  'kyc',
] as const;
export type ScreeningTrigger = (typeof SCREENING_TRIGGERS)[number];

export interface ScreeningDecision {
  /** `scr_<24 hex>`: the same subject, trigger, query and list versions give the same id (idempotent retries). */
  readonly decisionId: string;
  readonly subject: ScreeningSubject;
  readonly trigger: ScreeningTrigger;
  readonly at: string;
  /** `not-screened`: no version of any screened list was loaded, so nothing was screened (NOT_SCREENED). */
  readonly band: ScreeningBand | 'clear' | 'not-screened';
  readonly action: ScreeningAction | 'none';
  readonly reason: string;
  /** At most a few, best first, each explained (matched names token by token, adjustments). */
  readonly hits: readonly DecisionHit[];
  readonly listVersions: readonly ListVersionRef[];
  /** F2: the PEP status (see PepFinding); absent when no PEP list version was used. */
  readonly pep?: PepFinding;
}

/** Hits kept in a decision (the record is one row; the case carries the best ones as signals). */
export const DECISION_HITS = 5;

export function decisionIdOf(
  subject: ScreeningSubject,
  trigger: ScreeningTrigger,
  queryKey: string,
  listVersions: readonly ListVersionRef[],
): string {
  const versions = listVersions
    .map((v) => `${v.list}@${v.sha256}`)
    .sort()
    .join(',');
  const subjectKey = subject.kind === 'customer' ? subject.userId : `${subject.userId}/${subject.addressId}`;
  const h = createHash('sha256')
    .update(`${subject.kind}\0${subjectKey}\0${trigger}\0${queryKey}\0${versions}`)
    .digest('hex');
  return `scr_${h.slice(0, 24)}`;
}

/**
 * The reason recorded when no list version is in force (a fresh deployment): the subject is not screened,
 * nothing is blocked, the customer stays in the roster, and the first list load's re-screen covers them.
 */
export const NOT_SCREENED = 'not screened: no list version';

/** The lists of kind `pep` (config.ts): a decision that used one of them says whether the subject is a PEP. */
const PEP_LISTS: readonly string[] = SCREENED_LISTS.filter((l) => l.kind === 'pep').map((l) => l.list);

export function decide(
  input: {
    readonly subject: ScreeningSubject;
    readonly trigger: ScreeningTrigger;
    readonly queryKey: string;
    readonly result: {
      readonly hits: readonly DecisionHit[];
      readonly listVersions: readonly ListVersionRef[];
    };
    readonly now: Date;
    /** The lists of kind `pep` (default: config.ts). */
    readonly pepLists?: readonly string[];
  },
  bands: Readonly<Record<HitCategory, readonly BandRule[]>> = HIT_BANDS,
): ScreeningDecision {
  if (input.result.listVersions.length === 0) {
    return {
      decisionId: decisionIdOf(input.subject, input.trigger, input.queryKey, []),
      subject: input.subject,
      trigger: input.trigger,
      at: input.now.toISOString(),
      band: 'not-screened',
      action: 'none',
      reason: NOT_SCREENED,
      hits: [],
      listVersions: [],
    };
  }
  const ranked = [...input.result.hits].sort((a, b) => b.score - a.score);
  const categoryOf = (h: DecisionHit): HitCategory => h.category ?? 'sanctions';
  // the band of each category's best hit; the strictest action decides (sanctions first on a tie)
  const applied = HIT_CATEGORIES.flatMap((category) => {
    const best = ranked.find((h) => categoryOf(h) === category);
    const rule = best === undefined ? undefined : bandOf(best.score, bands[category]);
    return rule === undefined ? [] : [{ category, best: best as DecisionHit, rule }];
  });
  const chosen = [...applied].sort(
    (a, b) => ACTION_SEVERITY[b.rule.action] - ACTION_SEVERITY[a.rule.action],
  )[0];
  // the hits kept: the best of every category that applied, then the best others, at most DECISION_HITS
  const kept = new Set<DecisionHit>(applied.map((a) => a.best));
  for (const h of ranked) if (kept.size < DECISION_HITS && bandOfHit(h, bands) !== undefined) kept.add(h);
  const hits = ranked.filter((h) => kept.has(h));
  const pepLists = input.pepLists ?? PEP_LISTS;
  const pepScreened = input.result.listVersions.some((v) => pepLists.includes(v.list));
  const pepRule = applied.find((a) => a.category === 'pep');
  const flaggedHits = hits.filter((h) => categoryOf(h) === 'pep' && bandOfHit(h, bands)?.action === 'edd');
  const pep: PepFinding | undefined = pepScreened
    ? {
        flagged: pepRule?.rule.action === 'edd',
        roles: [...new Set(flaggedHits.flatMap((h) => h.pepRoles ?? []))].sort(),
      }
    : undefined;
  return {
    decisionId: decisionIdOf(input.subject, input.trigger, input.queryKey, input.result.listVersions),
    subject: input.subject,
    trigger: input.trigger,
    at: input.now.toISOString(),
    band: chosen?.rule.band ?? 'clear',
    action: chosen?.rule.action ?? 'none',
    reason: chosen?.rule.reason ?? 'no listed name reaches the threshold',
    hits: chosen === undefined ? [] : hits,
    listVersions: input.result.listVersions,
    ...(pep ? { pep } : {}),
  };
}

const bandOfHit = (h: DecisionHit, bands: Readonly<Record<HitCategory, readonly BandRule[]>>) =>
  bandOf(h.score, bands[h.category ?? 'sanctions']);
