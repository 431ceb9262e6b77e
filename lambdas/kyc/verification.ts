// F1: the document and verification rules over a KYC record's facts, pure. An accepted upload makes its
// requirement `pending` (submitted, awaiting verification; `source-of-funds` goes to compliance: `in-review`);
// once the three identity documents are accepted the verification provider is asked; its decision meets or
// rejects them with `identity-verified`; `undecided` leaves `identity-verified` `in-review` for the compliance
// tier (the `review-kyc-requirement` admin action), which decides with the same effects.
import type { DocumentType, KycRequirement } from './config.js';
import type { DocumentKind, DocumentRefusal } from './document-kinds.js';
import type { RequirementFacts } from './levels.js';

/** The documents the provider verifies together against the person. */
export const IDENTITY_DOCUMENTS = ['government-id', 'proof-of-address', 'selfie'] as const;

/** The requirement a document kind answers (none for a business's incorporation documents). */
export const requirementOfKind = (kind: DocumentKind): KycRequirement | undefined =>
  kind === 'incorporation' ? undefined : kind;

export type SlotStatus = 'awaiting-upload' | 'accepted' | 'refused';

/** One upload slot in the KYC record: what was asked for, and what became of it. */
export interface DocumentSlot {
  readonly kind: DocumentKind;
  readonly contentType: DocumentType;
  readonly key: string;
  readonly status: SlotStatus;
  readonly openedAt: string;
  readonly expiresAt: string;
  readonly reason?: DocumentRefusal;
  readonly checkedAt?: string;
  /** F1: a business's owner whose identity document this is (absent: the customer's own). */
  readonly ownerId?: string;
}

export type VerificationStatus = 'pending' | 'approved' | 'rejected' | 'undecided';

/** The check in force with the provider; a decision for any other check id changes nothing. */
export interface Verification {
  readonly checkId: string;
  readonly providerRef: string;
  readonly status: VerificationStatus;
  readonly startedAt: string;
  readonly reasons?: readonly string[];
  readonly decidedAt?: string;
}

/** At most this many slots are kept in the record; the oldest settled ones are dropped first. */
export const MAX_SLOTS = 24;

/** The slots with `slotId` added, pruned: expired unused slots go, then the oldest settled ones over MAX_SLOTS. */
export function withSlot(
  slots: Readonly<Record<string, DocumentSlot>>,
  slotId: string,
  slot: DocumentSlot,
  now: Date,
): Record<string, DocumentSlot> {
  const kept = Object.entries(slots).filter(
    ([, s]) => !(s.status === 'awaiting-upload' && Date.parse(s.expiresAt) < now.getTime()),
  );
  kept.sort(([, a], [, b]) => a.openedAt.localeCompare(b.openedAt));
  while (kept.length >= MAX_SLOTS) {
    const settled = kept.findIndex(([, s]) => s.status !== 'awaiting-upload');
    kept.splice(settled === -1 ? 0 : settled, 1);
  }
  return Object.fromEntries([...kept, [slotId, slot]]);
}

/** The newest accepted slot of each identity document of the customer (or of one owner), when all three have one. */
export function identityDocumentsReady(
  slots: Readonly<Record<string, DocumentSlot>>,
  ownerId?: string,
): { kind: DocumentKind; key: string }[] | undefined {
  const newest = new Map<DocumentKind, DocumentSlot>();
  for (const slot of Object.values(slots)) {
    if (slot.status !== 'accepted' || slot.ownerId !== ownerId) continue;
    const seen = newest.get(slot.kind);
    if (!seen || (seen.checkedAt ?? '') < (slot.checkedAt ?? '')) newest.set(slot.kind, slot);
  }
  const documents = IDENTITY_DOCUMENTS.map((kind) => newest.get(kind));
  if (documents.some((d) => d === undefined)) return undefined;
  return (documents as DocumentSlot[]).map((d) => ({ kind: d.kind, key: d.key }));
}

/** The facts after an accepted document: its requirement submitted (never undoing one already met). */
export function afterAccepted(facts: RequirementFacts, kind: DocumentKind): RequirementFacts {
  const requirement = requirementOfKind(kind);
  if (!requirement || facts[requirement] === 'met') return facts;
  return { ...facts, [requirement]: requirement === 'source-of-funds' ? 'in-review' : 'pending' };
}

/** The facts after the provider (or a reviewer) decided the identity verification. */
export function afterIdentityDecision(
  facts: RequirementFacts,
  decision: VerificationStatus,
): RequirementFacts {
  const next: RequirementFacts = { ...facts };
  if (decision === 'approved') {
    for (const r of IDENTITY_DOCUMENTS) next[r] = 'met';
    next['identity-verified'] = 'met';
  } else if (decision === 'rejected') {
    for (const r of IDENTITY_DOCUMENTS) if (next[r] !== 'met') next[r] = 'rejected';
    next['identity-verified'] = 'rejected';
  } else if (decision === 'undecided') {
    next['identity-verified'] = 'in-review';
  } else {
    next['identity-verified'] = 'pending';
  }
  return next;
}

/** The requirements a compliance reviewer decides through the approval plane. */
export const REVIEWABLE_REQUIREMENTS = ['identity-verified', 'source-of-funds', 'second-approval'] as const;
export type ReviewableRequirement = (typeof REVIEWABLE_REQUIREMENTS)[number];

/** The facts after a reviewer's decision on one requirement. */
export function afterReview(
  facts: RequirementFacts,
  requirement: ReviewableRequirement,
  outcome: 'approve' | 'reject',
): RequirementFacts {
  if (requirement === 'identity-verified')
    return afterIdentityDecision(facts, outcome === 'approve' ? 'approved' : 'rejected');
  return { ...facts, [requirement]: outcome === 'approve' ? 'met' : 'rejected' };
}

/**
 * The check id sent to the provider: `kyc_` + 22 random characters + `_` + the user id. The provider echoes it
 * in its (signed) decision, which so names the customer without a lookup row.
 */
export const CHECK_ID_PREFIX = 27;
export const checkIdFor = (userId: string, random: string): string => {
  if (!/^[A-Za-z0-9_-]{22}$/.test(random)) throw new RangeError('22 random base64url characters');
  return `kyc_${random}_${userId}`;
};
export const userOfCheck = (checkId: string): string | undefined => {
  if (!/^kyc_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{1,101}$/.test(checkId)) return undefined;
  return checkId.slice(CHECK_ID_PREFIX);
};
