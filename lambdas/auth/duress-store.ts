// Where a user's duress password hash lives: a signed row of the accounts table (E1), so a database writer
// can neither plant a duress hash that suspends someone nor remove one unnoticed.
import type { SignedTable } from '../kernel/integrity/signed-table.js';

type DuressRow = { pk: string; sk: string; hash: string; setAt: string; version: number } & Record<
  string,
  unknown
>;

const keyOf = (userId: string) => ({ pk: `USER#${userId}`, sk: 'DURESS' });

export class DuressStore {
  constructor(private readonly table: SignedTable) {}

  async get(userId: string): Promise<{ hash: string; setAt: string } | undefined> {
    const row = await this.table.get<DuressRow>(keyOf(userId));
    return row && { hash: row.hash, setAt: row.setAt };
  }

  async set(userId: string, hash: string, at: Date): Promise<void> {
    const setAt = at.toISOString();
    const updated = await this.table.update<DuressRow>(keyOf(userId), (row) => ({ ...row, hash, setAt }));
    if (!updated) await this.table.create<DuressRow>({ ...keyOf(userId), hash, setAt });
  }
}
