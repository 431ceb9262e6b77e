// F1 (Travel Rule): the local price port: a fixed table, always as of the runtime's clock (never stale). Tests
// set a price to put an amount above or below the threshold (`set`); the AWS adapter is kyc/price-table.ts.
import type { Asset } from '../../lambdas/kernel/assets.js';
import type { Clock } from '../../lambdas/kernel/ports/clock.js';
import type { Fiat } from '../../lambdas/kyc/config.js';
import type { Price, PriceSource } from '../../lambdas/kyc/ports.js';

/** The local table (EUR and USD per unit): round figures of 2026, not a market feed. */
export const LOCAL_PRICES: Readonly<Record<Asset, Record<Fiat, string>>> = Object.freeze({
  BTC: { EUR: '60000', USD: '65000' },
  ETH: { EUR: '3000', USD: '3300' },
});

export class FixedPrices implements PriceSource {
  private readonly table: Record<Asset, Record<Fiat, string | undefined>>;
  constructor(
    private readonly clock: Clock,
    table: Readonly<Record<Asset, Record<Fiat, string>>> = LOCAL_PRICES,
  ) {
    this.table = { BTC: { ...table.BTC }, ETH: { ...table.ETH } };
  }

  async price(asset: Asset, fiat: Fiat): Promise<Price | undefined> {
    const price = this.table[asset][fiat];
    return price === undefined ? undefined : { price, at: this.clock.now() };
  }

  /** A test's price (undefined: no price, which makes the Travel Rule data required: fail safe). */
  set(asset: Asset, fiat: Fiat, price: string | undefined): void {
    this.table[asset][fiat] = price;
  }
}
