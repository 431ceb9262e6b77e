// X4: what a user may withdraw follows from their KYC level. Pure rules over the configuration (config.ts)
// and the deploy's `withdrawalLimits` (the limits of `basic`): the level in force (a refresh past its
// deadline caps it at `lapsedLevel`), its limits per asset, and what the next level needs.
import { ASSET_IDS, type Asset } from '../kernel/assets.js';
import type { Settings } from '../kernel/settings.js';
import {
  type AssetLimits,
  KYC_LEVELS,
  type KycConfig,
  type KycLevel,
  type KycRequirement,
  type LimitsPerAsset,
  PERSON_SCOPE,
  type RequirementScope,
  requirementApplies,
} from './config.js';
import { minDecimal } from './decimal.js';

/** What the KYC record says of a user's level; no record at all is the configured default level. */
export interface KycStanding {
  level: KycLevel;
  /** When the next refresh is due (risk.ts); past it, the level is capped. */
  refreshDueAt?: string | undefined;
}

export const levelRank = (level: KycLevel): number => KYC_LEVELS.indexOf(level);

/** How a change of level moves the limits: a lowering takes effect at once, a raise after its approval. */
export const levelChange = (from: KycLevel, to: KycLevel): 'raise' | 'lower' | 'same' =>
  levelRank(to) > levelRank(from) ? 'raise' : levelRank(to) < levelRank(from) ? 'lower' : 'same';

/** The limits of one level per asset; `basic`'s are the deploy's `withdrawalLimits` (one source). */
export function limitsOfLevel(
  level: KycLevel,
  config: Pick<KycConfig, 'levels'>,
  settings: Pick<Settings, 'withdrawalLimits'>,
): LimitsPerAsset {
  if (level === 'basic') return settings.withdrawalLimits;
  return config.levels[level].limits;
}

export interface LevelInForce {
  /** The level recorded (or the default one). */
  level: KycLevel;
  /** The level whose limits apply now. */
  effective: KycLevel;
  /** The refresh deadline has passed. */
  lapsed: boolean;
}

/** The level in force at `now`: past the refresh deadline, no more than `lapsedLevel`. */
export function levelInForce(
  standing: KycStanding | undefined,
  config: Pick<KycConfig, 'defaultLevel' | 'lapsedLevel'>,
  now: Date,
): LevelInForce {
  const level = standing?.level ?? config.defaultLevel;
  const due = standing?.refreshDueAt === undefined ? undefined : Date.parse(standing.refreshDueAt);
  const lapsed = due !== undefined && now.getTime() >= due;
  const effective = lapsed && levelRank(level) > levelRank(config.lapsedLevel) ? config.lapsedLevel : level;
  return { level, effective, lapsed };
}

/**
 * The limits that apply to the user now, per asset: their level's, capped when the refresh has lapsed. The cap
 * is taken limit by limit (the smaller of the level's and the lapsed level's), so a configuration where a lower
 * level had a larger limit still never lets a lapsed customer withdraw more than `lapsedLevel` allows.
 */
export function effectiveLimits(
  standing: KycStanding | undefined,
  config: Pick<KycConfig, 'levels' | 'defaultLevel' | 'lapsedLevel'>,
  settings: Pick<Settings, 'withdrawalLimits'>,
  now: Date,
): LimitsPerAsset {
  const { level, lapsed } = levelInForce(standing, config, now);
  const own = limitsOfLevel(level, config, settings);
  if (!lapsed) return own;
  const cap = limitsOfLevel(config.lapsedLevel, config, settings);
  const capped = (asset: Asset): AssetLimits => ({
    daily: minDecimal(own[asset].daily, cap[asset].daily),
    monthly: minDecimal(own[asset].monthly, cap[asset].monthly),
  });
  return Object.fromEntries(ASSET_IDS.map((asset) => [asset, capped(asset)])) as LimitsPerAsset;
}

/** Where a requirement stands for a user. */
export const REQUIREMENT_STATUSES = ['missing', 'pending', 'in-review', 'met', 'rejected'] as const;
export type RequirementStatus = (typeof REQUIREMENT_STATUSES)[number];
export type RequirementFacts = Partial<Record<KycRequirement, RequirementStatus>>;

