// F1: the risk rating of a KYC record, recomputed at every write of the record (a person, a business, a
// screening decision, a refresh): jurisdiction (the countries the record keeps for it), screening standing (the
// person's and every declared owner's), volume, and PEP status (screening's `pepStatusOf`, the customer's and the
// owners'), through risk.ts `assessCustomerRisk`. High risk adds the EDD requirements; the rating sets the
// refresh deadline from the last completed review (`refreshDeadline`: a rise never pushes it later).
import type { Settings } from '../kernel/settings.js';
import type { KycConfig, KycRequirement } from './config.js';
import type { KycRecord, StoredRisk } from './kyc-store.js';
import {
  assessCustomerRisk,
  type PepStatus,
  type RiskRating,
  refreshDeadline,
  type ScreeningStanding,
} from './risk.js';

/** What the rating reads beyond the record. */
export interface RiskInputs {
  /** The strongest PEP status among the customer and their declared owners. */
  pep: PepStatus;
  /** Withdrawn over 30 days in the Travel Rule currency (volume.ts: the limits ledger, priced). */
  volume30Days: string;
  /** Assets withdrawn in those 30 days without a usable price. */
  volumeUnpriced?: readonly string[];
}

/** screening's PEP finding (`pepStatusOf`) as the rating's PEP status; the roles say which kind. */
export function pepOfFinding(finding: { status: string; roles: readonly string[] }): PepStatus {
  if (finding.status !== 'pep') return 'none';
  if (finding.roles.some((r) => r.startsWith('role.pep.intl'))) return 'international-organisation';
  if (finding.roles.length > 0 && finding.roles.every((r) => r === 'role.rca'))
    return 'relative-or-associate';
  if (finding.roles.some((r) => r === 'role.pep.natl')) return 'domestic';
  return 'foreign';
}

const STANDING_RANK: Record<ScreeningStanding, number> = {
  clear: 0,
  pending: 1,
  'possible-match': 2,
  'confirmed-match': 3,
};

/** One screening as the rating sees it: the band decides; no decision yet is pending. */
export function standingOf(status: string | undefined, band: string | undefined): ScreeningStanding {
  if (band === 'strong') return 'confirmed-match';
  if (band === 'clear' || status === 'met') return 'clear';
  if (band !== undefined || status === 'in-review') return 'possible-match';
  return 'pending';
}

/** The record's screening standing: the worst of the person's and every owner's. */
export function screeningStandingOf(record: KycRecord): ScreeningStanding {
  const standings: ScreeningStanding[] = [];
  if (record.requirements['screening-clear'] !== undefined || record.screeningBand !== undefined) {
    standings.push(standingOf(record.requirements['screening-clear'], record.screeningBand));
  }
  for (const owner of record.business?.owners ?? []) standings.push(standingOf(owner.screening, owner.band));
  return standings.reduce<ScreeningStanding>(
    (worst, s) => (STANDING_RANK[s] > STANDING_RANK[worst] ? s : worst),
    'clear',
  );
}

/**
 * The record with its risk, its EDD requirements and its refresh deadline as of now. A record with nothing to
 * rate (no person data, no business) keeps none.
 */
export function rateRecord(
  record: KycRecord,
  inputs: RiskInputs,
  config: Pick<KycConfig, 'highRiskCountries' | 'volumeRisk' | 'refreshMonths'>,
  settings: Pick<Settings, 'restrictedCountries'>,
  at: string,
): KycRecord {
  const countries = [...(record.personCountries ?? []), ...(record.business?.countries ?? [])];
  const [residence] = countries;
  if (residence === undefined) return record;
  const assessment = assessCustomerRisk(
    {
      residence,
      otherCountries: countries.slice(1),
      screening: screeningStandingOf(record),
      pep: inputs.pep,
      volume30Days: inputs.volume30Days,
      volumeUnpriced: inputs.volumeUnpriced,
    },
    config,
    settings,
  );
  const same =
    record.risk?.rating === assessment.rating &&
    JSON.stringify(record.risk.reasons) === JSON.stringify(assessment.reasons);
  const risk: StoredRisk = same && record.risk ? record.risk : { ...assessment, assessedAt: at };
  const requirements = { ...record.requirements };
  for (const requirement of assessment.eddRequirements as KycRequirement[]) {
    requirements[requirement] ??= 'missing';
  }
  const refreshDueAt = record.reviewedAt
    ? refreshDeadline(
        assessment.rating as RiskRating,
        new Date(record.reviewedAt),
        record.refreshDueAt === undefined ? undefined : new Date(record.refreshDueAt),
        config,
      ).toISOString()
    : record.refreshDueAt;
  return {
    ...record,
    requirements,
    risk,
    ...(refreshDueAt === undefined ? {} : { refreshDueAt }),
  };
}
