// F1/X4: the KYC record of a user, one signed row of the accounts table under the head ledger (E1):
// `USER#<userId>` / `KYC`: the level, where each requirement stands, the refresh deadline, the person data
// sealed by the vault (E2: `identity` = legal name, date of birth, nationality; `address` = residence and tax
// residence) and the screening decision it was screened by. Every change of level is written with its audit
// record `kyc.level-changed` through the outbox, in the same transaction (all or nothing).
import { Conflict, NotFound } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { Effect, Outbox } from '../kernel/outbox.js';
import type { FieldBinding, FieldCipher } from '../kernel/privacy/field-cipher.js';
import { TABLES } from '../kernel/tables.js';
import type { KycConfig, KycLevel, KycRequirement } from './config.js';
import { type KycStanding, levelChange, levelEarned, type RequirementFacts } from './levels.js';
import type { PersonData } from './person.js';
import {
  afterAccepted,
  afterIdentityDecision,
  afterReview,
  type DocumentSlot,
  type ReviewableRequirement,
  type Verification,
  type VerificationStatus,
  withSlot,
} from './verification.js';

/** What the record keeps (the person data only sealed). */
export interface KycRecord {
  readonly userId: string;
  readonly level: KycLevel;
  readonly requirements: RequirementFacts;
  readonly refreshDueAt?: string;
  /** E2: `{givenName, familyName, dateOfBirth, nationality}` sealed by the vault (group `identity`). */
  readonly identity?: string;
  /** E2: `{residence, taxResidence}` (JSON) sealed by the vault (group `address`). */
  readonly address?: string;
  /** The screening decision of the person data in force (F2); its band is never shown to the customer. */
  readonly screeningDecisionId?: string;
  /** F1: the upload slots (verification.ts), by slot id: kind, type, key, and what the check said. */
  readonly documents?: Readonly<Record<string, DocumentSlot>>;
  /** F1: the identity check in force with the verification provider. */
  readonly verification?: Verification;
  readonly updatedAt: string;
}

/** What the server-side check of an upload said (documents.ts checkDocument, in CheckKycDocument). */
export type DocumentOutcome =
  | { accepted: true }
  | { accepted: false; reason: NonNullable<DocumentSlot['reason']> };

type Keyed = { pk: string; sk: string; version: number };
type KycRow = KycRecord & Keyed & Record<string, unknown>;

export const kycKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'KYC' });

export const kycBinding = (userId: string, group: 'identity' | 'address'): FieldBinding => ({
  table: TABLES.accounts.logicalName,
  key: kycKey(userId),
  group,
});

const strip = ({ pk: _pk, sk: _sk, version: _v, ...rest }: KycRow): KycRecord => rest as KycRecord;

/** Who changed a level, and why (the audit record's actor and details). */
export interface LevelChangeBy {
  readonly actor: { kind: 'system' | 'admin' | 'user'; id: string };
  readonly reason: string;
  readonly at: string;
}

export class KycStore {
  constructor(
    private readonly table: SignedTable,
    private readonly outbox: Pick<Outbox, 'pending'>,
    private readonly config: Pick<KycConfig, 'levels' | 'defaultLevel'>,
    private readonly vault?: Pick<FieldCipher, 'encrypt'>,
  ) {}

  async get(userId: string): Promise<KycRecord | undefined> {
    const row = await this.table.get<KycRow>(kycKey(userId));
    return row && strip(row);
  }

  /** What the withdrawal limits are read from (kyc/levels.ts effectiveLimits); no record: the default level. */
  async standing(userId: string): Promise<KycStanding | undefined> {
    const record = await this.get(userId);
    return record && { level: record.level, refreshDueAt: record.refreshDueAt };
  }

