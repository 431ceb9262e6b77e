// F2: screening on signed rows of the accounts table (E1):
// - `SCREENING#<userId>` / `DECISION#<decisionId>`: every screening decision of a customer or of one of
//   their addresses, with its band, hits (explained) and the list versions it used; written once (the id is
//   a digest of subject, trigger, query and versions, so a retry writes nothing new), with its audit record
//   `screening.decision` through the outbox in the same transaction;
// - `SCREENING#<userId>` / `RECENT#<customer|address>#<at>#<decisionId>`: the decision's summary under a
//   time-ordered key (the decision ids are digests, so `DECISION#` rows are in no time order), created in the
//   same transaction as the decision row and so exactly once: what the admin user view lists (newest first)
//   and what the PEP status is read from (`pepStatus`: the newest customer decision);
// - `SCREENING#<userId>` / `STATE`: whether a strong hit froze the customer's withdrawals, by which decision
//   and into which case. Only a compliance decision lifts it (not built yet: docs/screening.md);
// - `SCREENROSTER#<nn>` / `<userId>`: the roster of screened customers and the facts they are screened on
//   (the username-derived name until KYC; the legal name, date of birth and nationality after), in
//   ROSTER_PARTITIONS partitions by a hash of the user id: what a re-screen maps over. The facts are personal
//   data: sealed by the vault (E2, group `identity`, bound to the roster row), never in clear in the row; so
//   every function that enrols or reads the roster holds `vault:invoke`. A row written before the sealing
//   (a clear `name`) is still read, and sealed by its next enrolment.
import { createHash } from 'node:crypto';
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { Outbox } from '../kernel/outbox.js';
import type { FieldBinding, FieldCipher } from '../kernel/privacy/field-cipher.js';
import { TABLES } from '../kernel/tables.js';
import type { HitCategory } from './bands.js';
import { ROSTER_PARTITIONS } from './config.js';
import type { PepFinding, ScreeningDecision } from './decision.js';

/** A customer as the roster holds them: what they are screened on. */
export interface RosterEntry {
  readonly userId: string;
  readonly name: string;
  readonly birthDate?: string;
  readonly nationalities?: readonly string[];
}
/** The row: the user id and the facts sealed (`identity`); `name` only in a row from before the sealing. */
type RosterRow = { userId: string; identity?: string; name?: string } & Keyed;

const rosterBinding = (userId: string): FieldBinding => ({
  table: TABLES.accounts.logicalName,
  key: rosterKey(userId),
  group: 'identity',
});

/** The sealed fields of an entry (the vault's fields are strings: nationalities joined by commas). */
const rosterFields = (entry: RosterEntry): Record<string, string> => ({
  name: entry.name,
  ...(entry.birthDate ? { birthDate: entry.birthDate } : {}),
  ...(entry.nationalities?.length ? { nationalities: entry.nationalities.join(',') } : {}),
});

const entryOf = (userId: string, fields: Record<string, string>): RosterEntry => ({
  userId,
  name: fields.name ?? '',
  ...(fields.birthDate ? { birthDate: fields.birthDate } : {}),
  ...(fields.nationalities ? { nationalities: fields.nationalities.split(',') } : {}),
});

/** The roster partition of a customer: a stable hash of the user id. */
export const rosterPartitionOf = (userId: string): number =>
  createHash('sha256').update(userId).digest().readUInt32BE(0) % ROSTER_PARTITIONS;
const rosterKey = (userId: string) => ({
  pk: `SCREENROSTER#${String(rosterPartitionOf(userId)).padStart(3, '0')}`,
  sk: userId,
});

type Keyed = { pk: string; sk: string; version: number } & Record<string, unknown>;
export interface ScreeningState {
  readonly frozen: boolean;
  readonly decisionId?: string;
  readonly caseId?: string;
  readonly frozenAt?: string;
  /** F2: when and by which approved request (`lift-screening-freeze`) the last freeze was lifted. */
  readonly liftedAt?: string;
  readonly liftedBy?: string;
}
type StateRow = ScreeningState & Keyed;
type DecisionRow = ScreeningDecision & Keyed;

