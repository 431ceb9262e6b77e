// The login's rows, all signed rows of the accounts table (E1): the short-lived login session that carries a
// login from step to step (single use: every step is a version-conditional update), the devices and networks
// an account has logged in from (A6, A7) and the login history (A9).
import { Conflict, ValidationError } from '../kernel/errors.js';
import type { SignedTable, TransactWrite } from '../kernel/integrity/signed-table.js';
import type { RiskSummary } from './risk/login-risk.js';

export type LoginStep = 'totp' | 'ip-code' | 'device-confirmation';

export interface LoginSession {
  loginId: string;
  userId: string;
  username: string;
  /** Steps still to pass, in order; the first is the current one. */
  steps: LoginStep[];
  /** The identity provider's TOTP challenge session, while `totp` is current (single use: one code each). */
  idpSession?: string;
  /**
   * While `totp` is current: the password, sealed by the vault, to ask the identity provider for a fresh
   * challenge after a refused code (its challenge answers one code), and the tries left on the step.
   */
  sealedPassword?: string;
  totpAttemptsLeft?: number;
  /** When the "someone entered your password" email went out (once per login). */
  passwordAlertAt?: string;
  /** Tokens earned by the password (and TOTP), sealed by the vault, while later proofs are pending. */
  sealedTokens?: string;
  ip: string;
  network: string;
  deviceId: string;
  userAgent?: string;
  /** G1: the login-risk model's score, band and top reasons at the password step. */
  risk?: RiskSummary;
  /** SHA-256 of the emailed code of the `ip-code` step, and the attempts left on it. */
  codeHash?: string;
  codeAttemptsLeft?: number;
  /** SHA-256 of the device-confirmation link's token; set when the link is clicked. */
  linkHash?: string;
  deviceConfirmedAt?: string;
  createdAt: string;
  expiresAt: string;
  /** Set once tokens were handed out: the session can never be used again. */
  completedAt?: string;
  version: number;
}

export interface KnownDevice {
  userId: string;
  deviceId: string;
  name: string;
  addedAt: string;
  lastSeenAt: string;
}

export interface LoginEvent {
  userId: string;
  at: string;
  loginId: string;
  ip: string;
  country?: string;
  browser: string;
  deviceId: string;
  outcome: 'success' | 'refused';
  /** Why a login was refused (A9). */
  reason?: LoginRefusal;
  /** The session a successful login opened (the access token's `origin_jti`). */
  sessionId?: string;
  /** G1: the login-risk model's score, band and top reasons (not shown to the user). */
  risk?: RiskSummary;
}

/**
 * Why a login of an existing user was refused, as its history shows it (A9): `password` (a wrong password;
 * a duress password is recorded alike), `account-disabled` (a suspended or disabled account, refused whatever the
 * password), `totp-invalid`, `totp-code-used` (a code of a time step already spent), `code-invalid` (the
 * emailed code of a new network), `throttled` (a step refused by the bot shield), `risk-blocked` (the right
 * password, refused by the login-risk model's block band, G1; the owner is emailed).
 */
export const LOGIN_REFUSALS = [
  'password',
  'account-disabled',
  'totp-invalid',
  'totp-code-used',
  'code-invalid',
  'throttled',
  'risk-blocked',
] as const;
export type LoginRefusal = (typeof LOGIN_REFUSALS)[number];

type Keyed = { pk: string; sk: string } & Record<string, unknown>;
/** A device row: `removedAt` once the user took it off the whitelist (until a confirmed login adds it back). */
type DeviceRow = KnownDevice & Keyed & { version: number; removedAt?: string };