  /**
   * F1: the person data, sealed, in the record (created at the default level when there is none): `person`
   * met, `screening-clear` pending until the screening of these facts decides. Answers the record written.
   */
  async submitPerson(userId: string, person: PersonData, at: string): Promise<KycRecord> {
    const vault = this.vault;
    if (!vault) throw new Error('This KYC store was built without the vault');
    const [identity, address] = await Promise.all([
      vault.encrypt(kycBinding(userId, 'identity'), {
        givenName: person.legalName.given,
        familyName: person.legalName.family,
        dateOfBirth: person.dateOfBirth,
        nationality: person.nationality,
      }),
      vault.encrypt(kycBinding(userId, 'address'), {
        residence: JSON.stringify(person.residence),
        taxResidence: JSON.stringify(person.taxResidence),
      }),
    ]);
    const change = (current: KycRecord | undefined): KycRecord => {
      const { screeningDecisionId: _dropped, ...rest } = current ?? {
        userId,
        level: this.config.defaultLevel,
        requirements: {},
        updatedAt: at,
      };
      return {
        ...rest,
        identity,
        address,
        requirements: { ...rest.requirements, person: 'met', 'screening-clear': 'pending' },
        updatedAt: at,
      };
    };
    return this.write(userId, change, () => []);
  }

  /**
   * F2 → F1: the screening of the person data decided. Clear: `screening-clear` met, and the level rises to the
   * one the requirements now earn (levels.ts `levelEarned`), audited. Any other band: `screening-clear` stays
   * unmet (`in-review` inside the record; the customer sees `pending`, never why: tipping-off) and the level
   * does not move (screening's own bands act: case, freeze). A decision for data since replaced (another
   * decision id pending) still records: the newest decision of the workflow wins.
   */
  async recordScreening(
    userId: string,
    decision: { decisionId: string; band: string },
    at: string,
  ): Promise<{ level: KycLevel; changed: boolean } | undefined> {
    const existing = await this.get(userId);
    if (!existing) return undefined;
    const clear = decision.band === 'clear';
    let raised: { from: KycLevel; to: KycLevel } | undefined;
    const written = await this.write(
      userId,
      (current) => {
        if (!current) throw new Conflict('The KYC record disappeared');
        const requirements: RequirementFacts = {
          ...current.requirements,
          'screening-clear': clear ? 'met' : 'in-review',
        };
        const earned = levelEarned(requirements, this.config);
        const to = levelChange(current.level, earned) === 'raise' ? earned : current.level;
        raised = to === current.level ? undefined : { from: current.level, to };
        return {
          ...current,
          requirements,
          level: to,
          screeningDecisionId: decision.decisionId,
          updatedAt: at,
        };
      },
      (next) =>
        raised
          ? [
              levelAudit(userId, raised.from, next.level, {
                actor: { kind: 'system', id: 'kyc' },
                reason: `screening ${decision.decisionId}`,
                at,
              }),
            ]
          : [],
    );
    return { level: written.level, changed: raised !== undefined };
  }

  /**
   * X4: sets the level (a compliance decision, an expired document, a refresh): audited in the same write. A
   * lowering takes effect at once: nothing caches the record, the next withdrawal reads it.
   */
  async setLevel(userId: string, to: KycLevel, by: LevelChangeBy): Promise<KycRecord> {
    let from: KycLevel | undefined;
    return this.write(
      userId,
      (current) => {
        from = current?.level ?? this.config.defaultLevel;
        return {
          ...(current ?? { userId, requirements: {} }),
          level: to,
          updatedAt: by.at,
        } as KycRecord;
      },
      (next) => (from === next.level ? [] : [levelAudit(userId, from ?? next.level, next.level, by)]),
    );
  }

  /** F1: a new upload slot in the record (created at the default level when there is none). */
  async openSlot(userId: string, slotId: string, slot: DocumentSlot, now: Date): Promise<KycRecord> {
    return this.write(
      userId,
      (current) => {
        const base = current ?? {
          userId,
          level: this.config.defaultLevel,
          requirements: {},
          updatedAt: slot.openedAt,
        };
        return {
          ...base,
          documents: withSlot(base.documents ?? {}, slotId, slot, now),
          updatedAt: slot.openedAt,
        };
      },
      () => [],
    );
  }

