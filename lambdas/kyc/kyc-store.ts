// F1/X4: the KYC record of a user, one signed row of the accounts table under the head ledger (E1):
// `USER#<userId>` / `KYC`: the level, where each requirement stands, the refresh deadline, the person data
// sealed by the vault (E2: `identity` = legal name, date of birth, nationality; `address` = residence and tax
// residence) and the screening decision it was screened by. Every change of level is written with its audit
// record `kyc.level-changed` through the outbox, in the same transaction (all or nothing).
import { createHash } from 'node:crypto';
import { Conflict, NotFound } from '../kernel/errors.js';
import type { Row, SignedTable, TransactWrite } from '../kernel/integrity/signed-table.js';
import type { Effect, Outbox } from '../kernel/outbox.js';
import type { FieldBinding, FieldCipher } from '../kernel/privacy/field-cipher.js';
import { TABLES } from '../kernel/tables.js';
import type { BusinessDeclaration, OwnerRole } from './business.js';
import type { KycConfig, KycLevel, KycRequirement } from './config.js';
import { type KycStanding, levelChange, type RequirementFacts } from './levels.js';
import { customerOwner, customerOwnersStatus, levelAllowed, OWNERS_REQUIREMENT } from './owners.js';
import type { PersonData } from './person.js';
import type { RiskAssessment } from './risk.js';
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

/** The risk rating as the record keeps it (never shown to the customer). */
export type StoredRisk = RiskAssessment & { assessedAt: string };

/** A declared owner as the record keeps it: the facts sealed (E2), the name masked, the screening's standing. */
export interface OwnerRecord {
  readonly ownerId: string;
  readonly role: OwnerRole;
  readonly percent?: string;
  readonly nameMasked: string;
  /** E2: `{name, dateOfBirth?, nationality?, residenceCountry?}` sealed by the vault (group `identity`). */
  readonly sealed: string;
  readonly screening: 'pending' | 'met' | 'in-review';
  readonly decisionId?: string;
  /** The screening band (never shown to the customer). */
  readonly band?: string;
  /** F1: the owner's own identity check with the provider (their documents uploaded by the customer). */
  readonly verification?: Verification;
  /** The case a hit on this owner opened or joined on the customer (never shown to the customer). */
  readonly caseId?: string;
}

/** A business customer's declaration as the record keeps it. */
export interface BusinessRecord {
  /** E2: `{companyName, registrationNumber, incorporationDocument}` sealed by the vault (group `identity`). */
  readonly sealed: string;
  readonly registrationNumberMasked: string;
  readonly jurisdiction: string;
  /** The countries that rate the business's risk (its jurisdiction, its companies', its owners'). */
  readonly countries: readonly string[];
  readonly owners: readonly OwnerRecord[];
  readonly declaredAt: string;
}

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
  /** Its band (F1 risk: a strong hit is a confirmed match); never shown to the customer. */
  readonly screeningBand?: string;
  /** The countries of the person data that rate the risk (residence first, nationality, tax residences). */
  readonly personCountries?: readonly string[];
  /** F1: a business customer's company and the persons behind it. */
  readonly business?: BusinessRecord;
  /** F1: the risk rating with its reasons, recomputed at every write (record-risk.ts). */
  readonly risk?: StoredRisk;
  /** The last completed review (the person data screened clear): the refresh period runs from it. */
  readonly reviewedAt?: string;
  /** The refresh workflow asked the customer for this deadline's refresh / found it passed. */
  readonly refreshAskedAt?: string;
  readonly refreshOverdueAt?: string;
  readonly updatedAt: string;
}

/** What the server-side check of an upload said (documents.ts checkDocument, in CheckKycDocument). */
export type DocumentOutcome =
  | { accepted: true }
  | { accepted: false; reason: NonNullable<DocumentSlot['reason']> };

type Keyed = { pk: string; sk: string; version: number };
type KycRow = KycRecord & Keyed & Record<string, unknown>;

import { kycKey, openKycRecord } from './standing.js';

export { kycKey };

export const kycBinding = (userId: string, group: 'identity' | 'address', field?: string): FieldBinding => ({
  table: TABLES.accounts.logicalName,
  key: field ? { ...kycKey(userId), field } : kycKey(userId),
  group,
});

