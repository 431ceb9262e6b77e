// F1/X4: the KYC record of a user, one signed row of the accounts table under the head ledger (E1):
// `USER#<userId>` / `KYC`: the level, where each requirement stands, the refresh deadline, the person data
// sealed by the vault (E2: `identity` = legal name, date of birth, nationality; `address` = residence and tax
// residence) and the screening decision it was screened by. Every change of level is written with its audit
// record `kyc.level-changed` through the outbox, in the same transaction (all or nothing).
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { Effect, Outbox } from '../kernel/outbox.js';
import type { FieldBinding, FieldCipher } from '../kernel/privacy/field-cipher.js';
import { TABLES } from '../kernel/tables.js';
import type { KycConfig, KycLevel, KycRequirement } from './config.js';
import { type KycStanding, levelChange, levelEarned, type RequirementFacts } from './levels.js';
import type { PersonData } from './person.js';

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
  readonly updatedAt: string;
}

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