/** F2: a decision as the admin user view and the PEP status read it: no explanations, the listed names kept. */
export interface DecisionSummary {
  readonly decisionId: string;
  readonly subject: ScreeningDecision['subject'];
  readonly trigger: ScreeningDecision['trigger'];
  readonly at: string;
  readonly band: ScreeningDecision['band'];
  readonly action: ScreeningDecision['action'];
  readonly reason: string;
  readonly hits: readonly {
    readonly entityId: string;
    readonly list: string;
    readonly matchedName: string;
    readonly score: number;
    readonly category: HitCategory;
    readonly pepRoles?: readonly string[];
  }[];
  readonly listVersions: ScreeningDecision['listVersions'];
  readonly pep?: PepFinding;
}
type RecentRow = DecisionSummary & Keyed;

export const summaryOf = (d: ScreeningDecision): DecisionSummary => ({
  decisionId: d.decisionId,
  subject: d.subject,
  trigger: d.trigger,
  at: d.at,
  band: d.band,
  action: d.action,
  reason: d.reason,
  hits: d.hits.map((h) => ({
    entityId: h.entityId,
    list: h.list,
    matchedName: h.matchedName,
    score: Math.round(h.score * 1000) / 1000,
    category: h.category ?? 'sanctions',
    ...(h.pepRoles && h.pepRoles.length > 0 ? { pepRoles: h.pepRoles } : {}),
  })),
  listVersions: d.listVersions,
  ...(d.pep ? { pep: d.pep } : {}),
});

const partition = (userId: string) => `SCREENING#${userId}`;
const decisionKey = (userId: string, decisionId: string) => ({
  pk: partition(userId),
  sk: `DECISION#${decisionId}`,
});
const stateKey = (userId: string) => ({ pk: partition(userId), sk: 'STATE' });
const recentPrefix = (kind: ScreeningDecision['subject']['kind']) => `RECENT#${kind}#`;
const recentKey = (d: Pick<ScreeningDecision, 'subject' | 'at' | 'decisionId'>) => ({
  pk: partition(d.subject.userId),
  sk: `${recentPrefix(d.subject.kind)}${d.at}#${d.decisionId}`,
});

const strip = <T>({ pk: _pk, sk: _sk, version: _v, ...rest }: Keyed): T => rest as T;

export class ScreeningStore {
  /** `vault`: the roster's (enrol, rosterEntry, rosterPage); decisions and freezes need none. */
  constructor(
    private readonly table: SignedTable,
    private readonly outbox: Pick<Outbox, 'pending'>,
    private readonly vault?: Pick<FieldCipher, 'encrypt' | 'decrypt'>,
  ) {}

  private cipher(): Pick<FieldCipher, 'encrypt' | 'decrypt'> {
    if (!this.vault)
      throw new Error('This screening store was built without the vault (the roster is sealed)');
    return this.vault;
  }

  /** The facts of a roster row, opened by the vault (a row from before the sealing holds its name in clear). */
  private async open(row: RosterRow): Promise<RosterEntry> {
    if (row.identity === undefined) return { userId: row.userId, name: row.name ?? '' };
    return entryOf(row.userId, await this.cipher().decrypt(rosterBinding(row.userId), row.identity));
  }

  /** Records a decision with its audit record; false when it was recorded already (a retry). */
  async record(decision: ScreeningDecision): Promise<boolean> {
    const best = decision.hits[0];
    const after = this.outbox.pending<ScreeningDecision>((d) => [
      {
        kind: 'audit',
        event: {
          actor: { kind: 'system', id: 'screening' },
          action: 'screening.decision',
          target: { kind: 'user', id: d.subject.userId },
          // not-screened: the screening did not take place (no list version); no hit, nothing flagged
          outcome: d.band === 'clear' ? 'success' : d.band === 'not-screened' ? 'failed' : 'flagged',
          at: d.at,
          details: {
            decisionId: d.decisionId,
            subject: d.subject.kind,
            ...(d.subject.kind === 'address' ? { addressId: d.subject.addressId } : {}),
            trigger: d.trigger,
            band: d.band,
            action: d.action,
            ...(d.band === 'not-screened' ? { reason: d.reason } : {}),
            hits: d.hits.length,
            ...(best ? { bestScore: best.score, entry: best.entityId } : {}),
            lists: d.listVersions.map((v) => `${v.list}@${v.version}`).join(','),
            ...(d.pep ? { pep: d.pep.flagged } : {}),
          },
        },
      },
    ]);
    try {
      // the time-ordered summary in the same transaction: written once with the decision, never alone
      await this.table.create<DecisionRow>(
        { ...decisionKey(decision.subject.userId, decision.decisionId), ...decision },
        [{ create: { ...recentKey(decision), ...summaryOf(decision) } }, ...after.writes(decision)],
      );
    } catch (error) {
      if (error instanceof Conflict) return false;
      throw error;
    }
    await after.settle();
    return true;
  }

