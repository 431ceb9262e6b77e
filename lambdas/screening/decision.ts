// F2: one screening decision, pure: the matcher's result (hits, list versions) → the band of the best hit,
// what it leads to (block, case, record, nothing) and the record kept of it. Every decision is recorded with
// the list versions it used, hits or not (a clear decision proves the subject was screened against them).
import { createHash } from 'node:crypto';
import { type BandRule, bandOf, SCREENING_BANDS, type ScreeningAction, type ScreeningBand } from './bands.js';
import type { ListVersionRef, ScreeningHit, ScreeningResult } from './screen.js';

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
  readonly hits: readonly ScreeningHit[];
  readonly listVersions: readonly ListVersionRef[];
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

export function decide(
  input: {
    readonly subject: ScreeningSubject;
    readonly trigger: ScreeningTrigger;
    readonly queryKey: string;
    readonly result: Pick<ScreeningResult, 'hits' | 'listVersions'>;
    readonly now: Date;
  },
  bands: readonly BandRule[] = SCREENING_BANDS,
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
  const hits = [...input.result.hits].sort((a, b) => b.score - a.score).slice(0, DECISION_HITS);
  const best = hits[0];
  const rule = best === undefined ? undefined : bandOf(best.score, bands);
  return {
    decisionId: decisionIdOf(input.subject, input.trigger, input.queryKey, input.result.listVersions),
    subject: input.subject,
    trigger: input.trigger,
    at: input.now.toISOString(),
    band: rule?.band ?? 'clear',
    action: rule?.action ?? 'none',
    reason: rule?.reason ?? 'no listed name reaches the threshold',
    hits: rule === undefined ? [] : hits,
    listVersions: input.result.listVersions,
  };
}
