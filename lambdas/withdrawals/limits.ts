// D2: a user's own withdrawal limits, set by an approved `change-withdrawal-limits` admin request: one signed
// row per user (`USER#id` / `WITHDRAWAL-LIMITS`), per asset. The limits ledger (ledger.ts) reads it in place of
// the deploy's default (settings.withdrawalLimits); without a row, the default applies.
import type { Asset } from '../kernel/assets.js';
import { Conflict } from '../kernel/errors.js';
import type { Row, SignedTable } from '../kernel/integrity/signed-table.js';
import { limitMinor } from './amount.js';

export interface AssetLimits {
  daily: string;
  monthly: string;
}

export type OwnLimits = AssetLimits & { setAt: string; requestId: string };
export type LimitsOverrides = Partial<Record<Asset, OwnLimits>>;
type LimitsRow = Row & { pk: string; sk: string; limits: LimitsOverrides };

export const limitsKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'WITHDRAWAL-LIMITS' });

const ATTEMPTS = 8;

export class WithdrawalLimits {
  constructor(private readonly table: SignedTable) {}

  async overrides(userId: string): Promise<LimitsOverrides> {
    return (await this.table.get<LimitsRow>(limitsKey(userId)))?.limits ?? {};
  }

  /**
   * The limits that apply to the user for `asset`: their own if set, else `defaults`. A `ceiling` (X4: the KYC
   * refresh is overdue) caps their own limits limit by limit: an admin override never lifts them above it.
   */
  async limitsFor(
    userId: string,
    asset: Asset,
    defaults: AssetLimits,
    ceiling?: AssetLimits,
  ): Promise<AssetLimits> {
    const own = (await this.overrides(userId))[asset];
    if (!own) return defaults;
    if (!ceiling) return { daily: own.daily, monthly: own.monthly };
    const min = (a: string, b: string) => (limitMinor(asset, a) <= limitMinor(asset, b) ? a : b);
    return { daily: min(own.daily, ceiling.daily), monthly: min(own.monthly, ceiling.monthly) };
  }

  /** Sets the user's own limits for one asset. Idempotent: the same request applied again changes nothing. */
  async setLimits(userId: string, asset: Asset, limits: OwnLimits): Promise<{ changed: boolean }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const updated = await this.table.update<LimitsRow>(limitsKey(userId), (row) =>
          row.limits[asset]?.requestId === limits.requestId
            ? undefined
            : { ...row, limits: { ...row.limits, [asset]: limits } },
        );
        if (updated) return { changed: updated.changed };
        await this.table.create<LimitsRow>({ ...limitsKey(userId), limits: { [asset]: limits } });
        return { changed: true };
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= ATTEMPTS) throw err;
      }
    }
  }
}