  /**
   * F1: what the server-side check said of a slot's upload. Accepted: the slot `accepted`, its requirement
   * submitted (verification.ts afterAccepted). Refused: the slot `refused` with the reason (the object is
   * deleted by the checker). A slot is settled once: a second completion is a 409, an unknown slot a 404.
   */
  async recordDocument(
    userId: string,
    slotId: string,
    outcome: DocumentOutcome,
    at: string,
  ): Promise<{ record: KycRecord; slot: DocumentSlot }> {
    let settled: DocumentSlot | undefined;
    const record = await this.write(
      userId,
      (current) => {
        const slot = current?.documents?.[slotId];
        if (!current || !slot) throw new NotFound('No such upload slot');
        if (slot.status !== 'awaiting-upload') throw new Conflict('This upload was checked already');
        settled = outcome.accepted
          ? { ...slot, status: 'accepted', checkedAt: at }
          : { ...slot, status: 'refused', reason: outcome.reason, checkedAt: at };
        return {
          ...current,
          documents: { ...current.documents, [slotId]: settled },
          requirements: outcome.accepted
            ? afterAccepted(current.requirements, slot.kind)
            : current.requirements,
          updatedAt: at,
        };
      },
      () => [],
    );
    return { record, slot: settled as DocumentSlot };
  }

  /** F1: the provider was asked: this check is the one in force, `identity-verified` pending. */
  async startVerification(
    userId: string,
    check: { checkId: string; providerRef: string },
    at: string,
  ): Promise<KycRecord> {
    return this.write(
      userId,
      (current) => {
        if (!current) throw new NotFound('No KYC record');
        return {
          ...current,
          verification: { ...check, status: 'pending', startedAt: at },
          requirements: afterIdentityDecision(current.requirements, 'pending'),
          updatedAt: at,
        };
      },
      () => [],
    );
  }

  /**
   * F1: the provider's decision on a check. Only the check in force and still pending is decided (another, or
   * one decided already, is `ignored`: a late or repeated decision changes nothing). Approved: the identity
   * documents and `identity-verified` met, the level raised to what the requirements earn (audited in the
   * same write); rejected: recorded; undecided: `identity-verified` in review for the compliance tier.
   */
  async applyDecision(
    userId: string,
    decision: {
      checkId: string;
      decision: Exclude<VerificationStatus, 'pending'>;
      reasons: readonly string[];
    },
    at: string,
  ): Promise<{ outcome: 'applied' | 'ignored'; level?: KycLevel }> {
    const existing = await this.get(userId);
    const inForce = existing?.verification;
    if (!inForce || inForce.checkId !== decision.checkId || inForce.status !== 'pending')
      return { outcome: 'ignored' };
    let ignored = false;
    const written = await this.decide(
      userId,
      (current) => {
        const v = current.verification;
        if (!v || v.checkId !== decision.checkId || v.status !== 'pending') {
          ignored = true;
          return current;
        }
        return {
          ...current,
          verification: { ...v, status: decision.decision, reasons: decision.reasons, decidedAt: at },
          requirements: afterIdentityDecision(current.requirements, decision.decision),
        };
      },
      { actor: { kind: 'system', id: 'kyc-provider' }, reason: `verification ${decision.checkId}`, at },
    );
    return ignored ? { outcome: 'ignored' } : { outcome: 'applied', level: written.level };
  }

