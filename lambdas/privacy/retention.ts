// F5: five-year records. When a business relationship ends (an account closure), the clock starts: the customer's
// KYC data, documents, screening decisions and transaction records are kept RECORD_RETENTION.years after the end,
// then erased by the scheduled sweep, each erasure audited without the data it erased.
//
// - The end is one signed row, `USER#<id>` / `RELATIONSHIP-END` {endedAt, dueAt}, and one entry in a due index
//   kept as plain partitions by month, `RETENTION-DUE#<yyyy-mm of dueAt>` / `<dueAt>#<userId>`, written together.
//   A sweep reads only the months from its cursor (`RETENTION-SWEEP` / `CURSOR`) to the current one, never scans.
// - Erasing replaces each of the customer's rows by a tombstone (its key, `erasedAt`, nothing else) instead of
//   deleting it: the version still rises, so a signed copy put back is refused as a replay (E1 head ledger) and no
//   function needs the right to delete a head. The documents are the eraser's (an S3 lifecycle on a tag).
// - Retention is configuration with one source: RECORD_RETENTION here (the sweep, and the S3 lifecycle in CDK).
import type { SignedTable, TransactWrite } from '../kernel/integrity/signed-table.js';
import type { Effect, Outbox } from '../kernel/outbox.js';
import type { Clock } from '../kernel/ports/clock.js';
import { ownerIdsOf } from '../kyc/contracts.js';

export const RECORD_RETENTION = Object.freeze({
  /** Kept at least this many years after the relationship ends (F5: five). */
  years: 5,
  /** The first month a due entry can be in: the sweep's cursor starts there. */
  firstMonth: '2026-01',
  /** Due entries erased per sweep run at most (the next run goes on). */
  perRun: 100,
});

/** The partitions of the due index and the sweep's cursor (the sweep's grant; DeleteItem on the first only). */
export const RETENTION_DUE_PREFIX = 'RETENTION-DUE#';
export const RETENTION_CURSOR_PARTITION = 'RETENTION-SWEEP';

type Row = { pk: string; sk: string; version: number } & Record<string, unknown>;

/** `years` calendar years after `endedAt` (UTC); 29 February falls on 1 March: never less than the period. */
export function retentionDueAt(endedAt: Date, years: number = RECORD_RETENTION.years): Date {
  const due = new Date(endedAt.getTime());
  due.setUTCFullYear(endedAt.getUTCFullYear() + years);
  return due;
}

const month = (iso: string) => iso.slice(0, 7);
const nextMonth = (m: string): string => {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
};
export const relationshipEndKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'RELATIONSHIP-END' });
const dueKey = (dueAt: string, userId: string) => ({
  pk: `${RETENTION_DUE_PREFIX}${month(dueAt)}`,
  sk: `${dueAt}#${userId}`,
});
const CURSOR = { pk: RETENTION_CURSOR_PARTITION, sk: 'CURSOR' };

/** Erases one customer's retained data; answers what it erased (counts only). */
export interface Eraser {
  erase(userId: string, at: string): Promise<{ rows: number; documents: number }>;
}

export interface SweepResult {
  erased: string[];
  /** The cursor month after this run. */
  cursor: string;
  /** Due entries left for the next run (over `perRun`). */
  more: boolean;
}

export class RecordRetention {
  constructor(
    private readonly table: SignedTable,
    private readonly deps: {
      clock: Clock;
      outbox: Pick<Outbox, 'pending'>;
      eraser: Eraser;
      retention?: typeof RECORD_RETENTION;
    },
  ) {}

  private get rules() {
    return this.deps.retention ?? RECORD_RETENTION;
  }

  /**
   * F5: the relationship with `userId` ended at `endedAt` (an account closure): the retention clock starts. A
   * second call keeps the first end (the clock never restarts later). Audited `retention.started`.
   */
  async relationshipEnded(userId: string, endedAt: Date): Promise<{ endedAt: string; dueAt: string }> {
    const existing = await this.table.get<Row>(relationshipEndKey(userId));
    if (existing) return { endedAt: existing.endedAt as string, dueAt: existing.dueAt as string };
    const start = this.startWrites(userId, endedAt);
    await this.table.transact(start.writes);
    await start.settle();
    return { endedAt: endedAt.toISOString(), dueAt: start.dueAt };
  }

  /**
   * The writes that start the clock, for a caller that ends the relationship in its own transaction (the
   * account closure: the closed account row, the end row, the due entry and both audit records all or none).
   * Both rows are created only if absent: a second start in the same transaction fails it (Conflict).
   * `settle` completes the audit record once the transaction has committed.
   */
  startWrites(
    userId: string,
    endedAt: Date,
  ): { dueAt: string; writes: TransactWrite[]; settle: () => Promise<void> } {
    const dueAt = retentionDueAt(endedAt, this.rules.years).toISOString();
    const end = { ...relationshipEndKey(userId), userId, endedAt: endedAt.toISOString(), dueAt };
    const after = this.deps.outbox.pending((): Effect[] => [
      audit(userId, 'retention.started', endedAt.toISOString(), { dueAt, years: String(this.rules.years) }),
    ]);
    return {
      dueAt,
      writes: [
        { create: end },
        { create: { ...dueKey(dueAt, userId), userId, dueAt } },
        ...after.writes(undefined),
      ],
      settle: () => after.settle(),
    };
  }

