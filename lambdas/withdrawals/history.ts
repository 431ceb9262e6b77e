// C2: the user's withdrawals as the history route and the risk score read them: the records of the user's
// partition, newest first (withdrawal ids sort by creation time).
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import { WITHDRAWAL_SK_PREFIX, type WithdrawalRecord, type WithdrawalRow, withdrawalKey } from './record.js';

const recordOf = (row: WithdrawalRow): WithdrawalRecord => {
  const { pk: _pk, sk: _sk, version: _version, ...record } = row;
  return record as WithdrawalRecord;
};

export class WithdrawalHistory {
  constructor(private readonly table: Pick<SignedTable, 'query'>) {}

  /**
   * One page, newest first, starting after the withdrawal `after` (the previous page's last one). `next`
   * is the last withdrawal id of this page when more may follow.
   */
  async page(
    userId: string,
    options: { limit: number; after?: string },
  ): Promise<{ withdrawals: WithdrawalRecord[]; next?: string }> {
    const { items, next } = await this.table.query<WithdrawalRow>(`USER#${userId}`, {
      sortKeyPrefix: WITHDRAWAL_SK_PREFIX,
      newestFirst: true,
      limit: options.limit,
      ...(options.after ? { startKey: withdrawalKey(userId, options.after) } : {}),
    });
    const withdrawals = items.map(recordOf);
    const last = withdrawals.at(-1);
    return { withdrawals, ...(next && last ? { next: last.withdrawalId } : {}) };
  }

  /** The user's most recent withdrawals (up to `limit`), newest first: the history the risk score reads. */
  async recent(userId: string, limit = 100): Promise<WithdrawalRecord[]> {
    return (await this.page(userId, { limit })).withdrawals;
  }
}
