// A4 "this wasn't me": a single-use link in every login email, valid 7 days, that suspends the account. The
// email carries a random token; only its SHA-256 is stored, in a signed row, so a database reader cannot
// forge a working link and a forged token finds nothing. Using it twice does nothing the second time.
import { createHash, randomBytes } from 'node:crypto';
import { Conflict, Gone } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { Clock } from '../kernel/ports/clock.js';

export const SUSPENSION_LINK_DAYS = 7;

interface LinkRow extends Record<string, unknown> {
  pk: string;
  sk: string;
  userId: string;
  issuedAt: string;
  expiresAt: string;
  usedAt?: string;
  version: number;
}

const keyOf = (token: string) => ({
  pk: `SUSPENDLINK#${createHash('sha256').update(token).digest('base64url')}`,
  sk: 'LINK',
});

export class SuspensionLinks {
  constructor(
    private readonly table: SignedTable,
    private readonly clock: Clock,
  ) {}

  /** A new link token for the user; the caller puts it in the email. */
  async issue(userId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + SUSPENSION_LINK_DAYS * 86_400_000).toISOString();
    await this.table.create<LinkRow>({
      ...keyOf(token),
      userId,
      issuedAt: now.toISOString(),
      expiresAt,
      ttl: Math.ceil(Date.parse(expiresAt) / 1000) + 86_400,
    });
    return token;
  }

  /**
   * Uses a link: the user id to suspend the first time, `undefined` when it was already used (a no-op).
   * A forged token and an expired link are refused.
   */
  async use(token: string): Promise<{ userId: string; first: boolean }> {
    const key = keyOf(token);
    const now = this.clock.now();
    const row = await this.table.get<LinkRow>(key);
    if (!row) throw new Gone('This link is not valid', 'LINK_INVALID');
    if (row.usedAt) return { userId: row.userId, first: false };
    if (Date.parse(row.expiresAt) <= now.getTime()) throw new Gone('This link has expired', 'LINK_EXPIRED');
    try {
      const result = await this.table.update<LinkRow>(key, (current) =>
        current.usedAt ? undefined : { ...current, usedAt: now.toISOString() },
      );
      return { userId: row.userId, first: result?.changed ?? false };
    } catch (err) {
      // Two clicks at once: the other one suspends.
      if (err instanceof Conflict) return { userId: row.userId, first: false };
      throw err;
    }
  }
}
