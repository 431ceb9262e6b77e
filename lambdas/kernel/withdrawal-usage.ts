// C2/F1: the withdrawal limits ledger's row shape and what its entries add up to. The withdrawals context
// writes the row (withdrawals/ledger.ts: the limits); the KYC risk rating reads the same entries for the
// customer's 30-day volume (kyc/volume.ts). Here, in the kernel, so that both read one definition without the
// KYC context importing withdrawals (which imports KYC for the limits by level).
import type { Asset } from './assets.js';

export const DAY_MS = 24 * 3_600_000;
export const DAILY_WINDOW_MS = DAY_MS;
export const MONTHLY_WINDOW_MS = 30 * DAY_MS;

export interface LedgerEntry {
  withdrawalId: string;
  asset: Asset;
  /** Integer minor units as a decimal string (DynamoDB numbers cannot hold 10^27 wei exactly). */
  amountMinor: string;
  at: string;
}

export const ledgerKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'WITHDRAWAL-LEDGER' });

export interface Usage {
  /** Minor units counted in the rolling 24 hours and 30 days before `now`. */
  daily: bigint;
  monthly: bigint;
}

/** What the entries of one asset add up to in each window ending at `now`. */
export function usageOf(entries: readonly LedgerEntry[], asset: Asset, now: Date): Usage {
  let daily = 0n;
  let monthly = 0n;
  for (const entry of entries) {
    if (entry.asset !== asset) continue;
    const age = now.getTime() - Date.parse(entry.at);
    if (age >= MONTHLY_WINDOW_MS) continue;
    monthly += BigInt(entry.amountMinor);
    if (age < DAILY_WINDOW_MS) daily += BigInt(entry.amountMinor);
  }
  return { daily, monthly };
}
