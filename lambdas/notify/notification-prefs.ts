// A user's email preferences (B3, B4): the anti-phishing phrase shown in every email and the PGP key every
// email is signed for (and optionally encrypted to), with the keys a change retired, kept for its notice
// (B1). One signed row of the accounts table (E1), `USER#<id>` / `PREFS#notifications`: a tampered row fails
// closed on read like every account row.
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { PendingEffects } from '../kernel/outbox.js';
import type { MailBefore } from '../kernel/ports/mail-before.js';
import type { ValidatedKey } from './signer-contracts.js';

export interface StoredPgpKey extends ValidatedKey {
  /** B3: encrypt every email to this key as well as signing it. */
  encrypt: boolean;
  addedAt: string;
}

/** A key replaced or removed, kept a while for the notice of that change only (protection.ts). */
export interface RetiredPgpKey extends StoredPgpKey {
  retiredAt: string;
}

/**
 * How long a replaced or removed key is kept: the notice of its change, encrypted to it when mail was, is
 * sent by the security-hold workflow at once (with retries); past the life of that notice's suspension link
 * (7 days, and a day) it is of no use. At most this many are kept.
 */
export const RETIRED_PGP_KEY_DAYS = 8;
export const RETIRED_PGP_KEYS_KEPT = 3;

export interface NotificationPrefs {
  userId: string;
  phrase?: string;
  phraseSetAt?: string;
  pgpKey?: StoredPgpKey;
  /**
   * B1/B3: keys a change replaced or removed, newest first, for that change's notice only; dropped at the first
   * write of the row after RETIRED_PGP_KEY_DAYS.
   */
  retiredPgpKeys?: RetiredPgpKey[];
  updatedAt: string;
  version: number;
}

type Row = NotificationPrefs & { pk: string; sk: string } & Record<string, unknown>;

export const prefsKey = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PREFS#notifications' });

const strip = (row: Row): NotificationPrefs => {
  const { pk: _pk, sk: _sk, ...rest } = row;
  return rest;
};

/** B1/B3: how mail to the user is protected under these preferences, for the notice of a change of them. */
export const mailBeforeOf = (prefs: NotificationPrefs | undefined): MailBefore =>
  prefs?.pgpKey?.encrypt ? { encryptedTo: prefs.pgpKey.fingerprint } : {};

type Change = { phrase?: string | null; pgpKey?: StoredPgpKey | null };

export class NotificationPrefsStore {
  constructor(private readonly table: SignedTable) {}

  async get(userId: string): Promise<NotificationPrefs | undefined> {
    const row = await this.table.get<Row>(prefsKey(userId));
    return row && strip(row);
  }

  /** B4: sets the phrase (already validated by the route), or removes it with `null`. */
  /** `after`: what follows (the audit record), written with the phrase (kernel/outbox.ts). */
  setPhrase(
    userId: string,
    phrase: string | null,
    at: Date,
    after?: PendingEffects<unknown>,
  ): Promise<NotificationPrefs> {
    return this.change(userId, { phrase }, at, after);
  }

  /** B3: stores a validated key, or removes it with `null`. */
  setPgpKey(userId: string, pgpKey: StoredPgpKey | null, at: Date): Promise<NotificationPrefs> {
    return this.change(userId, { pgpKey }, at);
  }

  /** Creates the row on first use, else a version-checked update; a lost race reads again once or twice. */
  private async change(
    userId: string,
    change: Change,
    at: Date,
    after?: PendingEffects<unknown>,
  ): Promise<NotificationPrefs> {
    const updatedAt = at.toISOString();
    const also = (row: unknown) => after?.writes(row) ?? [];
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const result = await this.table.update<Row>(
          prefsKey(userId),
          (row) => apply(row, change, updatedAt),
          also,
        );
        if (result) return strip(result.row);
        const first = apply({ ...prefsKey(userId), userId, updatedAt, version: 0 }, change, updatedAt);
        const created = await this.table.create<Row>(first, also(first));
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
  const retired = retire(row, change.pgpKey, updatedAt);
  if (retired.length > 0) next.retiredPgpKeys = retired;
  else delete next.retiredPgpKeys;
  if (change.pgpKey === null) delete next.pgpKey;
  else if (change.pgpKey !== undefined) next.pgpKey = change.pgpKey;
  return next;
}

/**
 * The retired keys after a write of the row: the key on file joins them when the write removes or replaces it
 * (not when it only turns encryption on or off), a key put back leaves them, and those past their days go.
 */
function retire(row: Row, pgpKey: StoredPgpKey | null | undefined, at: string): RetiredPgpKey[] {
  const current = row.pgpKey;
  const replaced =
    pgpKey !== undefined && current && current.fingerprint !== pgpKey?.fingerprint
      ? [{ ...current, retiredAt: at }]
      : [];
  const oldest = Date.parse(at) - RETIRED_PGP_KEY_DAYS * 86_400_000;
  return [...replaced, ...(row.retiredPgpKeys ?? [])]
    .filter((k) => k.fingerprint !== pgpKey?.fingerprint && Date.parse(k.retiredAt) > oldest)
    .filter((k, i, all) => all.findIndex((o) => o.fingerprint === k.fingerprint) === i)
    .slice(0, RETIRED_PGP_KEYS_KEPT);
}