const loginKey = (loginId: string) => ({ pk: `LOGIN#${loginId}`, sk: 'LOGIN' });
/** Sort keys of the devices: `DEVICE#<deviceId>`. */
const DEVICE_PREFIX = 'DEVICE#';
const deviceKey = (userId: string, deviceId: string) => ({
  pk: `USER#${userId}`,
  sk: `${DEVICE_PREFIX}${deviceId}`,
});
const networkKey = (userId: string, network: string) => ({ pk: `USER#${userId}`, sk: `NETWORK#${network}` });
const linkKey = (linkHash: string) => ({ pk: `DEVICELINK#${linkHash}`, sk: 'LINK' });
/** Sort keys of the login history: `LOGIN#<ISO time>#<loginId>`, so newest first is descending order. */
const LOGIN_PREFIX = 'LOGIN#';

const strip = <T>(row: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, ttl: _ttl, ...rest } = row;
  return rest as T;
};
const deviceOf = (row: DeviceRow): KnownDevice => ({
  userId: row.userId,
  deviceId: row.deviceId,
  name: row.name,
  addedAt: row.addedAt,
  lastSeenAt: row.lastSeenAt,
});
const ttlOf = (iso: string) => Math.ceil(Date.parse(iso) / 1000);

export class LoginStore {
  constructor(private readonly table: SignedTable) {}

  /** `also`: more rows written with it, all or none (the first step's link, `linkWrite`). */
  async createSession(
    session: Omit<LoginSession, 'version'>,
    also: readonly TransactWrite[] = [],
  ): Promise<LoginSession> {
    const row = await this.table.create<LoginSession & Keyed>(
      { ...loginKey(session.loginId), ...session, ttl: ttlOf(session.expiresAt) },
      also,
    );
    return strip<LoginSession>(row);
  }

  async getSession(loginId: string): Promise<LoginSession | undefined> {
    const row = await this.table.get<LoginSession & Keyed>(loginKey(loginId));
    return row && strip<LoginSession>(row);
  }

  /**
   * Moves a login session on from exactly the version the caller read: a step answered twice, or two
   * requests racing on one step, leave one winner; the other gets Conflict. `current` is the row as this
   * request read or wrote it (getSession, createSession, an earlier advance), so it is not read again: the
   * write is conditional on that version, which is the same guarantee without the second round trip.
   */
  async advance(
    current: LoginSession,
    change: (s: LoginSession) => Partial<LoginSession>,
    remove: (keyof LoginSession)[] = [],
    options: { after?: Promise<unknown>; also?: readonly TransactWrite[] } = {},
  ): Promise<LoginSession> {
    const row = { ...current, ...loginKey(current.loginId), ttl: ttlOf(current.expiresAt) };
    const next: Record<string, unknown> = { ...row, ...change(current) };
    for (const name of remove) delete next[name];
    try {
      const [written] = await this.table.transact(
        [{ replace: row, with: next as LoginSession & Keyed }, ...(options.also ?? [])],
        options.after ? { after: options.after } : {},
      );
      return strip<LoginSession>(written as LoginSession & Keyed);
    } catch (err) {
      if (err instanceof Conflict) throw new Conflict('This login step was already answered');
      throw err;
    }
  }

  /**
   * The device-confirmation link's row (it points at the login it confirms; the email carries the token), as
   * a write of the session's own transaction (createSession's or advance's `also`).
   */
  linkWrite(linkHash: string, loginId: string, expiresAt: string): TransactWrite {
    return { create: { ...linkKey(linkHash), loginId, expiresAt, ttl: ttlOf(expiresAt) } };
  }

  async getLink(linkHash: string): Promise<{ loginId: string; expiresAt: string } | undefined> {
    const row = await this.table.get<{ loginId: string; expiresAt: string; version: number } & Keyed>(
      linkKey(linkHash),
    );
    return row && { loginId: row.loginId, expiresAt: row.expiresAt };
  }

  /** A whitelisted device; a removed one is not (A7). */
  async getDevice(userId: string, deviceId: string): Promise<KnownDevice | undefined> {
    const row = await this.table.get<DeviceRow>(deviceKey(userId, deviceId));
    return row && !row.removedAt ? deviceOf(row) : undefined;
  }

