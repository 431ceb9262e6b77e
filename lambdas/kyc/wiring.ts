// The KYC context's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances (F1, X4).

import type { Asset } from '../kernel/assets.js';
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';
import { screeningIntake } from '../screening/wiring.js';
import { type AssetLimits, type KycConfig, parseKycConfig } from './config.js';
import { KycStore } from './kyc-store.js';
import { effectiveLimits, type KycStanding } from './levels.js';
import { KycPersonReader } from './person-reader.js';
import type { PriceSource } from './ports.js';
import { PriceTable } from './price-table.js';
import { travelRuleApplies } from './travel-rule-threshold.js';

/**
 * The KYC configuration in force: the defaults of config.ts (docs/kyc.md, *Configuration*: not yet a settings
 * key, so that no function's environment grows before the configuration has its place).
 */
export const KYC_CONFIG: KycConfig = parseKycConfig({});

/** The KYC record without the vault: reads, screening results, level changes. */
export const kycStore = (infra: Pick<Infra, 'rows' | 'clock'>) =>
  new KycStore(infra.rows().tables.accounts, outboxOf(infra), KYC_CONFIG);

/** The KYC record with the vault, which seals the person data (E2): POST /v1/me/kyc/person only. */
export const kycPersonStore = (infra: Pick<Infra, 'rows' | 'clock' | 'vault'>) =>
  new KycStore(infra.rows().tables.accounts, outboxOf(infra), KYC_CONFIG, infra.vault());

/**
 * What the withdrawal request calls for a user's limits of one asset (its optional `levelLimits` port): the
 * KYC record's standing → the level in force → its limits. `standingOf` reads the KYC record.
 */
export const levelLimits =
  (
    infra: Pick<Infra, 'settings'>,
    config: KycConfig,
    standingOf: (userId: string) => Promise<KycStanding | undefined>,
  ) =>
  async (userId: string, asset: Asset, now: Date): Promise<AssetLimits> =>
    effectiveLimits(await standingOf(userId), config, infra.settings(), now)[asset];

/** X4: the withdrawal request's `levelLimits` over the KYC record (read at each request: nothing cached). */
export const kycLevelLimits = (infra: Pick<Infra, 'rows' | 'clock' | 'settings'>) => {
  const store = kycStore(infra);
  return levelLimits(infra, KYC_CONFIG, (userId) => store.standing(userId));
};

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

/** F1: the person data opened by the vault (the Travel Rule's originator): the beneficiary declaration only. */
export const kycPersonReader = (infra: Pick<Infra, 'rows' | 'clock' | 'vault'>) =>
  new KycPersonReader(kycStore(infra), infra.vault());
export const awsKycPersonReader = /* @__PURE__ */ once(() =>
  kycPersonReader({ rows: aws.rows, clock: aws.clock, vault: aws.vault }),
);

export const awsKycStore = /* @__PURE__ */ once(() => kycStore({ rows: aws.rows, clock: aws.clock }));
export const awsKycPersonStore = /* @__PURE__ */ once(() =>
  kycPersonStore({ rows: aws.rows, clock: aws.clock, vault: aws.vault }),
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
export { awsScreeningWork } from '../screening/wiring.js';