  /**
   * F1: a compliance reviewer's decision (an approved `review-kyc-requirement` request): the requirement met
   * or rejected, the level raised to what the requirements now earn, audited with the request as the reason.
   * `identity-verified` and `source-of-funds` must be in review (the provider gave up; the document waits).
   */
  async review(
    userId: string,
    requirement: ReviewableRequirement,
    outcome: 'approve' | 'reject',
    by: LevelChangeBy,
  ): Promise<{ level: KycLevel; from: KycLevel } | 'not-in-review'> {
    let notInReview = false;
    let from: KycLevel | undefined;
    const written = await this.decide(
      userId,
      (current) => {
        from = current.level;
        const status = current.requirements[requirement];
        if (requirement !== 'second-approval' && status !== 'in-review') {
          // a retried execution finds its own decision recorded: idempotent
          const done = outcome === 'approve' ? 'met' : 'rejected';
          if (status !== done) notInReview = true;
          return current;
        }
        const v = current.verification;
        return {
          ...current,
          requirements: afterReview(current.requirements, requirement, outcome),
          ...(requirement === 'identity-verified' && v
            ? {
                verification: {
                  ...v,
                  status: outcome === 'approve' ? 'approved' : 'rejected',
                  decidedAt: by.at,
                },
              }
            : {}),
        };
      },
      by,
      () => new NotFound('No KYC record'),
    );
    if (notInReview) return 'not-in-review';
    return { level: written.level, from: from ?? written.level };
  }

  /** A decision on the record: `change` gives the new facts, the level rises to what they earn (audited). */
  private async decide(
    userId: string,
    change: (current: KycRecord) => KycRecord,
    by: LevelChangeBy,
    missing: () => Error = () => new Conflict('The KYC record disappeared'),
  ): Promise<KycRecord> {
    let raised: { from: KycLevel; to: KycLevel } | undefined;
    return this.write(
      userId,
      (current) => {
        if (!current) throw missing();
        const next = change(current);
        if (next === current) {
          raised = undefined;
          return current;
        }
        const earned = levelEarned(next.requirements, this.config);
        const to = levelChange(current.level, earned) === 'raise' ? earned : current.level;
        raised = to === current.level ? undefined : { from: current.level, to };
        return { ...next, level: to, updatedAt: by.at };
      },
      (next) => (raised ? [levelAudit(userId, raised.from, next.level, by)] : []),
    );
  }

  /** Read, change, write under the version read (or create), with the audit effects `also` gives; retried on a race. */
  private async write(
    userId: string,
    change: (current: KycRecord | undefined) => KycRecord,
    also: (next: KycRecord) => readonly Effect[],
  ): Promise<KycRecord> {
    const key = kycKey(userId);
    for (let attempt = 1; ; attempt += 1) {
      const after = this.outbox.pending<KycRecord>((next) => also(next));
      try {
        const current = await this.table.get<KycRow>(key);
        const next = { ...key, ...change(current && strip(current)) } as Omit<KycRow, 'version'>;
        const effects = after.writes(strip({ ...next, version: 0 } as KycRow));
        const [row] = await this.table.transact([
          current ? { replace: current, with: next } : { create: next },
          ...effects,
        ]);
        await after.settle();
        return strip(row as KycRow);
      } catch (error) {
        if (!(error instanceof Conflict) || attempt >= 3) throw error;
      }
    }
  }
}

const levelAudit = (userId: string, from: KycLevel, to: KycLevel, by: LevelChangeBy): Effect => ({
  kind: 'audit',
  event: {
    actor: by.actor,
    action: 'kyc.level-changed',
    target: { kind: 'user', id: userId },
    outcome: 'success',
    at: by.at,
    details: { from, to, change: levelChange(from, to), reason: by.reason },
  },
});

/** The requirement statuses the customer sees: a screening not clear reads as pending, never why (tipping-off). */
export const customerFacts = (facts: RequirementFacts): RequirementFacts => {
  const shown: Partial<Record<KycRequirement, RequirementFacts[KycRequirement]>> = { ...facts };
  const screening = facts['screening-clear'];
  if (screening !== undefined && screening !== 'met') shown['screening-clear'] = 'pending';
  return shown;
};
