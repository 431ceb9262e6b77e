// F1 (Travel Rule): the price port's AWS adapter, a price table kept by an operator (or a feed) in the accounts
// table: one signed row per asset and currency, `PRICES` / `<asset>#<fiat>`, with the price and when it was
// taken. Why here and not in SSM or a market-data API: the withdrawal request reads it, and that function already
// holds the DynamoDB client and the row verifier (a new SDK client would not fit its bundle); a signed row (E1)
// cannot be lowered in the table to slip a withdrawal under the threshold without failing its check; and the rule
// fails safe on top (travel-rule.ts): a missing, tampered, stale or future price makes the data required.

import type { Asset } from '../kernel/assets.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { Fiat } from './config.js';
import type { Price, PriceSource } from './ports.js';

type PriceRow = { pk: string; sk: string; version: number; price: string; at: string } & Record<
  string,
  unknown
>;

export const priceKey = (asset: Asset, fiat: Fiat) => ({ pk: 'PRICES', sk: `${asset}#${fiat}` });

export class PriceTable implements PriceSource {
  constructor(private readonly table: SignedTable) {}

  async price(asset: Asset, fiat: Fiat): Promise<Price | undefined> {
    const row = await this.table.get<PriceRow>(priceKey(asset, fiat));
    return row ? { price: row.price, at: new Date(row.at) } : undefined;
  }
}

/** The operator's write of one price (a newer price replaces the row; its version only grows). */
export async function setPrice(
  table: SignedTable,
  asset: Asset,
  fiat: Fiat,
  price: string,
  at: Date,
): Promise<void> {
  const key = priceKey(asset, fiat);
  const existing = await table.get<PriceRow>(key);
  if (existing) {
    await table.transact([{ replace: existing, with: { ...existing, price, at: at.toISOString() } }]);
  } else {
    await table.create<PriceRow>({ ...key, price, at: at.toISOString() });
  }
}