  /**
   * The scheduled sweep: every due entry up to now, month partition by month partition from the cursor, erased
   * (the eraser), its entry removed and the erasure audited (`retention.erased`: counts, never data), at most
   * `perRun` per run. The cursor moves past a month once it is empty and over.
   */
  async sweep(): Promise<SweepResult> {
    const now = this.deps.clock.now();
    const nowIso = now.toISOString();
    const cursorRow = await this.table.get<Row>(CURSOR);
    let cursor = (cursorRow?.month as string | undefined) ?? this.rules.firstMonth;
    const erased: string[] = [];
    let more = false;
    for (let m = cursor; m <= month(nowIso); m = nextMonth(m)) {
      const page = await this.table.query<Row>(`${RETENTION_DUE_PREFIX}${m}`, {
        limit: this.rules.perRun + 1,
      });
      const due = page.items.filter((entry) => (entry.dueAt as string) <= nowIso);
      for (const entry of due) {
        if (erased.length >= this.rules.perRun) {
          more = true;
          break;
        }
        const userId = entry.userId as string;
        const counts = await this.deps.eraser.erase(userId, nowIso);
        const after = this.deps.outbox.pending((): Effect[] => [
          audit(userId, 'retention.erased', nowIso, {
            dueAt: entry.dueAt as string,
            rows: String(counts.rows),
            documents: String(counts.documents),
          }),
        ]);
        await this.table.transact([{ delete: entry }, ...after.writes(undefined)]);
        await after.settle();
        erased.push(userId);
      }
      if (more) break;
      const emptied = due.length === page.items.length && !page.next;
      if (emptied && m < month(nowIso) && m === cursor) cursor = nextMonth(m);
    }
    if (cursor !== ((cursorRow?.month as string | undefined) ?? this.rules.firstMonth)) {
      const writes: TransactWrite[] = cursorRow
        ? [{ replace: cursorRow, with: { ...cursorRow, month: cursor } }]
        : [{ create: { ...CURSOR, month: cursor } }];
      await this.table.transact(writes);
    }
    return { erased, cursor, more };
  }
}

/** The audit record of a retention step: the pseudonymous user id and counts, never what was erased. */
const audit = (userId: string, action: string, at: string, details: Record<string, string>): Effect => ({
  kind: 'audit',
  event: {
    actor: { kind: 'system', id: 'record-retention' },
    action,
    target: { kind: 'user', id: userId },
    outcome: 'success',
    at,
    details,
  },
});

/**
 * The partitions of one customer the eraser tombstones (accounts table): the user's own (account, sessions,
 * KYC record, addresses, withdrawal records and ledger, security state) and the screening decisions and state
 * (`SCREENING#<id>`); for a business, each beneficial owner's screening (`SCREENING#<ownerId>`) and pointer
 * (`KYCOWNER#<ownerId>`). The sweep's IAM grant is scoped to these prefixes (lib/grants/data.ts, retention:sweep).
 */
export const RETAINED_PARTITIONS = ['USER#', 'SCREENING#', 'KYCOWNER#'] as const;

/**
 * The eraser over the accounts table: every row of the customer's partition (KYC record, addresses, withdrawal
 * records, screening decisions, the account row …) replaced by its tombstone, except the relationship-end row,
 * which stays as the proof of when and why. The documents are erased by `documents` (S3: tagged for the bucket's
 * lifecycle rule).
 */
export class PartitionEraser implements Eraser {
  constructor(
    private readonly table: SignedTable,
    private readonly documents?: { eraseAll(userId: string): Promise<number> },
  ) {}

  async erase(userId: string, at: string): Promise<{ rows: number; documents: number }> {
    // The owners first, read from the customer's rows while they are intact (the KYC record names them): a
    // sweep interrupted anywhere and run again still finds them, as the record is tombstoned last.
    const owners = new Set<string>();
    await this.eachRow(`USER#${userId}`, async (row) => {
      for (const owner of ownerIdsOf(row)) owners.add(owner);
    });
    const partitions = [
      ...[...owners].flatMap((owner) => [`SCREENING#${owner}`, `KYCOWNER#${owner}`]),
      `SCREENING#${userId}`,
      `USER#${userId}`,
    ];
    let rows = 0;
    for (const partition of partitions) {
      await this.eachRow(partition, async (row) => {
        if (row.sk === 'RELATIONSHIP-END' || row.erasedAt) return;
        await this.table.transact([{ replace: row, with: { pk: row.pk, sk: row.sk, erasedAt: at } }]);
        rows += 1;
      });
    }
    const documents = (await this.documents?.eraseAll(userId)) ?? 0;
    return { rows, documents };
  }

  private async eachRow(partition: string, visit: (row: Row) => Promise<void>): Promise<void> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.query<Row>(partition, startKey ? { startKey } : {});
      for (const row of page.items) await visit(row);
      startKey = page.next;
    } while (startKey);
  }
}
