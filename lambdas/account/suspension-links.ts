// A4 "this wasn't me": a single-use link in every login email, valid 7 days, that suspends the account. The
// email carries a random token; only its SHA-256 is stored, in a signed row, so a database reader cannot
// forge a working link and a forged token finds nothing. A used link is refused (suspension.ts uses it).
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
    await this.store(userId, token);
    return token;
  }

  /**
   * A new link, handed to `deliver` (which queues its email) beside the write of its row, not after it: the
   * email is read minutes later, the row is there in milliseconds. A failed write fails the caller; the email
   * may then hold a link that finds nothing (LINK_INVALID), never one that does something else.
   */
  async issueWith(userId: string, deliver: (token: string) => Promise<void>): Promise<void> {
    const token = randomBytes(32).toString('base64url');
    await Promise.all([this.store(userId, token), deliver(token)]);
  }

  private async store(userId: string, token: string): Promise<void> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + SUSPENSION_LINK_DAYS * 86_400_000).toISOString();
    await this.table.create<LinkRow>({
      ...keyOf(token),
      userId,
      issuedAt: now.toISOString(),
      expiresAt,
      ttl: Math.ceil(Date.parse(expiresAt) / 1000) + 86_400,
    });
  }
}

/**
 * Using a link (the button of its page, suspension.ts): apart from SuspensionLinks, so the functions that only
 * issue links (the login's bundles) carry none of this.
 */
export class SuspensionLinkUses {
  constructor(
    private readonly table: SignedTable,
    private readonly clock: Clock,
  ) {}

  /**
   * The user a link suspends, and a short stable id of the link (for the workflow's execution name). Reads
   * only: a forged token, an expired link and a used one are refused (Gone).
   */
  async check(token: string): Promise<{ userId: string; linkId: string }> {
    const key = keyOf(token);
    const row = await this.table.get<LinkRow>(key);
    if (!row) throw new Gone('This link is not valid', 'LINK_INVALID');
    if (row.usedAt) throw new Gone('This link was already used', 'LINK_USED');
    if (Date.parse(row.expiresAt) <= this.clock.now().getTime()) {
      throw new Gone('This link has expired', 'LINK_EXPIRED');
    }
    return { userId: row.userId, linkId: key.pk.slice('SUSPENDLINK#'.length, 'SUSPENDLINK#'.length + 16) };
  }

  /** Spends a checked link; LINK_USED when another request spent it first (two clicks at once). */
  async markUsed(token: string): Promise<void> {
    const now = this.clock.now().toISOString();
    const result = await this.table
      .update<LinkRow>(keyOf(token), (row) => (row.usedAt ? undefined : { ...row, usedAt: now }))
      .catch((err: unknown) => {
        if (err instanceof Conflict) return undefined;
        throw err;
      });
    if (!result?.changed) throw new Gone('This link was already used', 'LINK_USED');
  }
}