/** The pointer from a declared owner's screening subject to their customer (written with the declaration). */
export const ownerPointerKey = (ownerId: string) => ({ pk: `KYCOWNER#${ownerId}`, sk: 'OWNER' });
/** A declared owner's screening subject id (business.ts `ownerSubjectId`). */
export const isOwnerSubject = (id: string): boolean => /^bo_[0-9a-f]{24}$/.test(id);
type PointerRow = Row & { pk: string; sk: string; userId: string };

/**
 * F1 refresh: the index the refresh workflow reads instead of scanning the table. Two rows per deadline, in
 * REFRESH_SHARDS partitions per stage (a digest of the user id spreads them): `KYCREFRESH#ASK#<n>` /
 * `<ask at>#<userId>` (DUE_SOON_DAYS before the deadline) and `KYCREFRESH#DUE#<n>` / `<due at>#<userId>`. Sorted
 * by time, so a run reads only what has come due. Written with the record when its deadline changes; a row whose
 * deadline the record no longer has is dropped by the workflow.
 */
export const REFRESH_SHARDS = 8;
export type RefreshStage = 'ASK' | 'DUE';
export const refreshShardOf = (userId: string): number =>
  Number.parseInt(createHash('sha256').update(userId).digest('hex').slice(0, 4), 16) % REFRESH_SHARDS;
export const refreshPartition = (stage: RefreshStage, shard: number) => `KYCREFRESH#${stage}#${shard}`;
export const refreshIndexKey = (stage: RefreshStage, userId: string, at: string) => ({
  pk: refreshPartition(stage, refreshShardOf(userId)),
  sk: `${at}#${userId}`,
});
export type RefreshIndexRow = Row & { pk: string; sk: string; userId: string; dueAt: string };
const DAY_MS = 86_400_000;
export const askAtOf = (dueAt: string, dueSoonDays: number): string =>
  new Date(Date.parse(dueAt) - dueSoonDays * DAY_MS).toISOString();

/** What a write of the record is rated with (record-risk.ts), read before the write (PEP status). */
export interface RecordRater {
  prepare(
    userId: string,
    current: KycRecord | undefined,
  ): Promise<(record: KycRecord, at: string) => KycRecord>;
}

const strip = ({ pk: _pk, sk: _sk, version: _v, ...rest }: KycRow): KycRecord => rest as KycRecord;

