// B2: the withdrawal hold. Every security change starts or extends it to `changedAt + holdHours`; a later
// change extends, never shortens. The signed SECURITY row of the accounts table is the source of truth the
// withdrawal checks read; the security-hold workflow clears its flag once the end has passed.
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { PendingEffects } from '../kernel/outbox.js';
import type { SecurityChangeKind } from './contracts.js';

export interface SecurityState {
  /** ISO end of the latest hold (kept after it ends, for history). */
  holdEndsAt?: string;
  /** True from a change until the workflow clears the hold; the end time alone decides whether it holds. */
  holdActive: boolean;
  holdClearedAt?: string;
  lastChange?: { kind: SecurityChangeKind; at: string };
}

export type SecurityRow = SecurityState & { pk: string; sk: string; version: number } & Record<
    string,
    unknown
  >;

/** The state after a change at `at` with a hold of `holdMs`: the end only moves later. */
export function applyChange(
  current: SecurityState | undefined,
  change: { kind: SecurityChangeKind; at: Date },
  holdMs: number,
): SecurityState {
  const proposed = change.at.getTime() + holdMs;
  const existing = current?.holdEndsAt ? Date.parse(current.holdEndsAt) : Number.NEGATIVE_INFINITY;
  const end = Math.max(proposed, existing);
  const previous = current?.lastChange ? Date.parse(current.lastChange.at) : Number.NEGATIVE_INFINITY;
  const lastChange =
    current?.lastChange && previous > change.at.getTime()
      ? current.lastChange
      : { kind: change.kind, at: change.at.toISOString() };
  return { holdEndsAt: new Date(end).toISOString(), holdActive: true, lastChange };
}

/** Whether withdrawals are held at `now`: a hold ends at its end time even before the workflow clears it. */
export function holdStatus(
  state: SecurityState | undefined,
  now: Date,
): { active: boolean; endsAt?: string } {
  if (!state?.holdEndsAt || !state.holdActive) return { active: false };
  const active = Date.parse(state.holdEndsAt) > now.getTime();
  return active ? { active, endsAt: state.holdEndsAt } : { active: false };
}

export type ClearDecision = 'clear' | 'superseded' | 'not-over' | 'already-cleared';

/**
 * What an execution that carries `expectedEnd` may do at `now`: clear only its own hold (the stored end is
 * the one it carries) once that end has passed. A later change moved the end: superseded, that change's
 * execution clears it. A duplicate or stale execution finds it cleared or superseded and does nothing.
 */
export function clearDecision(
  state: SecurityState | undefined,
  expectedEnd: string,
  now: Date,
): ClearDecision {
  if (!state?.holdEndsAt) return 'superseded';
  if (Date.parse(state.holdEndsAt) !== Date.parse(expectedEnd)) return 'superseded';
  if (!state.holdActive) return 'already-cleared';
  if (Date.parse(state.holdEndsAt) > now.getTime()) return 'not-over';
  return 'clear';
}

const keyOf = (userId: string) => ({ pk: `USER#${userId}`, sk: 'SECURITY' });
const stateOf = (row: SecurityRow): SecurityState => ({
  holdActive: row.holdActive,
  ...(row.holdEndsAt !== undefined ? { holdEndsAt: row.holdEndsAt } : {}),
  ...(row.holdClearedAt !== undefined ? { holdClearedAt: row.holdClearedAt } : {}),
  ...(row.lastChange !== undefined ? { lastChange: row.lastChange } : {}),
});

/** The signed SECURITY row: version-conditional writes, a lost race retried on fresh data. */
export class SecurityStateStore {
  constructor(private readonly table: SignedTable) {}

  async get(userId: string): Promise<SecurityState | undefined> {
    const row = await this.table.get<SecurityRow>(keyOf(userId));
    return row && stateOf(row);
  }

  /** Records a change; returns the hold end now stored (the later of the old end and the new one). */
  async recordChange(
    userId: string,
    change: { kind: SecurityChangeKind; at: Date },
    holdMs: number,
    after?: PendingEffects<SecurityState>,
  ): Promise<SecurityState> {
    const also = (row: SecurityRow) => after?.writes(stateOf(row)) ?? [];
    return this.retrying(async () => {
      const updated = await this.table.update<SecurityRow>(
        keyOf(userId),
        (row) => {
          const { holdClearedAt: _cleared, ...rest } = row;
          return { ...rest, ...applyChange(stateOf(row), change, holdMs) };
        },
        also,
      );
      if (updated) return stateOf(updated.row);
      const row = { ...keyOf(userId), ...applyChange(undefined, change, holdMs) };
      const created = await this.table.create<SecurityRow>(row, also({ ...row, version: 1 } as SecurityRow));
      return stateOf(created);
    });
  }

  /** Clears the hold an execution carries, if the rule allows it; says what it did. */
  async clear(
    userId: string,
    expectedEnd: string,
    now: Date,
    after?: PendingEffects<unknown>,
  ): Promise<ClearDecision> {
    return this.retrying(async () => {
      let decision: ClearDecision = 'superseded';
      await this.table.update<SecurityRow>(
        keyOf(userId),
        (row) => {
          decision = clearDecision(stateOf(row), expectedEnd, now);
          return decision === 'clear'
            ? { ...row, holdActive: false, holdClearedAt: now.toISOString() }
            : undefined;
        },
        (next) => after?.writes(next) ?? [],
      );
      return decision;
    });
  }

  /**
   * D2: an approved admin request ends the hold early, at `at`. Idempotent: a hold already cleared (or none)
   * changes nothing. A later security change starts a new hold as usual.
   */
  async lift(userId: string, at: Date, after?: PendingEffects<unknown>): Promise<{ changed: boolean }> {
    return this.retrying(async () => {
      const updated = await this.table.update<SecurityRow>(
        keyOf(userId),
        (row) =>
          row.holdActive ? { ...row, holdActive: false, holdClearedAt: at.toISOString() } : undefined,
        (next) => after?.writes(next) ?? [],
      );
      return { changed: updated?.changed ?? false };
    });
  }

  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof Conflict) || i >= 4) throw err;
      }
    }
  }
}
