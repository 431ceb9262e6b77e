// B1: the pending email or phone change of a user, a signed row of the accounts table (E1) between the
// request and its confirmation: the new value sealed by the vault (bound to this row), its blind index, the
// hash of the code (never the code), 5 attempts, 15 minutes, single use. One per user and channel: a new
// request replaces it. Every change after the request is conditional on the version read.
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { FieldBinding } from '../kernel/privacy/field-cipher.js';
import { TABLES } from '../kernel/tables.js';

export type ContactChannel = 'email' | 'phone';

export interface PendingContactChange {
  userId: string;
  channel: ContactChannel;
  /** Random, per request: salts the code hash, so a replaced request's code is worthless. */
  changeId: string;
  /** Blind index of the new value: the claim made at confirmation. */
  index: string;
  /** The new value, sealed by the vault under `pendingBinding`. */
  sealed: string;
  /** SHA-256 of `<changeId>:<code>`. */
  codeHash: string;
  attemptsLeft: number;
  createdAt: string;
  expiresAt: string;
  completedAt?: string;
  failedAt?: string;
  version: number;
}

type Row = PendingContactChange & { pk: string; sk: string; ttl: number } & Record<string, unknown>;

const keyOf = (userId: string, channel: ContactChannel) => ({
  pk: `USER#${userId}`,
  sk: `CONTACTCHANGE#${channel}`,
});

/** Where the vault binds the sealed new value: this row, the `contact` group. */
export const pendingBinding = (userId: string, channel: ContactChannel): FieldBinding => ({
  table: TABLES.accounts.logicalName,
  key: keyOf(userId, channel),
  group: 'contact',
});

const strip = (row: Row): PendingContactChange => {
  const { pk: _pk, sk: _sk, ttl: _ttl, ...rest } = row;
  return rest;
};

export class ContactChangeStore {
  constructor(private readonly table: SignedTable) {}

  async get(userId: string, channel: ContactChannel): Promise<PendingContactChange | undefined> {
    const row = await this.table.get<Row>(keyOf(userId, channel));
    return row && strip(row);
  }

  /** Starts a change, replacing any earlier one of the channel (its code stops working). */
  async put(change: Omit<PendingContactChange, 'version'>): Promise<void> {
    const key = keyOf(change.userId, change.channel);
    const fields = { ...change, ttl: Math.ceil(Date.parse(change.expiresAt) / 1000) + 86_400 };
    const replaced = await this.table.update<Row>(key, (row) => ({
      ...fields,
      ...key,
      version: row.version,
    }));
    if (!replaced) await this.table.create<Row>({ ...key, ...fields });
  }

  /** Changes the row from exactly the version the caller read; a racing request gets Conflict. */
  async advance(
    current: PendingContactChange,
    change: Partial<Pick<PendingContactChange, 'attemptsLeft' | 'completedAt' | 'failedAt'>>,
  ): Promise<PendingContactChange> {
    const result = await this.table.update<Row>(keyOf(current.userId, current.channel), (row) => {
      if (row.version !== current.version || row.changeId !== current.changeId) {
        throw new Conflict('This change was already answered', 'CHANGE_ANSWERED');
      }
      return { ...row, ...change };
    });
    if (!result) throw new Conflict('This change is over', 'CHANGE_ANSWERED');
    return strip(result.row);
  }
}