/**
 * Every requirement up to and including `level`, lowest level first, that applies to the customer (a business
 * requirement to a business only: `scope`).
 */
export function requirementsUpTo(
  level: KycLevel,
  config: Pick<KycConfig, 'levels'>,
  scope: RequirementScope = PERSON_SCOPE,
): KycRequirement[] {
  return KYC_LEVELS.slice(0, levelRank(level) + 1)
    .flatMap((l) => config.levels[l].requires)
    .filter((r) => requirementApplies(r, scope));
}

export interface NextLevel {
  level: KycLevel;
  limits: LimitsPerAsset;
  requirements: { requirement: KycRequirement; status: RequirementStatus }[];
}

export interface KycOverview {
  level: KycLevel;
  effectiveLevel: KycLevel;
  limits: LimitsPerAsset;
  refresh?: { dueAt: string; overdue: boolean } | undefined;
  /** Absent at the top level. */
  next?: NextLevel | undefined;
}

/**
 * What GET /v1/me/kyc answers (contracts.ts `kycOverview`): the level, the limits in force, the refresh, and
 * the next level with every requirement it needs (its own and any lower level's still unmet) and where each
 * stands. When the refresh has lapsed, the next step is the level already held: its requirements show what
 * must be provided again (a requirement the refresh asks again is reported `missing` by the caller's facts).
 */
export function kycOverview(
  standing: KycStanding | undefined,
  facts: RequirementFacts,
  config: Pick<KycConfig, 'levels' | 'defaultLevel' | 'lapsedLevel'>,
  settings: Pick<Settings, 'withdrawalLimits'>,
  now: Date,
  scope: RequirementScope = PERSON_SCOPE,
): KycOverview {
  const inForce = levelInForce(standing, config, now);
  const target =
    inForce.lapsed && inForce.effective !== inForce.level ? inForce.level : nextAbove(inForce.level);
  return {
    level: inForce.level,
    effectiveLevel: inForce.effective,
    limits: effectiveLimits(standing, config, settings, now),
    ...(standing?.refreshDueAt ? { refresh: { dueAt: standing.refreshDueAt, overdue: inForce.lapsed } } : {}),
    ...(target
      ? {
          next: {
            level: target,
            limits: limitsOfLevel(target, config, settings),
            requirements: requirementsUpTo(target, config, scope).map((requirement) => ({
              requirement,
              status: facts[requirement] ?? 'missing',
            })),
          },
        }
      : {}),
  };
}

const nextAbove = (level: KycLevel): KycLevel | undefined => KYC_LEVELS[levelRank(level) + 1];

/**
 * The highest level whose requirements (and every lower level's) that apply to the customer are all met: a
 * business requirement (`beneficial-owners`) counts for a business customer only (`scope`).
 */
export function levelEarned(
  facts: RequirementFacts,
  config: Pick<KycConfig, 'levels'>,
  scope: RequirementScope = PERSON_SCOPE,
): KycLevel {
  let earned: KycLevel = 'none';
  for (const level of KYC_LEVELS) {
    const unmet = config.levels[level].requires.some(
      (r) => requirementApplies(r, scope) && facts[r] !== 'met',
    );
    if (unmet) break;
    earned = level;
  }
  return earned;
}

/**
 * The highest level a customer may hold while some of its requirements are unmet: below the lowest level that
 * requires one of `which` not met (undefined when nothing caps it). A business whose owners have not passed is
 * held below the level that requires them, whatever it held before (owners.ts).
 */
export function levelCap(
  facts: RequirementFacts,
  config: Pick<KycConfig, 'levels'>,
  which: readonly KycRequirement[],
): KycLevel | undefined {
  for (const level of KYC_LEVELS) {
    if (config.levels[level].requires.some((r) => which.includes(r) && facts[r] !== 'met')) {
      return KYC_LEVELS[Math.max(0, levelRank(level) - 1)];
    }
  }
  return undefined;
}
