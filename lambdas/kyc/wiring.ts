// The KYC context's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances (F1, X4).

import type { Asset } from '../kernel/assets.js';
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import type { Row } from '../kernel/integrity/signed-table.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';
import { type LedgerEntry, ledgerKey } from '../kernel/withdrawal-usage.js';
import { pepStatusOf } from '../screening/contracts.js';
import { screeningIntake, screeningStore } from '../screening/wiring.js';
import { type AssetLimits, KYC_DEFAULTS, type KycConfig } from './config.js';
import { KycStore, type RecordRater, readKycRecord } from './kyc-store.js';
import { effectiveLimits, type KycStanding, levelInForce, limitsOfLevel } from './levels.js';
import { KycPersonReader } from './person-reader.js';
import type { PriceSource } from './ports.js';
import { PriceTable } from './price-table.js';
import { pepOfFinding, rateRecord } from './record-risk.js';
import { DUE_SOON_DAYS, type PepStatus } from './risk.js';
import { kycStandingOf, openKycRecord } from './standing.js';
import { travelRuleApplies } from './travel-rule-threshold.js';
import { volume30Days } from './volume.js';

/**
 * The KYC configuration in force: the defaults of config.ts (docs/kyc.md, *Configuration*: not yet a settings
 * key, so that no function's environment grows before the configuration has its place). A constant, what
 * `parseKycConfig({})` gives (kyc-levels.test.ts), so no function builds the configuration's schema to read it.
 */
export const KYC_CONFIG: KycConfig = KYC_DEFAULTS;

const PEP_RANK: Record<PepStatus, number> = {
  none: 0,
  'relative-or-associate': 1,
  'international-organisation': 2,
  domestic: 3,
  foreign: 4,
};

/**
 * F1: every write of the KYC record rated (record-risk.ts): the PEP status of the customer and of each declared
 * owner from screening (`pepStatusOf`, the newest decision's PEP flag), the record's countries and screening
 * standing, and the 30-day withdrawn volume (volume.ts: the limits ledger's entries, priced by the price table),
 * read beside the PEP findings.
 */
export const kycRater = (infra: Pick<Infra, 'rows' | 'clock' | 'settings'>): RecordRater => {
  const decisions = screeningStore(infra);
  return {
    async prepare(userId, current) {
      const subjects = [userId, ...(current?.business?.owners ?? []).map((o) => o.ownerId)];
      const table = infra.rows().tables.accounts;
      const [findings, volume] = await Promise.all([
        Promise.all(subjects.map((id) => pepStatusOf(decisions, id))),
        table
          .get<Row & { entries?: LedgerEntry[] }>(ledgerKey(userId))
          .then((row) =>
            volume30Days(
              row?.entries ?? [],
              new PriceTable(table),
              KYC_CONFIG.travelRule.currency,
              infra.clock.now(),
            ),
          ),
      ]);
      const pep = findings
        .map(pepOfFinding)
        .reduce<PepStatus>((a, b) => (PEP_RANK[b] > PEP_RANK[a] ? b : a), 'none');
      const inputs = { pep, volume30Days: volume.amount, volumeUnpriced: volume.unpriced };
      return (record, at) => rateRecord(record, inputs, KYC_CONFIG, infra.settings(), at);
    },
  };
};

/** The KYC record without the vault: reads, screening results, level changes, the refresh; rated at each write. */
export const kycStore = (infra: Pick<Infra, 'rows' | 'clock' | 'settings'>) =>
  new KycStore(
    infra.rows().tables.accounts,
    outboxOf(infra),
    KYC_CONFIG,
    undefined,
    kycRater(infra),
    DUE_SOON_DAYS,
  );

/** The KYC record as sign-up opens it (X4: at `signupLevel`), without the store (a small bundle). */
export const kycOpening = (infra: Pick<Infra, 'rows'>) => ({
  open: (userId: string, at: string) =>
    openKycRecord(infra.rows().tables.accounts, userId, KYC_CONFIG.signupLevel, at),
});

/** The KYC record with the vault, which seals the person data and the owners (E2): the person and business routes. */
export const kycPersonStore = (infra: Pick<Infra, 'rows' | 'clock' | 'vault' | 'settings'>) =>
  new KycStore(
    infra.rows().tables.accounts,
    outboxOf(infra),
    KYC_CONFIG,
    infra.vault(),
    kycRater(infra),
    DUE_SOON_DAYS,
  );

