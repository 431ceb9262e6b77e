// F1: the customer's withdrawn volume over the last 30 days in the Travel Rule's currency, for the risk rating
// (risk.ts: medium and high from configuration's volumeRisk). The amounts are the withdrawal limits ledger's
// entries (the withdrawals that count against the limits, one signed row per user); each asset's 30-day sum is
// priced with the price port (the operator's signed price table), exactly, in scaled integers. An asset with
// volume but no usable price (none, older than VOLUME_PRICE_MAX_AGE_MS, or from the future) is not guessed:
// it is returned as unpriced, and the rating says so as a medium reason of its own (fail safe, never low).
import { ASSET_IDS, ASSETS, type Asset } from '../kernel/assets.js';
import { DAY_MS, type LedgerEntry, usageOf } from '../kernel/withdrawal-usage.js';
import type { Fiat } from './config.js';
import { fromScaled, toScaled } from './decimal.js';
import type { PriceSource } from './ports.js';

/**
 * How old a price the rating still uses. Wider than the Travel Rule's 15 minutes: a rating of 30 days of
 * volume moves with the month, not the minute; a week-old price errs by a week's move, which the bands absorb.
 */
export const VOLUME_PRICE_MAX_AGE_MS = 7 * DAY_MS;
const FUTURE_SKEW_MS = 60_000;

export interface Volume {
  /** The priced assets' 30-day sum, a decimal string in `currency`. */
  amount: string;
  currency: Fiat;
  /** Assets withdrawn in the 30 days whose price could not be used: not in `amount`. */
  unpriced: Asset[];
}

export async function volume30Days(
  entries: readonly LedgerEntry[],
  prices: PriceSource,
  currency: Fiat,
  now: Date,
): Promise<Volume> {
  let total = 0n;
  const unpriced: Asset[] = [];
  for (const asset of ASSET_IDS) {
    const { monthly } = usageOf(entries, asset, now);
    if (monthly === 0n) continue;
    const price = await prices.price(asset, currency).catch(() => undefined);
    const age = price ? now.getTime() - price.at.getTime() : Number.POSITIVE_INFINITY;
    if (!price || age > VOLUME_PRICE_MAX_AGE_MS || age < -FUTURE_SKEW_MS) {
      unpriced.push(asset);
      continue;
    }
    // minor units × price per whole unit / 10^decimals, kept at the decimal module's scale
    total += (monthly * toScaled(price.price)) / 10n ** BigInt(ASSETS[asset].decimals);
  }
  return { amount: fromScaled(total), currency, unpriced };
}
