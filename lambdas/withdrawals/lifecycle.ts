// C3: the withdrawal's lifecycle: which status may follow which, and the one way a record moves — a
// version-conditional update from allowed statuses only, so two writers racing (a cancel and a dispatch)
// leave exactly one outcome.
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { PendingEffects } from '../kernel/outbox.js';
import {
  WITHDRAWAL_SK_PREFIX,
  type WithdrawalRecord,
  type WithdrawalRow,
  type WithdrawalStatus,
  withdrawalKey,
} from './record.js';
import { ReviewIndex } from './review-index.js';

/** Every allowed move. dispatching only ever ends dispatched: custody has the transfer from there on. */
export const TRANSITIONS: Readonly<Record<WithdrawalStatus, readonly WithdrawalStatus[]>> = {
  screening: ['review', 'approved', 'rejected', 'cancelled'],
  review: ['approved', 'rejected', 'cancelled'],
  approved: ['dispatching', 'cancelled'],
  dispatching: ['dispatched'],
  dispatched: [],
  rejected: [],
  cancelled: [],
};

export const canMove = (from: WithdrawalStatus, to: WithdrawalStatus): boolean =>
  TRANSITIONS[from].includes(to);

/** A workflow task met a record in a status its step cannot start from (a bug or a tampered history). */
export class IllegalTransition extends Error {
  override readonly name = 'IllegalTransition';
}

/**
 * A task found the withdrawal cancelled by a suspension: AwaitAnAdminDecision fails with it (as a
 * suspension's SendTaskFailure does), and the workflow catches it and ends without moving anything.
 */
export class WithdrawalCancelled extends Error {
  override readonly name = 'WithdrawalCancelled';
}

/** A record read with the outcome of a move: `moved` false means the status was not one of `from`. */
export interface Transition {
  moved: boolean;
  record: WithdrawalRow;
}

/** Lost races re-read and re-decide this many times; each loss means another writer made progress. */
const MAX_ATTEMPTS = 5;

export class WithdrawalLifecycle {
  /** D2: the withdrawals in review across users (review-index.ts), kept in step by `move`. */
  readonly reviews: ReviewIndex;

  constructor(private readonly table: Pick<SignedTable, 'get' | 'update' | 'query' | 'create'>) {
    this.reviews = new ReviewIndex(table);
  }

  get(userId: string, withdrawalId: string): Promise<WithdrawalRow | undefined> {
    return this.table.get<WithdrawalRow>(withdrawalKey(userId, withdrawalId));
  }

  /** Every withdrawal record of the user (all pages). */
  async listOf(userId: string): Promise<WithdrawalRow[]> {
    const rows: WithdrawalRow[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.query<WithdrawalRow>(withdrawalKey(userId, '').pk, {
        sortKeyPrefix: WITHDRAWAL_SK_PREFIX,
        ...(startKey ? { startKey } : {}),
      });
      rows.push(...page.items);
      startKey = page.next;
    } while (startKey);
    return rows;
  }

  /**
   * Moves the record to `to` if its status is one of `from`, applying `patch`; otherwise writes nothing and
   * answers the record as it is (`moved: false`). A lost race re-reads and decides again, so of two writers
   * starting from the same status exactly one moves it.
   */
  async move(
    userId: string,
    withdrawalId: string,
    from: readonly WithdrawalStatus[],
    to: WithdrawalStatus,
    at: Date,
    patch: (record: WithdrawalRow) => Partial<WithdrawalRecord> = () => ({}),
    /** What follows the move (its audit record), written with it (kernel/outbox.ts); nothing if it did not move. */
    after?: PendingEffects<WithdrawalRow>,
  ): Promise<Transition> {
    for (const status of from) {
      if (!canMove(status, to))
        throw new IllegalTransition(`A withdrawal never moves from ${status} to ${to}`);
    }
    if (to === 'review') {
      // The index row first: no withdrawal is ever in review without one (a stale open flag costs a read).
      const before = await this.get(userId, withdrawalId);
      if (before && from.includes(before.status)) await this.reviews.open(before, at);
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        let left: WithdrawalStatus | undefined;
        const result = await this.table.update<WithdrawalRow>(
          withdrawalKey(userId, withdrawalId),
          (current) => {
            left = current.status;
            return from.includes(current.status)
              ? { ...current, ...patch(current), status: to, updatedAt: at.toISOString() }
              : undefined;
          },
          (next) => after?.writes(next) ?? [],
        );
        if (!result) throw new IllegalTransition(`No withdrawal ${withdrawalId} for this user`);
        if (result.changed && left === 'review') await this.reviews.close(result.row, at);
        return { moved: result.changed, record: result.row };
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }
}
