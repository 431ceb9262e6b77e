// X4: the KYC standing of a user (level and refresh deadline) as the withdrawal limits read it: one signed row,
// `USER#<userId>` / `KYC`. Apart from kyc-store.ts so that the withdrawal request bundles the read alone.
import { Conflict } from '../kernel/errors.js';
import type { Row, SignedTable } from '../kernel/integrity/signed-table.js';
import type { KycLevel } from './config.js';
import type { KycStanding } from './levels.js';

export const kycKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'KYC' });

/** The standing the KYC record gives, or undefined without a record (the default level applies). */
export async function kycStandingOf(
  table: Pick<SignedTable, 'get'>,
  userId: string,
): Promise<KycStanding | undefined> {
  const row = await table.get<Row & { level: KycLevel; refreshDueAt?: string }>(kycKey(userId));
  return row && { level: row.level, refreshDueAt: row.refreshDueAt };
}

/**
 * X4: sign-up opens the new customer's record at `level` (the configuration's `signupLevel`) before the account
 * exists, so no account made by sign-up is ever without one; a record already there is left as it is.
 */
export async function openKycRecord(
  table: Pick<SignedTable, 'get' | 'create'>,
  userId: string,
  level: KycLevel,
  at: string,
): Promise<void> {
  if (await table.get(kycKey(userId))) return;
  try {
    await table.create({ ...kycKey(userId), userId, level, requirements: {}, updatedAt: at });
  } catch (error) {
    if (!(error instanceof Conflict)) throw error;
  }
}
