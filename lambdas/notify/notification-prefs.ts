// A user's email preferences (B3, B4): the anti-phishing phrase shown in every email and the PGP key every
// email is signed for (and optionally encrypted to). One signed row of the accounts table (E1),
// `USER#<id>` / `PREFS#notifications`: a tampered row fails closed on read like every account row.
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { ValidatedKey } from './signer-contracts.js';

export interface StoredPgpKey extends ValidatedKey {
  /** B3: encrypt every email to this key as well as signing it. */
  encrypt: boolean;
  addedAt: string;
}

export interface NotificationPrefs {
  userId: string;
  phrase?: string;
  phraseSetAt?: string;
  pgpKey?: StoredPgpKey;
  updatedAt: string;
  version: number;
}

type Row = NotificationPrefs & { pk: string; sk: string } & Record<string, unknown>;

export const prefsKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PREFS#notifications' });

const strip = (row: Row): NotificationPrefs => {
  const { pk: _pk, sk: _sk, ...rest } = row;
  return rest;
};

type Change = { phrase?: string | null; pgpKey?: StoredPgpKey | null };

export class NotificationPrefsStore {
  constructor(private readonly table: SignedTable) {}

  async get(userId: string): Promise<NotificationPrefs | undefined> {
    const row = await this.table.get<Row>(prefsKey(userId));
    return row && strip(row);
  }

  /** B4: sets the phrase (already validated by the route), or removes it with `null`. */
  setPhrase(userId: string, phrase: string | null, at: Date): Promise<NotificationPrefs> {
    return this.change(userId, { phrase }, at);
  }

  /** B3: stores a validated key, or removes it with `null`. */
  setPgpKey(userId: string, pgpKey: StoredPgpKey | null, at: Date): Promise<NotificationPrefs> {
    return this.change(userId, { pgpKey }, at);
  }

  /** Creates the row on first use, else a version-checked update; a lost race reads again once or twice. */
  private async change(userId: string, change: Change, at: Date): Promise<NotificationPrefs> {
    const updatedAt = at.toISOString();
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const result = await this.table.update<Row>(prefsKey(userId), (row) => apply(row, change, updatedAt));
        if (result) return strip(result.row);
        const created = await this.table.create<Row>(
          apply({ ...prefsKey(userId), userId, updatedAt, version: 0 }, change, updatedAt),
        );
        return strip(created);
      } catch (err) {
        if (!(err instanceof Conflict) || attempt === 2) throw err;
      }
    }
    throw new Conflict('The preferences changed meanwhile; retry');
  }
}

function apply(row: Row, change: Change, updatedAt: string): Row {
  const next: Row = { ...row, updatedAt };
  if (change.phrase === null) {
    delete next.phrase;
    delete next.phraseSetAt;
  } else if (change.phrase !== undefined) {
    next.phrase = change.phrase;
    next.phraseSetAt = updatedAt;
  }
  if (change.pgpKey === null) delete next.pgpKey;
  else if (change.pgpKey !== undefined) next.pgpKey = change.pgpKey;
  return next;
}