  /**
   * Whitelists a device after a confirmed login, or notes that it was seen again. A removed device's row is
   * brought back (added anew) by an update rather than created again, so its version keeps growing.
   */
  async rememberDevice(device: KnownDevice): Promise<void> {
    const key = deviceKey(device.userId, device.deviceId);
    const updated = await this.table.update<DeviceRow>(key, (row) => {
      if (!row.removedAt) return { ...row, lastSeenAt: device.lastSeenAt };
      const { removedAt: _removedAt, ...kept } = row;
      return { ...kept, name: device.name, addedAt: device.addedAt, lastSeenAt: device.lastSeenAt };
    });
    if (!updated) await this.createOrIgnore({ ...key, ...device });
  }

  /** A7: the user's whitelisted devices, most recently seen first. */
  async listDevices(userId: string): Promise<KnownDevice[]> {
    const devices: KnownDevice[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.query<DeviceRow>(`USER#${userId}`, {
        sortKeyPrefix: DEVICE_PREFIX,
        ...(startKey ? { startKey } : {}),
      });
      for (const row of page.items) if (!row.removedAt) devices.push(deviceOf(row));
      startKey = page.next;
    } while (startKey);
    return devices.sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt));
  }

  /**
   * A7: takes a device off the user's whitelist, so its next login asks for the emailed link again. The row
   * is marked removed by a version-conditional update (a login remembering the device at the same moment is
   * not lost: one of the two gets Conflict) instead of deleted: a row deleted and created again would start
   * over at version 1, below the version watermark of any container that read it before, and fail its next
   * read as replayed (row-signature.ts). False when the user has no such device.
   */
  async removeDevice(userId: string, deviceId: string, at: string): Promise<boolean> {
    const result = await this.table.update<DeviceRow>(deviceKey(userId, deviceId), (row) =>
      row.removedAt ? undefined : { ...row, removedAt: at },
    );
    return result?.changed === true;
  }

  async knowsNetwork(userId: string, network: string): Promise<boolean> {
    return (await this.table.get(networkKey(userId, network))) !== undefined;
  }

  async rememberNetwork(userId: string, network: string, at: string): Promise<void> {
    await this.createOrIgnore({ ...networkKey(userId, network), userId, network, firstSeenAt: at });
  }

  async recordLogin(event: LoginEvent): Promise<void> {
    await this.table.create({
      pk: `USER#${event.userId}`,
      sk: `${LOGIN_PREFIX}${event.at}#${event.loginId}`,
      ...event,
    });
  }

  /**
   * A9: one page of the user's login history, newest first. `startKey` is the previous page's `next` (the
   * query's LastEvaluatedKey); it must lie in this user's partition, among the login rows.
   */
  async listLogins(
    userId: string,
    page: { limit: number; startKey?: Record<string, unknown> },
  ): Promise<{ logins: LoginEvent[]; next?: { pk: string; sk: string } }> {
    const pk = `USER#${userId}`;
    const { startKey } = page;
    if (
      startKey &&
      !(startKey.pk === pk && typeof startKey.sk === 'string' && startKey.sk.startsWith(LOGIN_PREFIX))
    ) {
      throw new ValidationError('Invalid cursor', undefined, 'INVALID_CURSOR');
    }
    const { items, next } = await this.table.query<LoginEvent & Keyed & { version: number }>(pk, {
      sortKeyPrefix: LOGIN_PREFIX,
      limit: page.limit,
      newestFirst: true,
      ...(startKey ? { startKey } : {}),
    });
    const logins = items.map(({ version: _version, ...row }) => strip<LoginEvent>(row));
    return {
      logins,
      ...(next ? { next: { pk: String(next.pk), sk: String(next.sk) } } : {}),
    };
  }

  private async createOrIgnore(row: Keyed): Promise<void> {
    try {
      await this.table.create(row);
    } catch (err) {
      // Two logins remembering the same device or network at once: either row is the same fact.
      if (!(err instanceof Conflict)) throw err;
    }
  }
}
