// The admins Palisade knows (D1, D4): one signed row per admin in the accounts table, `ADMIN#<adminId>` /
// `PROFILE`, holding the status the admin authorizer checks on every request (disabled, sessions revoked),
// and one signed row per admin session (`ADMIN#<adminId>` / `SESSION#<sessionId>`). The admin pool stays
// the source of the password, TOTP and tiers; this row is what makes an offboarding take effect at once.
import * as z from 'zod/mini';
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import { ADMIN_TIERS, type AdminTier } from '../kernel/settings.js';

export const adminProfile = z.object({
  adminId: z.string().check(z.minLength(1)),
  username: z.string().check(z.minLength(1)),
  /** The tiers the admin pool gave at the last login (evidence; the authorizer reads the token's groups). */
  tiers: z.array(z.enum(ADMIN_TIERS)),
  status: z.enum(['active', 'disabled']),
  createdAt: z.iso.datetime(),
  disabledAt: z.optional(z.iso.datetime()),
  /** D4: tokens issued before this instant are refused (disable, global sign-out). */
  sessionsValidAfter: z.optional(z.iso.datetime()),
});
export type AdminProfile = z.infer<typeof adminProfile>;

export const adminSession = z.object({
  adminId: z.string().check(z.minLength(1)),
  sessionId: z.string().check(z.minLength(1)),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  sourceIp: z.optional(z.string()),
});
export type AdminSession = z.infer<typeof adminSession>;

type ProfileRow = { pk: string; sk: string; version: number } & AdminProfile & Record<string, unknown>;
type SessionRow = { pk: string; sk: string; version: number } & AdminSession & Record<string, unknown>;

const profileKey = (adminId: string) => ({ pk: `ADMIN#${adminId}`, sk: 'PROFILE' });
const sessionKey = (adminId: string, sessionId: string) => ({
  pk: `ADMIN#${adminId}`,
  sk: `SESSION#${sessionId}`,
});

const profileOf = (row: ProfileRow): AdminProfile => z.parse(adminProfile, pick(row));
const pick = (row: ProfileRow) => ({
  adminId: row.adminId,
  username: row.username,
  tiers: row.tiers,
  status: row.status,
  createdAt: row.createdAt,
  ...(row.disabledAt ? { disabledAt: row.disabledAt } : {}),
  ...(row.sessionsValidAfter ? { sessionsValidAfter: row.sessionsValidAfter } : {}),
});

/** The tiers among an admin's pool groups; unknown group names grant nothing. */
export const knownTiers = (groups: readonly string[]): AdminTier[] =>
  ADMIN_TIERS.filter((tier) => groups.includes(tier));

const sameTiers = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

export class AdminDirectory {
  constructor(private readonly table: SignedTable) {}

  async get(adminId: string): Promise<AdminProfile | undefined> {
    const row = await this.table.get<ProfileRow>(profileKey(adminId));
    return row && profileOf(row);
  }

  /**
   * The admin's row, created active on first sight (their first login). An existing row keeps its status:
   * ensuring never re-enables a disabled admin. Username and tiers follow the admin pool.
   */
  async ensure(input: {
    adminId: string;
    username: string;
    tiers?: readonly AdminTier[];
    at: Date;
  }): Promise<AdminProfile> {
    const tiers = [...(input.tiers ?? [])];
    for (let round = 0; round < 5; round++) {
      const updated = await this.table.update<ProfileRow>(profileKey(input.adminId), (row) =>
        row.username === input.username && (input.tiers === undefined || sameTiers(row.tiers, tiers))
          ? undefined
          : { ...row, username: input.username, ...(input.tiers === undefined ? {} : { tiers }) },
      );
      if (updated) return profileOf(updated.row);
      try {
        const row = await this.table.create<ProfileRow>({
          ...profileKey(input.adminId),
          adminId: input.adminId,
          username: input.username,
          tiers,
          status: 'active',
          createdAt: input.at.toISOString(),
        });
        return profileOf(row);
      } catch (err) {
        if (!isConflict(err)) throw err;
        // Another login created it meanwhile: read it again.
      }
    }
    throw new Error(`Could not ensure admin ${input.adminId}`);
  }

  /**
   * D4: the admin is disabled and every token issued up to `at` is refused by the admin authorizer on the
   * next request. `changed` is false when the admin was already disabled. An admin who never logged in gets
   * a disabled row (named by id until a login, which the pool refuses, would name them).
   */
  async disable(adminId: string, at: Date): Promise<{ changed: boolean }> {
    const stamp = at.toISOString();
    const updated = await this.table.update<ProfileRow>(profileKey(adminId), (row) =>
      row.status === 'disabled'
        ? undefined
        : { ...row, status: 'disabled', disabledAt: stamp, sessionsValidAfter: stamp },
    );
    if (updated) return { changed: updated.changed };
    try {
      await this.table.create<ProfileRow>({
        ...profileKey(adminId),
        adminId,
        username: adminId,
        tiers: [],
        status: 'disabled',
        createdAt: stamp,
        disabledAt: stamp,
        sessionsValidAfter: stamp,
      });
      return { changed: true };
    } catch (err) {
      if (!isConflict(err)) throw err;
      return this.disable(adminId, at);
    }
  }

  /** D4: every token issued up to `at` is refused from the next request on; the admin stays active. */
  async revokeSessions(adminId: string, at: Date): Promise<{ changed: boolean }> {
    const stamp = at.toISOString();
    const updated = await this.table.update<ProfileRow>(profileKey(adminId), (row) =>
      row.sessionsValidAfter && row.sessionsValidAfter >= stamp
        ? undefined
        : { ...row, sessionsValidAfter: stamp },
    );
    return { changed: updated?.changed ?? false };
  }

  /** An admin session (the token's refresh-token family), recorded at login. */
  async recordSession(session: AdminSession): Promise<void> {
    await this.table.create<SessionRow>({ ...sessionKey(session.adminId, session.sessionId), ...session });
  }

  async getSession(adminId: string, sessionId: string): Promise<AdminSession | undefined> {
    const row = await this.table.get<SessionRow>(sessionKey(adminId, sessionId));
    if (!row) return undefined;
    return z.parse(adminSession, {
      adminId: row.adminId,
      sessionId: row.sessionId,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      ...(row.sourceIp ? { sourceIp: row.sourceIp } : {}),
    });
  }
}

const isConflict = (err: unknown) => err instanceof Conflict;
