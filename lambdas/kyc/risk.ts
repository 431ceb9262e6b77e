// F1: a customer's risk rating with its reasons (jurisdiction, screening, volumes, PEP status), the refresh
// deadline it sets (yearly for high risk, every five years otherwise, in configuration) and the enhanced due
// diligence that high risk requires. Pure: the facts come from the KYC record, the screening decision and the
// withdrawal ledger; the clock is the caller's.
import type { Settings } from '../kernel/settings.js';
import type { KycConfig, KycRequirement } from './config.js';
import { toScaled } from './decimal.js';

export const RISK_RATINGS = ['low', 'medium', 'high'] as const;
export type RiskRating = (typeof RISK_RATINGS)[number];

/** The screening (F2) of the customer and the persons behind it. */
export type ScreeningStanding = 'clear' | 'pending' | 'possible-match' | 'confirmed-match';
export type PepStatus =
  | 'none'
  | 'domestic'
  | 'foreign'
  | 'international-organisation'
  | 'relative-or-associate';

export interface RiskFacts {
  residence: string;
  nationality?: string | undefined;
  taxResidences?: readonly string[] | undefined;
  /** For a business: its jurisdiction and its beneficial owners' residences. */
  otherCountries?: readonly string[] | undefined;
  screening: ScreeningStanding;
  pep: PepStatus;
  /** Withdrawn over the last 30 days, in the Travel Rule currency, as a decimal string. */
  volume30Days: string;
  /** Assets withdrawn in those 30 days that could not be priced (volume.ts): not in volume30Days. */
  volumeUnpriced?: readonly string[] | undefined;
}

export type RiskReasonCode =
  | 'restricted-jurisdiction'
  | 'high-risk-jurisdiction'
  | 'screening-confirmed-match'
  | 'screening-possible-match'
  | 'screening-pending'
  | 'pep'
  | 'volume-high'
  | 'volume-medium'
  | 'volume-unpriced';

export interface RiskReason {
  code: RiskReasonCode;
  rating: RiskRating;
  detail: string;
}

export interface RiskAssessment {
  rating: RiskRating;
  reasons: RiskReason[];
  /** What high risk adds to the KYC requirements (enhanced due diligence). */
  eddRequirements: KycRequirement[];
}

/** EDD: a source-of-funds document and a second approver (maker ≠ checker). */
export const EDD_REQUIREMENTS: readonly KycRequirement[] = ['source-of-funds', 'second-approval'];

const rank = (r: RiskRating) => RISK_RATINGS.indexOf(r);

/**
 * The rating is the highest of its reasons' (no reason: low). Restricted jurisdictions (settings, one list) and
 * high-risk ones (configuration) are taken from residence, nationality, tax residences and, for a business, the
 * other countries given; a restricted residence never gets here (person.ts refuses it), but a restricted
 * nationality or tax residence does, and rates high.
 */
export function assessCustomerRisk(
  facts: RiskFacts,
  config: Pick<KycConfig, 'highRiskCountries' | 'volumeRisk'>,
  settings: Pick<Settings, 'restrictedCountries'>,
): RiskAssessment {
  const reasons: RiskReason[] = [];
  const countries = [
    ...new Set([
      facts.residence,
      ...(facts.nationality ? [facts.nationality] : []),
      ...(facts.taxResidences ?? []),
      ...(facts.otherCountries ?? []),
    ]),
  ];
  for (const country of countries) {
    if (settings.restrictedCountries.includes(country)) {
      reasons.push({ code: 'restricted-jurisdiction', rating: 'high', detail: country });
    } else if (config.highRiskCountries.includes(country)) {
      reasons.push({ code: 'high-risk-jurisdiction', rating: 'high', detail: country });
    }
  }
  if (facts.screening === 'confirmed-match') {
    reasons.push({
      code: 'screening-confirmed-match',
      rating: 'high',
      detail: 'a confirmed screening match',
    });
  } else if (facts.screening === 'possible-match') {
    reasons.push({
      code: 'screening-possible-match',
      rating: 'medium',
      detail: 'a screening match under review',
    });
  } else if (facts.screening === 'pending') {
    reasons.push({ code: 'screening-pending', rating: 'medium', detail: 'screening not finished' });
  }
  if (facts.pep !== 'none') reasons.push({ code: 'pep', rating: 'high', detail: facts.pep });
  const volume = toScaled(facts.volume30Days);
  if (volume >= toScaled(config.volumeRisk.high)) {
    reasons.push({ code: 'volume-high', rating: 'high', detail: `${facts.volume30Days} in 30 days` });
  } else if (volume >= toScaled(config.volumeRisk.medium)) {
    reasons.push({ code: 'volume-medium', rating: 'medium', detail: `${facts.volume30Days} in 30 days` });
  }
  if (facts.volumeUnpriced && facts.volumeUnpriced.length > 0) {
    // the volume is not known: never rated low on a guess
    reasons.push({
      code: 'volume-unpriced',
      rating: 'medium',
      detail: `no recent price for ${facts.volumeUnpriced.join(', ')} withdrawn in 30 days`,
    });
  }
  const rating = reasons.reduce<RiskRating>(
    (r, reason) => (rank(reason.rating) > rank(r) ? reason.rating : r),
    'low',
  );
  return { rating, reasons, eddRequirements: rating === 'high' ? [...EDD_REQUIREMENTS] : [] };
}

/** `from` plus `months` calendar months in UTC; the 31st of a shorter month falls on its last day. */
export function addMonths(from: Date, months: number): Date {
  const target = new Date(
    Date.UTC(
      from.getUTCFullYear(),
      from.getUTCMonth() + months,
      1,
      from.getUTCHours(),
      from.getUTCMinutes(),
      from.getUTCSeconds(),
      from.getUTCMilliseconds(),
    ),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(from.getUTCDate(), lastDay));
  return target;
}

/** The refresh period of a rating in months. */
export const refreshMonthsOf = (rating: RiskRating, config: Pick<KycConfig, 'refreshMonths'>): number =>
  rating === 'high' ? config.refreshMonths.high : config.refreshMonths.other;

/**
 * The refresh deadline after a (re)assessment at `now`: the rating's period from the last completed review.
 * A rating that rises never pushes an existing deadline later: a customer rated high today is due within a year
 * even if their last review (as low risk) set five.
 */
export function refreshDeadline(
  rating: RiskRating,
  lastReviewedAt: Date,
  currentDueAt: Date | undefined,
  config: Pick<KycConfig, 'refreshMonths'>,
): Date {
  const due = addMonths(lastReviewedAt, refreshMonthsOf(rating, config));
  return currentDueAt && currentDueAt < due ? currentDueAt : due;
}

/** A review completed at `reviewedAt` starts a new period (the earlier deadline no longer applies). */
export const deadlineAfterReview = (
  rating: RiskRating,
  reviewedAt: Date,
  config: Pick<KycConfig, 'refreshMonths'>,
): Date => addMonths(reviewedAt, refreshMonthsOf(rating, config));

export type RefreshState = 'current' | 'due-soon' | 'overdue';
export const DUE_SOON_DAYS = 30;

/** Where a refresh stands at `now`: the workflow asks the customer from `due-soon` on; past due, limits drop. */
export function refreshState(dueAt: Date, now: Date): RefreshState {
  if (now.getTime() >= dueAt.getTime()) return 'overdue';
  if (dueAt.getTime() - now.getTime() <= DUE_SOON_DAYS * 24 * 3_600_000) return 'due-soon';
  return 'current';
}