  async decision(userId: string, decisionId: string): Promise<ScreeningDecision | undefined> {
    const row = await this.table.get<DecisionRow>(decisionKey(userId, decisionId));
    return row && strip<ScreeningDecision>(row);
  }

  /** The customer's decisions (oldest id first; at most `limit`). */
  async decisions(userId: string, limit = 50): Promise<ScreeningDecision[]> {
    const page = await this.table.query<DecisionRow>(partition(userId), {
      sortKeyPrefix: 'DECISION#',
      limit,
    });
    return page.items.map((row) => strip<ScreeningDecision>(row));
  }

  /**
   * F2: the newest decisions of the customer and of their addresses, newest first (at most `limit` of each
   * subject kind, merged). Decisions recorded before the time-ordered summaries existed are read from their
   * own rows (at most 50) when the summaries fall short.
   */
  async recentDecisions(userId: string, limit = 10): Promise<DecisionSummary[]> {
    const pages = await Promise.all(
      (['customer', 'address'] as const).map((kind) =>
        this.table.query<RecentRow>(partition(userId), {
          sortKeyPrefix: recentPrefix(kind),
          limit,
          newestFirst: true,
        }),
      ),
    );
    const found = new Map<string, DecisionSummary>();
    for (const page of pages)
      for (const row of page.items) found.set(row.decisionId, strip<DecisionSummary>(row));
    if (pages.every((p) => p.items.length < limit)) {
      for (const d of await this.decisions(userId, 50))
        if (!found.has(d.decisionId)) found.set(d.decisionId, summaryOf(d));
    }
    return [...found.values()]
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.decisionId < b.decisionId ? 1 : -1))
      .slice(0, limit);
  }

  /** F2: the newest decision screening the customer (not an address), if any. */
  async latestCustomerDecision(userId: string): Promise<DecisionSummary | undefined> {
    const page = await this.table.query<RecentRow>(partition(userId), {
      sortKeyPrefix: recentPrefix('customer'),
      limit: 1,
      newestFirst: true,
    });
    const [row] = page.items;
    if (row) return strip<DecisionSummary>(row);
    // recorded before the summaries: the newest of the customer's own decision rows
    const older = (await this.decisions(userId, 50))
      .filter((d) => d.subject.kind === 'customer')
      .sort((a, b) => (a.at < b.at ? 1 : -1))[0];
    return older && summaryOf(older);
  }

  /**
   * Enrols a customer in the roster, or updates the facts they are screened on (idempotent: the same facts
   * write nothing). The facts are sealed by the vault; an existing row is opened to compare.
   */
  async enrol(entry: RosterEntry): Promise<void> {
    const key = rosterKey(entry.userId);
    const fields = rosterFields(entry);
    const same = (a: Record<string, string>) => JSON.stringify(a) === JSON.stringify(fields);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const existing = await this.table.get<RosterRow>(key);
        if (existing && same(rosterFields(await this.open(existing))) && existing.identity !== undefined)
          return;
        const identity = await this.cipher().encrypt(rosterBinding(entry.userId), fields);
        if (existing === undefined)
          await this.table.create<RosterRow>({ ...key, userId: entry.userId, identity });
        else
          await this.table.update<RosterRow>(key, (row) => {
            if (row.version !== existing.version) throw new Conflict('The roster row changed meanwhile');
            const { name: _clear, ...rest } = row;
            return { ...rest, identity };
          });
        return;
      } catch (error) {
        if (!(error instanceof Conflict) || attempt >= 3) throw error;
      }
    }
  }

  /** F2: the facts a customer is screened on (opened), or undefined when they are not in the roster. */
  async rosterEntry(userId: string): Promise<RosterEntry | undefined> {
    const row = await this.table.get<RosterRow>(rosterKey(userId));
    return row && this.open(row);
  }

  /** F2: whether the customer is in the roster (the backfill enrols only those who are not). */
  async enrolled(userId: string): Promise<boolean> {
    return (await this.table.get<RosterRow>(rosterKey(userId))) !== undefined;
  }

  /** One page of a roster partition, from `cursor` (the last user id of the page before). */
  async rosterPage(
    partition: number,
    limit: number,
    cursor?: string,
  ): Promise<{ customers: RosterEntry[]; next?: string }> {
    const pk = `SCREENROSTER#${String(partition).padStart(3, '0')}`;
    const page = await this.table.query<RosterRow>(pk, {
      limit,
      ...(cursor ? { startKey: { pk, sk: cursor } } : {}),
    });
    const customers: RosterEntry[] = [];
    for (const row of page.items) customers.push(await this.open(row));
    const last = customers.at(-1);
    return { customers, ...(page.next && last ? { next: last.userId } : {}) };
  }

  async state(userId: string): Promise<ScreeningState | undefined> {
    const row = await this.table.get<StateRow>(stateKey(userId));
    return row && strip<ScreeningState>(row);
  }

  /**
   * Freezes the customer's withdrawals (idempotent: a frozen customer stays frozen by the first decision). A
   * blocking decision freezes before its case is opened, so no moment shows the case without the freeze; the
   * case's id follows (noteFreezeCase).
   */
  async freeze(userId: string, by: { decisionId: string; caseId?: string; at: string }): Promise<void> {
    const state: ScreeningState = {
      frozen: true,
      decisionId: by.decisionId,
      ...(by.caseId ? { caseId: by.caseId } : {}),
      frozenAt: by.at,
    };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const existing = await this.table.get<StateRow>(stateKey(userId));
        if (existing === undefined) {
          await this.table.create<StateRow>({ ...stateKey(userId), ...state });
          return;
        }
        if (existing.frozen) return;
        await this.table.update<StateRow>(stateKey(userId), (row) =>
          row.frozen ? undefined : { ...row, ...state },
        );
        return;
      } catch (error) {
        if (!(error instanceof Conflict) || attempt >= 3) throw error;
      }
    }
  }

  /** The case of the decision that froze the customer, once opened (nothing when another decision froze). */
  async noteFreezeCase(userId: string, by: { decisionId: string; caseId: string }): Promise<void> {
    await this.table.update<StateRow>(stateKey(userId), (row) =>
      row.frozen && row.decisionId === by.decisionId && !row.caseId
        ? { ...row, caseId: by.caseId }
        : undefined,
    );
  }

  /**
   * F2: lifts the customer's screening freeze by an approved admin request (`lift-screening-freeze`), with
   * its audit record `screening.freeze-lifted` in the same write. `already`: this request lifted it before
   * (a retry); `not-frozen`: nothing to lift.
   */
  async liftFreeze(
    userId: string,
    by: { requestId: string; requesterId: string; approvers: readonly string[]; at: string },
  ): Promise<'lifted' | 'already' | 'not-frozen'> {
    const row = await this.table.get<StateRow>(stateKey(userId));
    if (!row?.frozen) return row?.liftedBy === by.requestId ? 'already' : 'not-frozen';
    const after = this.outbox.pending<StateRow>((r) => [
      {
        kind: 'audit',
        event: {
          actor: { kind: 'admin', id: by.requesterId },
          action: 'screening.freeze-lifted',
          target: { kind: 'user', id: userId },
          outcome: 'success',
          at: by.at,
          details: {
            requestId: by.requestId,
            approvers: by.approvers.join(','),
            ...(r.decisionId ? { decisionId: r.decisionId } : {}),
            ...(r.caseId ? { caseId: r.caseId } : {}),
          },
        },
      },
    ]);
    const updated = await this.table.update<StateRow>(
      stateKey(userId),
      (current) =>
        current.frozen ? { ...current, frozen: false, liftedAt: by.at, liftedBy: by.requestId } : undefined,
      (next) => after.writes(next),
    );
    if (!updated?.changed) return updated?.row.liftedBy === by.requestId ? 'already' : 'not-frozen';
    await after.settle();
    return 'lifted';
  }
}
