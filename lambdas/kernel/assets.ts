// The digital assets Palisade withdraws: one table of their precision, read by address validation (C1),
// amount parsing and limits (C2) and the custody port. Amounts are integer minor units (bigint), never floats.
export const ASSETS = {
  /** Bitcoin: 1 BTC = 10^8 satoshi. */
  BTC: { decimals: 8 },
  /** Ether: 1 ETH = 10^18 wei. */
  ETH: { decimals: 18 },
} as const;

export type Asset = keyof typeof ASSETS;
export const ASSET_IDS = Object.keys(ASSETS) as Asset[];
