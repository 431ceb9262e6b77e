// D2/C3: the withdrawals under investigation across users, for the admin view of reviews. A withdrawal's own
// row lives under its user's partition, so finding every `review` needs an index: one row per withdrawal that
// entered review, bucketed by the UTC day the withdrawal was created (known to every writer from the record,
// so opening and closing name the same row), flagged `open` while the withdrawal is in review.
//
// As the admin requests' `ADMINREQ-OPEN#<day>` rows (request-store.ts): SignedTable has no delete, so a row is
// flagged, never removed; the row is written before the record enters review and closed after it leaves, so
// no withdrawal in review is ever missing from it. The flag is a hint: the listing reads every record and
// keeps only those in `review` now, so a stale flag costs one read.
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { WithdrawalRecord } from './record.js';

export const REVIEW_INDEX_PREFIX = 'WITHDRAWAL-REVIEWS#';

/** The longest review (settings `withdrawalReviewHours` maximum) plus a day for screening: buckets read. */
export const REVIEW_LOOKBACK_DAYS = 14 + 1;
const DAY_MS = 86_400_000;

export interface ReviewIndexRow {
  pk: string;
  sk: string;
  version: number;
  userId: string;
  withdrawalId: string;
  open: boolean;
  openedAt: string;
  closedAt?: string;
  [key: string]: unknown;
}

type Indexed = Pick<WithdrawalRecord, 'userId' | 'withdrawalId' | 'createdAt'>;

export const reviewIndexKey = (record: Indexed) => ({
  pk: `${REVIEW_INDEX_PREFIX}${record.createdAt.slice(0, 10)}`,
  sk: `${record.createdAt}#${record.userId}#${record.withdrawalId}`,
});

const MAX_ATTEMPTS = 5;

export class ReviewIndex {
  constructor(private readonly table: Pick<SignedTable, 'create' | 'update' | 'query'>) {}

  /** Before the record enters review: the row exists and is open (idempotent for a task's retries). */
  async open(record: Indexed, at: Date): Promise<void> {
    try {
      await this.table.create<ReviewIndexRow>({
        ...reviewIndexKey(record),
        userId: record.userId,
        withdrawalId: record.withdrawalId,
        open: true,
        openedAt: at.toISOString(),
      });
    } catch (err) {
      // Already there: a retry of the same step (a withdrawal enters review once).
      if (!(err instanceof Conflict)) throw err;
    }
  }

  /** After the record left review: the row is closed; a missing row (never opened) is left missing. */
  async close(record: Indexed, at: Date): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.table.update<ReviewIndexRow>(reviewIndexKey(record), (current) =>
          current.open ? { ...current, open: false, closedAt: at.toISOString() } : undefined,
        );
        return;
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  /** The withdrawals flagged open, of the buckets a review still in time can be in, oldest first. */
  async listOpen(now: Date): Promise<Array<{ userId: string; withdrawalId: string }>> {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const days = Array.from({ length: REVIEW_LOOKBACK_DAYS + 1 }, (_, i) =>
      new Date(today - (REVIEW_LOOKBACK_DAYS - i) * DAY_MS).toISOString().slice(0, 10),
    );
    const pages = await Promise.all(days.map((day) => this.bucket(day)));
    return pages
      .flat()
      .filter((row) => row.open)
      .map(({ userId, withdrawalId }) => ({ userId, withdrawalId }));
  }

  private async bucket(day: string): Promise<ReviewIndexRow[]> {
    const rows: ReviewIndexRow[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.query<ReviewIndexRow>(`${REVIEW_INDEX_PREFIX}${day}`, {
        ...(startKey ? { startKey } : {}),
      });
      rows.push(...page.items);
      startKey = page.next;
    } while (startKey);
    return rows;
  }
}
