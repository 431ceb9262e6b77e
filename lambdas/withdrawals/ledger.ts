// C2: the withdrawal limits ledger. One signed row per user (`USER#id` / `WITHDRAWAL-LEDGER`) lists the
// withdrawals of the last 30 days that count against the limits; a new withdrawal's record and its ledger
// entry are written in one transaction, conditional on the ledger's version, so two concurrent requests can
// never both pass a limit that only one of them fits under, and neither write exists without the other.
import type { Asset } from '../kernel/assets.js';
import { Conflict, Forbidden } from '../kernel/errors.js';
import type { Row, SignedTable } from '../kernel/integrity/signed-table.js';
import {
  type LedgerEntry,
  ledgerKey,
  MONTHLY_WINDOW_MS,
  type Usage,
  usageOf,
} from '../kernel/withdrawal-usage.js';
import { formatAmount, limitMinor } from './amount.js';
import type { AssetLimits } from './limits.js';
import { type LimitsOverrides, WithdrawalLimits } from './limits.js';
import type { WithdrawalRecord, WithdrawalRow } from './record.js';
import { withdrawalKey } from './record.js';

export {
  DAILY_WINDOW_MS,
  DAY_MS,
  type LedgerEntry,
  ledgerKey,
  MONTHLY_WINDOW_MS,
  type Usage,
  usageOf,
} from '../kernel/withdrawal-usage.js';

export type LedgerRow = Row & { pk: string; sk: string; entries: LedgerEntry[] };

export type { AssetLimits } from './limits.js';

/** The limit a new amount would break, or undefined when it fits under both. */
export function limitBreached(
  usage: Usage,
  asset: Asset,
  amountMinor: bigint,
  limits: AssetLimits,
): { code: 'DAILY_LIMIT' | 'MONTHLY_LIMIT'; limit: string; remaining: string } | undefined {
  const daily = limitMinor(asset, limits.daily);
  const monthly = limitMinor(asset, limits.monthly);
  const remaining = (limit: bigint, used: bigint) => formatAmount(asset, used >= limit ? 0n : limit - used);
  if (usage.daily + amountMinor > daily) {
    return { code: 'DAILY_LIMIT', limit: limits.daily, remaining: remaining(daily, usage.daily) };
  }
  if (usage.monthly + amountMinor > monthly) {
    return { code: 'MONTHLY_LIMIT', limit: limits.monthly, remaining: remaining(monthly, usage.monthly) };
  }
  return undefined;
}

/** Entries still inside the longest window; older ones no longer count and are dropped on the next write. */
const live = (entries: readonly LedgerEntry[], now: Date) =>
  entries.filter((e) => now.getTime() - Date.parse(e.at) < MONTHLY_WINDOW_MS);

const ATTEMPTS = 8;

export class WithdrawalLedger {
  private readonly ownLimits: WithdrawalLimits;

  constructor(private readonly table: SignedTable) {
    this.ownLimits = new WithdrawalLimits(table);
  }

  /** The limits that apply to the user for `asset`: their own if set (D2), else `defaults`. */
  limitsFor(
    userId: string,
    asset: Asset,
    defaults: AssetLimits,
    ceiling?: AssetLimits,
  ): Promise<AssetLimits> {
    return this.ownLimits.limitsFor(userId, asset, defaults, ceiling);
  }

  /** The user's own limits per asset (an approved admin change), if any were set. */
  overrides(userId: string): Promise<LimitsOverrides> {
    return this.ownLimits.overrides(userId);
  }

  /** The user's usage of `asset` at `now`. */
  async usage(userId: string, asset: Asset, now: Date): Promise<Usage> {
    const row = await this.table.get<LedgerRow>(ledgerKey(userId));
    return usageOf(row?.entries ?? [], asset, now);
  }

  /**
   * Creates the withdrawal record and its ledger entry together, if the amount fits under the limits (the
   * user's own, else `defaultLimits`) on the ledger as it is at the write. A concurrent request that wrote first makes this one re-read and
   * check again; a request that no longer fits fails with DAILY_LIMIT or MONTHLY_LIMIT (403).
   */
  async record(
    record: WithdrawalRecord,
    defaultLimits: AssetLimits,
    now: Date,
    ceiling?: AssetLimits,
  ): Promise<void> {
    // D2: the user's own limits (an approved admin change) take the place of the deploy's default, under the
    // ceiling of an overdue KYC refresh (X4).
    // The limits and the ledger are read together (the first attempt's ledger read; a retry reads it again).
    const ledgerRead = this.table.get<LedgerRow>(ledgerKey(record.userId));
    ledgerRead.catch(() => undefined); // awaited below; a failure is told there
    const limits = await this.ownLimits.limitsFor(record.userId, record.asset, defaultLimits, ceiling);
    const entry: LedgerEntry = {
      withdrawalId: record.withdrawalId,
      asset: record.asset,
      amountMinor: record.amountMinor,
      at: record.createdAt,
    };
    for (let attempt = 1; ; attempt++) {
      const current =
        attempt === 1 ? await ledgerRead : await this.table.get<LedgerRow>(ledgerKey(record.userId));
      const entries = live(current?.entries ?? [], now);
      const breach = limitBreached(
        usageOf(entries, record.asset, now),
        record.asset,
        BigInt(record.amountMinor),
        limits,
      );
      if (breach) {
        throw new Forbidden(
          `This withdrawal is above your ${breach.code === 'DAILY_LIMIT' ? 'daily (rolling 24 hours)' : 'monthly (rolling 30 days)'} ${record.asset} limit of ${breach.limit}; ${breach.remaining} ${record.asset} remain`,
          breach.code,
        );
      }
      const ledger = { ...ledgerKey(record.userId), entries: [...entries, entry] };
      try {
        await this.table.transact([
          current ? { replace: current, with: ledger } : { create: ledger },
          {
            create: { ...record, ...withdrawalKey(record.userId, record.withdrawalId) } as Omit<
              WithdrawalRow,
              'version'
            >,
          },
        ]);
        return;
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= ATTEMPTS) throw err;
      }
    }
  }

  /**
   * Takes back a withdrawal whose workflow could not be started: its record and its ledger entry go in one
   * transaction, only while the record is still as it was created (version 1). False when the record has
   * moved on (its workflow did start after all): it stays, and the caller answers as if the start had
   * succeeded. A record never written is a no-op (true).
   */
  async undo(userId: string, withdrawalId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const record = await this.table.get<WithdrawalRow>(withdrawalKey(userId, withdrawalId));
      if (!record) return true;
      if (record.version !== 1) return false;
      const ledger = await this.table.get<LedgerRow>(ledgerKey(userId));
      try {
        await this.table.transact([
          { delete: record },
          ...(ledger
            ? [
                {
                  replace: ledger,
                  with: { ...ledger, entries: ledger.entries.filter((e) => e.withdrawalId !== withdrawalId) },
                },
              ]
            : []),
        ]);
        return true;
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= ATTEMPTS) throw err;
      }
    }
  }

  /**
   * Takes a withdrawal off the ledger (rejected or cancelled: it moves no funds, so it stops counting).
   * Idempotent: an entry already gone, or no ledger at all, is a no-op. Returns whether it removed one.
   */
  async release(userId: string, withdrawalId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        const updated = await this.table.update<LedgerRow>(ledgerKey(userId), (row) =>
          row.entries.some((e) => e.withdrawalId === withdrawalId)
            ? { ...row, entries: row.entries.filter((e) => e.withdrawalId !== withdrawalId) }
            : undefined,
        );
        return updated?.changed ?? false;
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= ATTEMPTS) throw err;
      }
    }
  }
}