/** F1 refresh: the store whose outbox also mails the customer (the refresh workflow's task). */
export const kycRefreshStore = (infra: Pick<Infra, 'rows' | 'clock' | 'settings' | 'userMail'>) =>
  new KycStore(
    infra.rows().tables.accounts,
    outboxOf(infra, { mail: infra.userMail() }),
    KYC_CONFIG,
    undefined,
    kycRater(infra),
    DUE_SOON_DAYS,
  );

/**
 * What the withdrawal request calls for a user's limits of one asset (its optional `levelLimits` port): the
 * KYC record's standing → the level in force → its limits. `standingOf` reads the KYC record. While the refresh
 * is overdue the answer carries a `ceiling` (the lapsed level's limits): the request caps a D2 admin override
 * with it too, so nothing lifts an overdue customer above `basic` (one rule: levels.ts `levelInForce`).
 */
export const levelLimits =
  (
    infra: Pick<Infra, 'settings'>,
    config: KycConfig,
    standingOf: (userId: string) => Promise<KycStanding | undefined>,
  ) =>
  async (userId: string, asset: Asset, now: Date): Promise<AssetLimits & { ceiling?: AssetLimits }> => {
    const standing = await standingOf(userId);
    const limits = effectiveLimits(standing, config, infra.settings(), now)[asset];
    if (!levelInForce(standing, config, now).lapsed) return limits;
    const cap = limitsOfLevel(config.lapsedLevel, config, infra.settings())[asset];
    return { ...limits, ceiling: cap };
  };

/** X4: the withdrawal request's `levelLimits` over the KYC record (read at each request: nothing cached). */
export const kycLevelLimits = (infra: Pick<Infra, 'rows' | 'clock' | 'settings'>) =>
  levelLimits(infra, KYC_CONFIG, (userId) => kycStandingOf(infra.rows().tables.accounts, userId));

/**
 * F1: the withdrawal request's `travelRule` port: the amount priced in the configured currency and compared with
 * the threshold (travel-rule.ts, fail safe). In AWS the prices are the operator's signed price table.
 */
export const kycTravelRule =
  (prices: PriceSource, config: KycConfig = KYC_CONFIG) =>
  (asset: Asset, amount: string, now: Date) =>
    travelRuleApplies(asset, amount, prices, config, now);

export const priceTable = (infra: Pick<Infra, 'rows'>) => new PriceTable(infra.rows().tables.accounts);

export const awsKycTravelRule = /* @__PURE__ */ once(() => kycTravelRule(priceTable({ rows: aws.rows })));

/**
 * F1: the person data opened by the vault (the Travel Rule's originator): the beneficiary declaration only. It
 * reads the record and writes nothing, so it is built on the record's read, not the store (whose writes rate
 * the record: the rater's reads and rules would be bundled in DeclareBeneficiary and never run).
 */
export const kycPersonReader = (infra: Pick<Infra, 'rows' | 'vault'>) =>
  new KycPersonReader(
    { get: (userId) => readKycRecord(infra.rows().tables.accounts, userId) },
    infra.vault(),
  );
export const awsKycPersonReader = /* @__PURE__ */ once(() =>
  kycPersonReader({ rows: aws.rows, vault: aws.vault }),
);

export const awsKycStore = /* @__PURE__ */ once(() =>
  kycStore({ rows: aws.rows, clock: aws.clock, settings: aws.settings }),
);
export const awsKycPersonStore = /* @__PURE__ */ once(() =>
  kycPersonStore({ rows: aws.rows, clock: aws.clock, vault: aws.vault, settings: aws.settings }),
);
export const awsKycRefreshStore = /* @__PURE__ */ once(() =>
  kycRefreshStore({ rows: aws.rows, clock: aws.clock, settings: aws.settings, userMail: aws.userMail }),
);

export const awsKycLevelLimits = /* @__PURE__ */ once(() =>
  kycLevelLimits({ rows: aws.rows, clock: aws.clock, settings: aws.settings }),
);
/** F1 → F2: the person's facts to the roster (sealed) and their screening (the screening workflow). */
export const awsKycScreeningIntake = /* @__PURE__ */ once(() =>
  screeningIntake({ rows: aws.rows, clock: aws.clock, workflows: aws.workflows, vault: aws.vault }),
);

// F1 (Travel Rule): the beneficiary declaration's components (its own function: the matcher and the vault).
export { awsAddressAuditOutbox, awsAddressTravelRules } from '../addresses/wiring.js';
export { caseWork } from '../cases/wiring.js';
export { awsScreeningWork, screeningStore } from '../screening/wiring.js';
