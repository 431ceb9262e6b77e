// F1 (Travel Rule): whether a withdrawal must carry originator and beneficiary data: its amount priced in the
// configured currency with the price port and compared with the threshold, exactly. Apart from the IVMS101 schemas
// (travel-rule.ts) so that the withdrawal request, which calls this, bundles none of them.
import type { Asset } from '../kernel/assets.js';
import type { KycConfig } from './config.js';
import { fromScaled, mulScaled, toScaled } from './decimal.js';
import type { PriceSource } from './ports.js';

export interface TravelRuleDecision {
  required: boolean;
  /** The value in the configured currency, when a fresh price was had. */
  value?: string;
  currency: string;
  threshold: string;
  /** No fresh price: the data is required (fail safe), never skipped. */
  priceMissing?: true;
}

/** Whether a withdrawal of `amount` (a decimal of the asset's unit) must carry Travel Rule data. */
export async function travelRuleApplies(
  asset: Asset,
  amount: string,
  prices: PriceSource,
  config: Pick<KycConfig, 'travelRule'>,
  now: Date,
): Promise<TravelRuleDecision> {
  const { currency, thresholds, maxPriceAgeSeconds } = config.travelRule;
  const threshold = thresholds[currency];
  const price = await prices.price(asset, currency).catch(() => undefined);
  if (
    !price ||
    now.getTime() - price.at.getTime() > maxPriceAgeSeconds * 1000 ||
    price.at.getTime() > now.getTime() + 60_000
  ) {
    return { required: true, currency, threshold, priceMissing: true };
  }
  const value = mulScaled(amount, price.price);
  return { required: value >= toScaled(threshold), value: fromScaled(value), currency, threshold };
}
