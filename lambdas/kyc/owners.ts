// F1: a business customer's owners as a requirement of its level. Every beneficial owner (each natural person
// at or above the threshold; when nobody is, the senior managing official) must pass KYC: their identity
// verified by the provider (or a compliance reviewer when the provider cannot decide), and their screening
// clear. The requirement `beneficial-owners` (config.ts; in the levels configuration like every other) is met
// when every owner has both; until then the business does not reach the level that requires it, and a
// business that held that level when it declared is held below it (levels.ts `levelCap`). Pure.
import type { KycConfig, KycLevel, RequirementScope } from './config.js';
import { BUSINESS_REQUIREMENTS } from './config.js';
import {
  levelCap,
  levelChange,
  levelEarned,
  type RequirementFacts,
  type RequirementStatus,
} from './levels.js';
import type { Verification } from './verification.js';

/** The requirement a business's owners answer. */
export const OWNERS_REQUIREMENT = 'beneficial-owners' as const;

/** What an owner's screening says inside the record (`in-review`: a hit, never shown as such). */
export type OwnerScreening = 'pending' | 'met' | 'in-review';
/** Where an owner's own KYC (the identity verification) stands. */
export type OwnerIdentity = 'missing' | 'pending' | 'in-review' | 'met' | 'rejected';
/** Why an owner holds the business back, as the customer is told. */
export const OWNER_WAITS = ['screening', 'documents', 'verification'] as const;
export type OwnerWait = (typeof OWNER_WAITS)[number];

/** What the rule reads of a declared owner (kyc-store.ts `OwnerRecord`). */
export interface OwnerFacts {
  readonly ownerId: string;
  readonly nameMasked: string;
  readonly screening: OwnerScreening;
  readonly verification?: Verification;
}

/** The owner's identity verification from the check in force (none: the documents are still missing). */
export function ownerIdentity(verification: Verification | undefined): OwnerIdentity {
  switch (verification?.status) {
    case undefined:
      return 'missing';
    case 'approved':
      return 'met';
    case 'rejected':
      return 'rejected';
    case 'undecided':
      return 'in-review';
    default:
      return 'pending';
  }
}

/** What one owner still needs (empty: passed). A screening hit reads as `screening`, never more (tipping-off). */
export function ownerWaits(owner: OwnerFacts): OwnerWait[] {
  const waits: OwnerWait[] = [];
  if (owner.screening !== 'met') waits.push('screening');
  const identity = ownerIdentity(owner.verification);
  if (identity === 'missing' || identity === 'rejected') waits.push('documents');
  else if (identity !== 'met') waits.push('verification');
  return waits;
}

/**
 * The status of `beneficial-owners` over the declared owners, the most pressing first: `rejected` (an owner's
 * identity was rejected: new documents), `in-review` (a screening hit or an undecided check: compliance),
 * `missing` (an owner's documents are not in), `pending` (screening or the provider still deciding), `met`.
 * No owner at all (no declaration) is `missing`.
 */
export function ownersStatus(owners: readonly OwnerFacts[]): RequirementStatus {
  if (owners.length === 0) return 'missing';
  const identities = owners.map((o) => ownerIdentity(o.verification));
  if (identities.includes('rejected')) return 'rejected';
  if (owners.some((o) => o.screening === 'in-review') || identities.includes('in-review')) return 'in-review';
  if (identities.includes('missing')) return 'missing';
  if (owners.every((o, i) => o.screening === 'met' && identities[i] === 'met')) return 'met';
  return 'pending';
}

/** What the rule reads of a KYC record. */
export interface RecordFacts {
  readonly requirements: RequirementFacts;
  readonly business?: { readonly owners: readonly OwnerFacts[] };
}

/** Whom the record's requirements are read for: its business (when declared) brings `beneficial-owners`. */
export const scopeOf = (record: RecordFacts | undefined): RequirementScope => ({
  business: record?.business !== undefined,
});

/** The record's requirement facts with `beneficial-owners` derived from its owners (one source: the owners). */
export function factsOf(record: RecordFacts): RequirementFacts {
  if (!record.business) return record.requirements;
  return { ...record.requirements, [OWNERS_REQUIREMENT]: ownersStatus(record.business.owners) };
}

/**
 * The level the record's facts allow from `current`: raised to what they earn (never lowered by that), and for
 * a business held below the level that requires its owners while they have not all passed.
 */
export function levelAllowed(
  current: KycLevel,
  record: RecordFacts,
  config: Pick<KycConfig, 'levels'>,
): KycLevel {
  const facts = factsOf(record);
  const earned = levelEarned(facts, config, scopeOf(record));
  let to = levelChange(current, earned) === 'raise' ? earned : current;
  if (record.business) {
    const cap = levelCap(facts, config, BUSINESS_REQUIREMENTS);
    if (cap !== undefined && levelChange(to, cap) === 'lower') to = cap;
  }
  return to;
}

/** The owners as the customer sees them: a screening hit is `pending`, never why (tipping-off). */
export function customerOwner(owner: OwnerFacts) {
  return {
    screening: owner.screening === 'met' ? ('met' as const) : ('pending' as const),
    identity: ownerIdentity(owner.verification),
    waiting: ownerWaits(owner),
  };
}

/** The requirement as the customer sees it: a screening hit reads as pending, never as a review. */
export function customerOwnersStatus(owners: readonly OwnerFacts[]): RequirementStatus {
  return ownersStatus(
    owners.map((o) => (o.screening === 'in-review' ? { ...o, screening: 'pending' as const } : o)),
  );
}
