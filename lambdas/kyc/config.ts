// F1/X4: the KYC configuration: the levels (what each requires, their withdrawal limits), the beneficial-owner
// threshold, refresh periods, the high-risk jurisdictions, the Travel Rule threshold and the document limits.
// One typed schema with defaults, read once. The limits of `basic` are not here: they are the deploy's
// `withdrawalLimits` setting (kernel/settings.ts), the limits every user has today, so there is one source.
import * as z from 'zod/mini';
import type { Asset } from '../kernel/assets.js';

export const KYC_LEVELS = ['none', 'basic', 'verified', 'enhanced'] as const;
export type KycLevel = (typeof KYC_LEVELS)[number];

/** What a level can require; each level requires its own list and every lower level's. */
export const KYC_REQUIREMENTS = [
  /** The person data of POST /v1/me/kyc/person, residence outside the restricted jurisdictions (F4). */
  'person',
  /** The person screened (F2) without an open or confirmed match. */
  'screening-clear',
  /**
   * A business customer only: each beneficial owner (or the senior managing official) has passed KYC (their
   * identity verified by the provider or a reviewer) and screened clear (owners.ts `ownersRequirement`).
   */
  'beneficial-owners',
  'government-id',
  'proof-of-address',
  'selfie',
  /** The verification provider (or a compliance reviewer) approved the documents against the person. */
  'identity-verified',
  /** EDD: a source-of-funds document, reviewed. */
  'source-of-funds',
  /** EDD: a second compliance approver (maker ≠ checker). */
  'second-approval',
] as const;
export type KycRequirement = (typeof KYC_REQUIREMENTS)[number];

/** The requirements that apply to a business customer only (a person's levels skip them). */
export const BUSINESS_REQUIREMENTS: readonly KycRequirement[] = ['beneficial-owners'];

/** Whom a level's requirements are read for: a person, or a business customer (its owners count). */
export interface RequirementScope {
  readonly business: boolean;
}
export const PERSON_SCOPE: RequirementScope = { business: false };

/** Whether a requirement applies to the customer (a business requirement to a business only). */
export const requirementApplies = (requirement: KycRequirement, scope: RequirementScope): boolean =>
  scope.business || !BUSINESS_REQUIREMENTS.includes(requirement);

/** The withdrawal limits of one asset: decimal strings, per day and per month. */
export interface AssetLimits {
  daily: string;
  monthly: string;
}
export type LimitsPerAsset = Record<Asset, AssetLimits>;
export type Fiat = 'EUR' | 'USD';