/** A customer's KYC record (the one read of it: `KycStore.get`, and the person reader without the store). */
export const readKycRecord = async (
  table: Pick<SignedTable, 'get'>,
  userId: string,
): Promise<KycRecord | undefined> => {
  const row = await table.get<KycRow>(kycKey(userId));
  return row && strip(row);
};

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
    private readonly config: Pick<KycConfig, 'levels' | 'defaultLevel' | 'signupLevel'>,
    private readonly vault?: Pick<FieldCipher, 'encrypt'>,
    private readonly rater?: RecordRater,
    private readonly dueSoonDays = 30,
  ) {}

  /** X4: sign-up's opening of the record at `signupLevel` (standing.ts `openKycRecord`). */
  open(userId: string, at: string): Promise<void> {
    return openKycRecord(this.table, userId, this.config.signupLevel, at);
  }

  async get(userId: string): Promise<KycRecord | undefined> {
    return readKycRecord(this.table, userId);
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
      const { screeningBand: _band, ...kept } = rest;
      return {
        ...kept,
        identity,
        address,
        personCountries: [
          ...new Set([
            person.residence.country,
            person.nationality,
            ...person.taxResidence.map((t) => t.country),
          ]),
        ],
        requirements: { ...rest.requirements, person: 'met', 'screening-clear': 'pending' },
        updatedAt: at,
      };
    };
    return this.write(userId, change, () => []);
  }

  /**
   * F1: a business customer's declaration (business.ts `declareBusiness`, already checked): the company's facts
   * and each owner's sealed (E2), names masked, each owner's screening pending; the owners' pointers (their
   * screening subject → this customer) in the same write. Replaces an earlier declaration; an owner declared
   * again keeps their id and their identity check, and is screened again. The owners are a requirement of the
   * business's level (owners.ts): a customer that held the level requiring them is held below it, audited.
   */
  async submitBusiness(userId: string, declaration: BusinessDeclaration, at: string): Promise<KycRecord> {
    const vault = this.vault;
    if (!vault) throw new Error('This KYC store was built without the vault');
    const [sealedCompany, ...sealedOwners] = await Promise.all([
      vault.encrypt(kycBinding(userId, 'identity', 'business'), {
        companyName: declaration.companyName,
        registrationNumber: declaration.registrationNumber,
        incorporationDocument: declaration.incorporationDocument,
      }),
      ...declaration.owners.map((owner) =>
        vault.encrypt(kycBinding(userId, 'identity', `owner:${owner.ownerId}`), {
          name: owner.name,
          ...(owner.dateOfBirth ? { dateOfBirth: owner.dateOfBirth } : {}),
          ...(owner.nationality ? { nationality: owner.nationality } : {}),
          ...(owner.residenceCountry ? { residenceCountry: owner.residenceCountry } : {}),
        }),
      ),
    ]);
    const owners: OwnerRecord[] = declaration.owners.map((owner, i) => ({
      ownerId: owner.ownerId,
      role: owner.role,
      ...(owner.percent ? { percent: owner.percent } : {}),
      nameMasked: owner.nameMasked,
      sealed: sealedOwners[i] as string,
      screening: 'pending',
    }));
    const pointers = async (): Promise<TransactWrite[]> => {
      const writes: TransactWrite[] = [];
      for (const owner of owners) {
        const key = ownerPointerKey(owner.ownerId);
        if (!(await this.table.get<PointerRow>(key))) writes.push({ create: { ...key, userId } });
      }
      return writes;
    };
    let moved: { from: KycLevel; to: KycLevel } | undefined;
    const change = (current: KycRecord | undefined): KycRecord => {
      const base = current ?? { userId, level: this.config.defaultLevel, requirements: {} };
      // An owner declared again keeps their identity check: it verified the person, not the declaration.
      const checks = new Map(
        (current?.business?.owners ?? []).flatMap((o) =>
          o.verification ? [[o.ownerId, o.verification] as const] : [],
        ),
      );
      const next: KycRecord = {
        ...base,
        business: {
          sealed: sealedCompany as string,
          registrationNumberMasked: `***${declaration.registrationNumber.slice(-3)}`,
          jurisdiction: declaration.jurisdiction,
          countries: declaration.countries,
          owners: owners.map((o) => {
            const verification = checks.get(o.ownerId);
            return verification ? { ...o, verification } : o;
          }),
          declaredAt: at,
        },
        updatedAt: at,
      };
      // F1: the owners are a requirement of the business's level: until they pass, it is held below it.
      const to = levelAllowed(base.level, next, this.config);
      moved = to === base.level ? undefined : { from: base.level, to };
      return { ...next, level: to };
    };
    return this.write(
      userId,
      change,
      (next) =>
        moved
          ? [
              levelAudit(userId, moved.from, next.level, {
                actor: { kind: 'user', id: userId },
                reason: 'business declared: its beneficial owners have not passed KYC and screening',
                at,
              }),
            ]
          : [],
      pointers,
    );
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
  ): Promise<
    { level: KycLevel; changed: boolean; owner?: { customerId: string; ownerId: string } } | undefined
  > {
    const existing = await this.get(userId);
    if (!existing) {
      return isOwnerSubject(userId) ? this.recordOwnerScreening(userId, decision, at) : undefined;
    }
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
        const to = levelAllowed(current.level, { ...current, requirements }, this.config);
        raised = to === current.level ? undefined : { from: current.level, to };
        const newReview = clear && current.screeningDecisionId !== decision.decisionId;
        const { refreshAskedAt: _asked, refreshOverdueAt: _overdue, refreshDueAt: _due, ...kept } = current;
        return {
          // A completed review (the person data screened clear) starts a new refresh period.
          ...(newReview ? { ...kept, reviewedAt: at } : current),
          requirements,
          level: to,
          screeningDecisionId: decision.decisionId,
          screeningBand: decision.band,
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

  /** F1/F2: a declared owner's screening decided: their standing in their customer's record (and its risk). */
  private async recordOwnerScreening(
    ownerId: string,
    decision: { decisionId: string; band: string },
    at: string,
  ): Promise<
    { level: KycLevel; changed: boolean; owner: { customerId: string; ownerId: string } } | undefined
  > {
    const pointer = await this.table.get<PointerRow>(ownerPointerKey(ownerId));
    if (!pointer) return undefined;
    const customerId = pointer.userId;
    let moved: { from: KycLevel; to: KycLevel } | undefined;
    const written = await this.write(
      customerId,
      (current) => {
        if (!current?.business) throw new Conflict('The business declaration disappeared');
        const owners = current.business.owners.map(
          (owner): OwnerRecord =>
            owner.ownerId === ownerId
              ? {
                  ...owner,
                  screening: decision.band === 'clear' ? 'met' : 'in-review',
                  decisionId: decision.decisionId,
                  band: decision.band,
                }
              : owner,
        );
        const next = { ...current, business: { ...current.business, owners }, updatedAt: at };
        // F1: the owners' requirement may now be met (the last owner cleared): the level it earns, audited.
        const to = levelAllowed(current.level, next, this.config);
        moved = to === current.level ? undefined : { from: current.level, to };
        return { ...next, level: to };
      },
      (next) =>
        moved
          ? [
              levelAudit(customerId, moved.from, next.level, {
                actor: { kind: 'system', id: 'kyc' },
                reason: `owner screening ${decision.decisionId}`,
                at,
              }),
            ]
          : [],
    );
    return { level: written.level, changed: moved !== undefined, owner: { customerId, ownerId } };
  }

  /** F1: the case a hit on an owner opened or joined on the customer, kept with the owner (compliance's link). */
  async linkOwnerCase(customerId: string, ownerId: string, caseId: string, at: string): Promise<void> {
    await this.write(
      customerId,
      (current) => {
        if (!current?.business) throw new Conflict('The business declaration disappeared');
        const owners = current.business.owners.map(
          (owner): OwnerRecord => (owner.ownerId === ownerId ? { ...owner, caseId } : owner),
        );
        return { ...current, business: { ...current.business, owners }, updatedAt: at };
      },
      () => [],
    );
  }

  /**
   * F1 refresh: the index rows due at `now` of one stage, oldest first, at most `limit` (what the refresh
   * workflow works through; a page at a time, never a scan of the table).
   */
  async refreshesDue(stage: RefreshStage, now: Date, limit: number): Promise<RefreshIndexRow[]> {
    const bound = now.toISOString();
    const due: RefreshIndexRow[] = [];
    for (let shard = 0; shard < REFRESH_SHARDS && due.length < limit; shard++) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.table.query<RefreshIndexRow>(refreshPartition(stage, shard), {
          limit: Math.min(100, limit - due.length),
          ...(startKey ? { startKey } : {}),
        });
        const ripe = page.items.filter((row) => row.sk.slice(0, bound.length) <= bound);
        due.push(...ripe);
        startKey = ripe.length === page.items.length ? page.next : undefined;
      } while (startKey && due.length < limit);
    }
    return due.slice(0, limit);
  }

  /**
   * F1 refresh: the workflow's step for one index row. `ASK`: the customer is asked for the refresh (a mail and
   * an audit record); `DUE`: the deadline passed, marked overdue (the limits fall to `lapsedLevel` by the
   * deadline itself, levels.ts `levelInForce`: this records and tells it). The index row is deleted in the same
   * transaction; a row whose deadline the record no longer has is only deleted. Answers what was done.
   */
  async markRefresh(
    row: RefreshIndexRow,
    stage: RefreshStage,
    at: string,
    notices: (record: KycRecord) => readonly Effect[],
  ): Promise<'asked' | 'overdue' | 'stale'> {
    const record = await this.get(row.userId);
    if (!record || record.refreshDueAt !== row.dueAt) {
      await this.table.transact([{ delete: row }]);
      return 'stale';
    }
    await this.write(
      row.userId,
      (current) => {
        if (!current || current.refreshDueAt !== row.dueAt) throw new Conflict('The deadline moved');
        return {
          ...current,
          ...(stage === 'ASK' ? { refreshAskedAt: at } : { refreshOverdueAt: at }),
          updatedAt: at,
        };
      },
      notices,
      async () => [{ delete: row }],
    );
    return stage === 'ASK' ? 'asked' : 'overdue';
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
        if (slot.ownerId && !base.business?.owners.some((o) => o.ownerId === slot.ownerId))
          throw new NotFound('No such beneficial owner');
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
          // an owner's document answers the owner's check, not the customer's own requirements
          requirements:
            outcome.accepted && !slot.ownerId
              ? afterAccepted(current.requirements, slot.kind)
              : current.requirements,
          updatedAt: at,
        };
      },
      () => [],
    );
    return { record, slot: settled as DocumentSlot };
  }

  /** F1: the provider was asked about a business's owner: this check is the owner's in force, pending. */
  async startOwnerVerification(
    userId: string,
    ownerId: string,
    check: { checkId: string; providerRef: string },
    at: string,
  ): Promise<KycRecord> {
    return this.write(
      userId,
      (current) => {
        if (!current?.business?.owners.some((o) => o.ownerId === ownerId))
          throw new NotFound('No such beneficial owner');
        const owners = current.business.owners.map(
          (o): OwnerRecord =>
            o.ownerId === ownerId
              ? { ...o, verification: { ...check, status: 'pending', startedAt: at } }
              : o,
        );
        return { ...current, business: { ...current.business, owners }, updatedAt: at };
      },
      () => [],
    );
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
    const owner = existing?.business?.owners.find((o) => o.verification?.checkId === decision.checkId);
    if (owner) return this.applyOwnerDecision(userId, owner.ownerId, decision, at);
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
   * F1: the provider's decision on a business owner's check (only the owner's check in force and still pending):
   * the owner's identity approved, rejected (new documents start a new check) or undecided (the compliance
   * tier reviews it); the business's level then rises to what its requirements earn, audited.
   */
  private async applyOwnerDecision(
    userId: string,
    ownerId: string,
    decision: {
      checkId: string;
      decision: Exclude<VerificationStatus, 'pending'>;
      reasons: readonly string[];
    },
    at: string,
  ): Promise<{ outcome: 'applied' | 'ignored'; level?: KycLevel }> {
    let ignored = false;
    const written = await this.decide(
      userId,
      (current) => {
        const owner = current.business?.owners.find((o) => o.ownerId === ownerId);
        const v = owner?.verification;
        if (!current.business || !v || v.checkId !== decision.checkId || v.status !== 'pending') {
          ignored = true;
          return current;
        }
        return withOwnerCheck(current, ownerId, {
          ...v,
          status: decision.decision,
          reasons: decision.reasons,
          decidedAt: at,
        });
      },
      { actor: { kind: 'system', id: 'kyc-provider' }, reason: `owner verification ${decision.checkId}`, at },
    );
    return ignored ? { outcome: 'ignored' } : { outcome: 'applied', level: written.level };
  }

  /**
   * F1: a compliance reviewer's decision on a business owner's identity (an approved `review-kyc-requirement`
   * with `ownerId`): the owner's check in review (the provider gave up) approved or rejected, the level raised to
   * what the business's requirements now earn, audited with the admin as actor.
   */
  async reviewOwner(
    userId: string,
    ownerId: string,
    outcome: 'approve' | 'reject',
    by: LevelChangeBy,
  ): Promise<{ level: KycLevel; from: KycLevel } | 'not-in-review'> {
    return this.reviewed(userId, by, (current) => {
      const v = current.business?.owners.find((o) => o.ownerId === ownerId)?.verification;
      const done = outcome === 'approve' ? 'approved' : 'rejected';
      if (v?.status !== 'undecided') return v?.status === done ? 'recorded' : 'not-in-review';
      return withOwnerCheck(current, ownerId, { ...v, status: done, decidedAt: by.at });
    });
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
    return this.reviewed(userId, by, (current) => {
      const status = current.requirements[requirement];
      if (requirement !== 'second-approval' && status !== 'in-review')
        return status === (outcome === 'approve' ? 'met' : 'rejected') ? 'recorded' : 'not-in-review';
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
    });
  }

  /**
   * A reviewer's decision on the record: `step` gives the new facts, `recorded` when a retried execution finds
   * its own decision already there (idempotent), or `not-in-review`; the level before and after.
   */
  private async reviewed(
    userId: string,
    by: LevelChangeBy,
    step: (current: KycRecord) => KycRecord | 'recorded' | 'not-in-review',
  ): Promise<{ level: KycLevel; from: KycLevel } | 'not-in-review'> {
    let notInReview = false;
    let from: KycLevel | undefined;
    const written = await this.decide(
      userId,
      (current) => {
        from = current.level;
        const next = step(current);
        notInReview = next === 'not-in-review';
        return typeof next === 'string' ? current : next;
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
        const to = levelAllowed(current.level, next, this.config);
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
    extra: () => Promise<readonly TransactWrite[]> = async () => [],
  ): Promise<KycRecord> {
    const key = kycKey(userId);
    for (let attempt = 1; ; attempt += 1) {
      const after = this.outbox.pending<KycRecord>((next) => also(next));
      try {
        const current = await this.table.get<KycRow>(key);
        const before = current && strip(current);
        const rate = await this.rater?.prepare(userId, before);
        const changed = change(before);
        const rated = rate ? rate(changed, changed.updatedAt) : changed;
        const next = { ...key, ...rated } as Omit<KycRow, 'version'>;
        const effects = after.writes(strip({ ...next, version: 0 } as KycRow));
        const [row] = await this.table.transact([
          current ? { replace: current, with: next } : { create: next },
          ...effects,
          ...(await extra()),
          ...(await this.refreshIndex(userId, before?.refreshDueAt, rated.refreshDueAt)),
        ]);
        await after.settle();
        return strip(row as KycRow);
      } catch (error) {
        if (!(error instanceof Conflict) || attempt >= 3) throw error;
      }
    }
  }

  /** The refresh index rows of a new deadline (those already there are kept). */
  private async refreshIndex(
    userId: string,
    before: string | undefined,
    dueAt: string | undefined,
  ): Promise<TransactWrite[]> {
    if (dueAt === undefined || dueAt === before) return [];
    const keys = [
      refreshIndexKey('ASK', userId, askAtOf(dueAt, this.dueSoonDays)),
      refreshIndexKey('DUE', userId, dueAt),
    ];
    const writes: TransactWrite[] = [];
    for (const k of keys) {
      if (!(await this.table.get<RefreshIndexRow>(k))) writes.push({ create: { ...k, userId, dueAt } });
    }
    return writes;
  }
}

/** The record with one owner's identity check replaced. */
const withOwnerCheck = (current: KycRecord, ownerId: string, verification: Verification): KycRecord => {
  const business = current.business as BusinessRecord;
  return {
    ...current,
    business: {
      ...business,
      owners: business.owners.map((o): OwnerRecord => (o.ownerId === ownerId ? { ...o, verification } : o)),
    },
  };
};

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

/** F1: the business as the customer sees it (GET /v1/me/kyc): masked names, each owner's screening only as pending or met. */
export const customerBusiness = (record: KycRecord | undefined) => {
  const business = record?.business;
  if (!business) return undefined;
  return {
    registrationNumber: business.registrationNumberMasked,
    jurisdiction: business.jurisdiction,
    declaredAt: business.declaredAt,
    owners: business.owners.map((owner) => ({
      ownerId: owner.ownerId,
      role: owner.role,
      ...(owner.percent ? { percent: owner.percent } : {}),
      name: owner.nameMasked,
      ...customerOwner(owner),
    })),
  };
};

/**
 * The requirement statuses the customer sees: a screening not clear reads as pending (`customerFacts`), and a
 * business's `beneficial-owners` derived from its owners, an owner's screening hit read as pending.
 */
export const customerRecordFacts = (record: KycRecord | undefined): RequirementFacts => {
  const shown = customerFacts(record?.requirements ?? {});
  if (!record?.business) return shown;
  return { ...shown, [OWNERS_REQUIREMENT]: customerOwnersStatus(record.business.owners) };
};

/**
 * F1: the enhanced due diligence a high rating asks for, as the customer sees it: the requirements and their
 * status, never why (the rating and its reasons stay inside).
 */
export const customerEdd = (record: KycRecord | undefined) =>
  record?.risk?.eddRequirements.length
    ? record.risk.eddRequirements.map((requirement) => ({
        requirement,
        status: record.requirements[requirement] ?? ('missing' as const),
      }))
    : undefined;
