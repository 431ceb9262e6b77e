// F3: cases on signed rows of the accounts table (E1). The case itself is one row, `CASE#<caseId>` / `CASE`,
// under the head ledger (its rollback would undo a compliance decision). Beside it, written in the same
// transaction and never changed after:
// - `CASESOURCE#<sha256(kind:id)>` / `SOURCE`: the claim of what opened or joined the case, so opening twice
//   from one source (a task's retry, a screening re-run) finds the first case instead of a second one;
// - `CASES` / `<openedAt>#<caseId>`: the list of every case, newest first (the admin list and its cursor);
// - `CASESUBJECT#<userId>` / `<openedAt>#<caseId>`: the cases of one subject.
// A user's reports (F7) are `USERREPORTS#<userId>` / `<at>#<reportId>` rows naming their case.
import { createHash } from 'node:crypto';
import { Conflict } from '../kernel/errors.js';
import type { SignedTable, TransactWrite } from '../kernel/integrity/signed-table.js';
import type { PendingEffects } from '../kernel/outbox.js';
import type { Case, CaseKind, CaseSource } from './case-record.js';
import type { CaseStatus } from './case-status.js';

type Keyed = { pk: string; sk: string; version: number } & Record<string, unknown>;
export type CaseRow = Case & Keyed;
interface SourceRow extends Keyed {
  caseId: string;
  source: CaseSource;
}
interface IndexRow extends Keyed {
  caseId: string;
  kind: CaseKind;
  userId: string;
  openedAt: string;
}
export interface UserReport {
  reportId: string;
  userId: string;
  category: string;
  at: string;
  caseId: string;
}
export type UserReportRow = UserReport & Keyed;

export const CASE_LIST_PARTITION = 'CASES';
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
export const caseKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' });
const sourceKey = (source: CaseSource) => ({
  pk: `CASESOURCE#${sha256(`${source.kind}:${source.id}`)}`,
  sk: 'SOURCE',
});
const subjectPartition = (userId: string) => `CASESUBJECT#${userId}`;
const reportsPartition = (userId: string) => `USERREPORTS#${userId}`;

export const caseOf = ({ pk: _pk, sk: _sk, version: _v, ...rest }: CaseRow): Case => rest as Case;

export interface CaseListFilter {
  status?: CaseStatus;
  kind?: CaseKind;
  userId?: string;
}

export interface CasePage {
  cases: Case[];
  /** The sort key to go on from (the cursor), while older cases may follow. */
  next?: string;
}

/** A listing reads at most this many index rows per call, filters or not. */
const MAX_SCANNED = 500;

export class CaseStore {
  constructor(private readonly table: SignedTable) {}

  async get(caseId: string): Promise<Case | undefined> {
    const row = await this.table.get<CaseRow>(caseKey(caseId));
    return row ? caseOf(row) : undefined;
  }

  /** The case a source opened or joined, if any. */
  async bySource(source: CaseSource): Promise<string | undefined> {
    return (await this.table.get<SourceRow>(sourceKey(source)))?.caseId;
  }

  /**
   * Writes a new case with its source claim and list rows, plus `extra` rows, all or none. A Conflict means
   * the source was claimed meanwhile (or, improbably, the id is taken): the caller reads the claim again.
   */
  async create(c: Case, extra: readonly TransactWrite[] = [], after?: PendingEffects<Case>): Promise<void> {
    const [source] = c.sources;
    if (!source) throw new Error('a case has its opening source');
    const listSk = `${c.openedAt}#${c.caseId}`;
    await this.table.transact([
      { create: { ...caseKey(c.caseId), ...c } },
      { create: { ...sourceKey(source), caseId: c.caseId, source } },
      {
        create: {
          pk: CASE_LIST_PARTITION,
          sk: listSk,
          caseId: c.caseId,
          kind: c.kind,
          userId: c.subject.userId,
          openedAt: c.openedAt,
        },
      },
      {
        create: {
          pk: subjectPartition(c.subject.userId),
          sk: listSk,
          caseId: c.caseId,
          openedAt: c.openedAt,
        },
      },
      ...extra,
      ...(after?.writes(c) ?? []),
    ]);
  }

  /**
   * Changes a case (read, change, conditional write); `change` returns undefined to leave it. With `claim`,
   * the source joining the case is claimed in the same transaction (a Conflict when claimed meanwhile).
   */
  async update(
    caseId: string,
    change: (current: Case) => Case | undefined,
    after?: PendingEffects<Case>,
    claim?: CaseSource,
  ): Promise<{ case: Case; changed: boolean } | undefined> {
    const result = await this.table.update<CaseRow>(
      caseKey(caseId),
      (row) => {
        const next = change(caseOf(row));
        return next ? { ...row, ...next } : undefined;
      },
      (next) => [
        ...(claim ? [{ create: { ...sourceKey(claim), caseId, source: claim } }] : []),
        ...(after?.writes(caseOf(next)) ?? []),
      ],
    );
    return result && { case: caseOf(result.row), changed: result.changed };
  }

  /** The subject's cases, newest first. */
  async ofSubject(userId: string, limit = 50): Promise<Case[]> {
    const page = await this.table.query<IndexRow>(subjectPartition(userId), { newestFirst: true, limit });
    const cases = await Promise.all(page.items.map((row) => this.get(row.caseId)));
    return cases.filter((c): c is Case => c !== undefined);
  }

  /** Cases newest first, filtered, `limit` at most, going on after the `after` sort key. */
  async list(filter: CaseListFilter, limit: number, after?: string): Promise<CasePage> {
    const partition = filter.userId ? subjectPartition(filter.userId) : CASE_LIST_PARTITION;
    const cases: Case[] = [];
    let startKey: Record<string, unknown> | undefined = after ? { pk: partition, sk: after } : undefined;
    let scanned = 0;
    let lastSk: string | undefined;
    while (cases.length < limit && scanned < MAX_SCANNED) {
      const page = await this.table.query<IndexRow>(partition, {
        newestFirst: true,
        limit: Math.min(limit - cases.length + 10, 100),
        ...(startKey ? { startKey } : {}),
      });
      let stoppedEarly = false;
      for (const [i, row] of page.items.entries()) {
        scanned += 1;
        lastSk = row.sk;
        if (filter.kind && row.kind !== undefined && row.kind !== filter.kind) continue;
        const c = await this.get(row.caseId);
        if (!c) continue;
        if ((filter.kind && c.kind !== filter.kind) || (filter.status && c.status !== filter.status))
          continue;
        cases.push(c);
        if (cases.length >= limit) {
          stoppedEarly = i < page.items.length - 1;
          break;
        }
      }
      if (!page.next && !stoppedEarly) return { cases };
      startKey = page.next ?? (lastSk ? { pk: partition, sk: lastSk } : undefined);
    }
    return { cases, ...(lastSk ? { next: lastSk } : {}) };
  }

  // F7: the user's reports.

  reportWrite(row: UserReport): TransactWrite {
    return { create: { pk: reportsPartition(row.userId), sk: `${row.at}#${row.reportId}`, ...row } };
  }

  async reports(userId: string, limit = 50): Promise<UserReportRow[]> {
    const page = await this.table.query<UserReportRow>(reportsPartition(userId), {
      newestFirst: true,
      limit,
    });
    return page.items.filter((r) => r.userId === userId);
  }
}

export const isConflict = (err: unknown): boolean => err instanceof Conflict;