export const DOCUMENT_TYPES = [
  'image/jpeg',
  'image/png',
  'application/pdf',
  'image/heic',
  'image/webp',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/**
 * The configuration in force while it has no settings key (docs/kyc.md, *Configuration*): every key's default,
 * exactly what `parseKycConfig({})` gives (zod hands a default out as it is, unparsed), so the functions use it
 * as a constant and build the schema only to parse a configuration given to them (kyc-levels.test.ts holds
 * the two equal).
 */
export const KYC_DEFAULTS: KycConfig = {
  levels: {
    none: {
      requires: [],
      limits: { BTC: { daily: '0.05', monthly: '0.2' }, ETH: { daily: '1', monthly: '5' } },
    },
    basic: { requires: ['person', 'screening-clear', 'beneficial-owners'] },
    verified: {
      requires: ['government-id', 'proof-of-address', 'selfie', 'identity-verified'],
      limits: { BTC: { daily: '10', monthly: '100' }, ETH: { daily: '250', monthly: '2500' } },
    },
    enhanced: {
      requires: ['source-of-funds', 'second-approval'],
      limits: { BTC: { daily: '50', monthly: '500' }, ETH: { daily: '1250', monthly: '12500' } },
    },
  },
  defaultLevel: 'basic',
  signupLevel: 'none',
  lapsedLevel: 'basic',
  beneficialOwnerThresholdPercent: 25,
  refreshMonths: { high: 12, other: 60 },
  highRiskCountries: ['KP', 'IR', 'MM'],
  volumeRisk: { medium: '15000', high: '100000' },
  travelRule: { currency: 'EUR', thresholds: { EUR: '1000', USD: '1000' }, maxPriceAgeSeconds: 900 },
  vasp: { legalName: 'Palisade Digital Assets', country: 'DE' },
  documents: {
    minBytes: 100,
    maxBytes: 10 * 1024 * 1024,
    maxPdfPages: 10,
    uploadSlotSeconds: 900,
    providerLinkSeconds: 600,
  },
};

/** The configuration's keys, each a schema of its value; built only to parse a given configuration. */
const buildConfigKeys = () => {
  const decimalString = z
    .string()
    .check(z.regex(/^(0|[1-9][0-9]{0,17})(\.[0-9]{1,18})?$/, 'a decimal such as 2.5'));
  const assetLimits = z.object({ daily: decimalString, monthly: decimalString });
  const limitsPerAsset = z.object({ BTC: assetLimits, ETH: assetLimits });
  const requires = z.array(z.enum(KYC_REQUIREMENTS));
  const countryCode = z.string().check(z.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code'));
  const fiat = z.enum(['EUR', 'USD'] as const satisfies readonly Fiat[]);
  return {
    levels: z.object({
      none: z.object({ requires, limits: limitsPerAsset }),
      /** `basic`'s limits are settings.withdrawalLimits. */
      basic: z.object({ requires }),
      verified: z.object({ requires, limits: limitsPerAsset }),
      enhanced: z.object({ requires, limits: limitsPerAsset }),
    }),
    /** The level of a user without a KYC record: `basic` keeps today's limits for every existing user. */
    defaultLevel: z.enum(KYC_LEVELS),
    /**
     * The level sign-up writes in the new customer's KYC record (`none`: the starter limits until the person data
     * screens clear). Users from before sign-up wrote a record have none and stay at `defaultLevel`.
     */
    signupLevel: z.enum(KYC_LEVELS),
    /** A customer past their refresh deadline withdraws no more than this level allows. */
    lapsedLevel: z.enum(KYC_LEVELS),
    /** Beneficial owners: natural persons with at least this effective ownership, in percent. */
    beneficialOwnerThresholdPercent: z.number().check(z.gt(0), z.maximum(100)),
    /** Refresh periods by risk rating, in months. */
    refreshMonths: z.object({
      high: z.number().check(z.int(), z.minimum(1), z.maximum(12)),
      other: z.number().check(z.int(), z.minimum(1), z.maximum(60)),
    }),
    /** Jurisdictions that make a customer high risk (not refused: refused ones are settings.restrictedCountries). */
    highRiskCountries: z.array(countryCode),
    /** Volume (30 days, in the Travel Rule's currency) from which a customer is medium, then high risk. */
    volumeRisk: z.object({ medium: decimalString, high: decimalString }),
    travelRule: z.object({
      /** The currency amounts are measured in, and the threshold in each currency. */
      currency: fiat,
      thresholds: z.object({ EUR: decimalString, USD: decimalString }),
      /** A price older than this is not used: the withdrawal then carries the data (fail safe). */
      maxPriceAgeSeconds: z.number().check(z.int(), z.minimum(1), z.maximum(3600)),
    }),
    /** F1 (Travel Rule): this VASP as IVMS101 names it in every payload (the originating VASP). */
    vasp: z.object({
      legalName: z.string().check(z.minLength(1), z.maxLength(100)),
      country: countryCode,
      lei: z.optional(z.string().check(z.regex(/^[A-Z0-9]{18}[0-9]{2}$/, 'a 20-character LEI'))),
    }),
    documents: z.object({
      minBytes: z.number().check(z.int(), z.minimum(1)),
      maxBytes: z.number().check(z.int(), z.minimum(1024), z.maximum(50 * 1024 * 1024)),
      maxPdfPages: z.number().check(z.int(), z.minimum(1), z.maximum(100)),
      uploadSlotSeconds: z.number().check(z.int(), z.minimum(60), z.maximum(3600)),
      /** How long the links the verification provider fetches the documents with stay valid. */
      providerLinkSeconds: z.number().check(z.int(), z.minimum(60), z.maximum(3600)),
    }),
  };
};
type ConfigKeys = ReturnType<typeof buildConfigKeys>;

export type KycConfig = { [K in keyof ConfigKeys]: z.infer<ConfigKeys[K]> };

/** The schema of a given configuration: each key optional, defaulting to KYC_DEFAULTS'. */
const buildKycConfigSchema = () => {
  const keys = buildConfigKeys();
  return z.object({
    levels: z._default(keys.levels, KYC_DEFAULTS.levels),
    defaultLevel: z._default(keys.defaultLevel, KYC_DEFAULTS.defaultLevel),
    signupLevel: z._default(keys.signupLevel, KYC_DEFAULTS.signupLevel),
    lapsedLevel: z._default(keys.lapsedLevel, KYC_DEFAULTS.lapsedLevel),
    beneficialOwnerThresholdPercent: z._default(
      keys.beneficialOwnerThresholdPercent,
      KYC_DEFAULTS.beneficialOwnerThresholdPercent,
    ),
    refreshMonths: z._default(keys.refreshMonths, KYC_DEFAULTS.refreshMonths),
    highRiskCountries: z._default(keys.highRiskCountries, KYC_DEFAULTS.highRiskCountries),
    volumeRisk: z._default(keys.volumeRisk, KYC_DEFAULTS.volumeRisk),
    travelRule: z._default(keys.travelRule, KYC_DEFAULTS.travelRule),
    vasp: z._default(keys.vasp, KYC_DEFAULTS.vasp),
    documents: z._default(keys.documents, KYC_DEFAULTS.documents),
  });
};
let kycConfigSchema: ReturnType<typeof buildKycConfigSchema> | undefined;

export class KycConfigError extends Error {
  override readonly name = 'KycConfigError';
}

/** Parses the raw KYC configuration; a bad value fails with its path. */
export function parseKycConfig(raw: unknown): KycConfig {
  kycConfigSchema ??= buildKycConfigSchema();
  const result = z.safeParse(kycConfigSchema, raw ?? {});
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new KycConfigError(`Invalid KYC configuration: ${detail}`);
  }
  const config = result.data;
  const seen = new Set<string>();
  for (const level of KYC_LEVELS) {
    for (const requirement of config.levels[level].requires) {
      if (seen.has(requirement)) {
        throw new KycConfigError(`Invalid KYC configuration: ${requirement} is required by two levels`);
      }
      seen.add(requirement);
    }
  }
  return config;
}
