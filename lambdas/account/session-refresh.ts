// A8: the refresh-token state of a session. The session row (signed, under the head ledger, E1) holds the hash
// of the session's current refresh token and its rotation count; a small signed row per token hash
// (`REFRESH#<hash>`) names the session and the rotation the token belonged to, so a token presented again
// after its rotation is known as reuse (its rotation is behind the session's), and a token never seen is
// known as unknown. Rows keep only hashes, never a token; they leave with the session's TTL.
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import { type SessionRow, sessionKey } from './dynamo-account-store.js';

/** What a token hash names: the session it was issued for and the rotation it was current at. */
export interface RefreshRecord {
  userId: string;
  sessionId: string;
  rotation: number;
}

export interface SessionRefreshes {
  find(tokenHash: string): Promise<RefreshRecord | undefined>;
  /**
   * Rotates the session's token from `from` (its hash and rotation, as read) to `toHash` at rotation + 1, in
   * one transaction with the token rows; the token of rotation 0 (the login's) gets its row here. `stale` when
   * the session moved on meanwhile (a concurrent refresh) or is gone: nothing is written.
   */
  rotate(change: {
    userId: string;
    sessionId: string;
    from: { hash: string; rotation: number };
    toHash: string;
  }): Promise<'rotated' | 'stale'>;
}

type RefreshRow = RefreshRecord &
  Record<string, unknown> & { pk: string; sk: string; ttl: number; version: number };

const refreshKey = (tokenHash: string) => ({ pk: `REFRESH#${tokenHash}`, sk: 'REFRESH' });

export class SignedSessionRefreshes implements SessionRefreshes {
  constructor(private readonly table: SignedTable) {}

  async find(tokenHash: string): Promise<RefreshRecord | undefined> {
    const row = await this.table.get<RefreshRow>(refreshKey(tokenHash));
    return row ? { userId: row.userId, sessionId: row.sessionId, rotation: row.rotation } : undefined;
  }

  async rotate(change: {
    userId: string;
    sessionId: string;
    from: { hash: string; rotation: number };
    toHash: string;
  }): Promise<'rotated' | 'stale'> {
    const { userId, sessionId, from, toHash } = change;
    const session = await this.table.get<SessionRow>(sessionKey(userId, sessionId));
    if (!session) return 'stale';
    const rotation = session.refreshRotation ?? 0;
    const first = session.refreshHash === undefined;
    if (rotation !== from.rotation || (!first && session.refreshHash !== from.hash)) return 'stale';
    const { version: _version, ...current } = session;
    const tokenRow = (hash: string, at: number) => ({
      ...refreshKey(hash),
      userId,
      sessionId,
      rotation: at,
      ttl: session.ttl,
    });
    try {
      await this.table.transact([
        { replace: session, with: { ...current, refreshHash: toHash, refreshRotation: rotation + 1 } },
        { create: tokenRow(toHash, rotation + 1) },
        ...(first ? [{ create: tokenRow(from.hash, rotation) }] : []),
      ]);
      return 'rotated';
    } catch (err) {
      if (err instanceof Conflict) return 'stale';
      throw err;
    }
  }
}
