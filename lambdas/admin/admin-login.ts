// Admin login (D1): password, then TOTP, against the admin pool; the user login's bot shield with keys of
// their own (`admin:` before the username), the same answer for an unknown admin and a wrong password. On
// success: the directory row ensured, an admin session recorded, an `admin.login` audit record. No device
// links or emailed codes: an admin's second factor is always TOTP (docs/admin-plane.md, Admin identity).
import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import type { ShieldAttempt, ShieldVerdict } from '../auth/contracts.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { Forbidden, TooManyRequests, Unauthorized } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { AdminIdentityProvider } from '../kernel/ports/admin-identity.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { TokenVerifier } from '../kernel/ports/token-verifier.js';
import { maskIpsIn } from '../kernel/privacy/mask.js';
import { ADMIN_TOKENS } from '../kernel/token-lifetimes.js';
import { type AdminDirectory, knownTiers } from './admin-directory.js';
import type { adminAuthenticatedResponse, adminLoginResponse } from './admin-login-contracts.js';
import type { RefusalEvidence } from './refusal-evidence.js';

/** Exactly the user login's answer to a wrong password or an unknown user. */
export const BAD_CREDENTIALS = 'Invalid username or password';
const BAD_CODE = 'Invalid or expired login';
/** Cognito's MFA challenge session lives three minutes; so does an admin login's challenge. */
const CHALLENGE_MS = 3 * 60_000;

/** The bot shield as the admin login uses it (lambdas/kernel/shield/bot-shield.ts, the user login's own). */
export interface AdminShield {
  check(attempt: ShieldAttempt, options?: { reserve?: boolean }): Promise<ShieldVerdict>;
  recordFailure(attempt: ShieldAttempt, options?: { reserved?: boolean }): Promise<void>;
  recordSuccess(attempt: ShieldAttempt): Promise<void>;
}

export interface AdminClient {
  ip: string;
  userAgent?: string | undefined;
  requestId?: string | undefined;
}

export interface AdminLoginPorts {
  adminIdentity: AdminIdentityProvider;
  adminTokens: TokenVerifier;
  admins: AdminDirectory;
  /** The accounts table: the pending challenge of each login (`ADMINLOGIN#<loginId>`). */
  table: SignedTable;
  audit: Pick<AuditLog, 'append'>;
  shield: AdminShield;
  /** D3: every failed admin login is an `admin.login-failed` record, bounded per source address. */
  refusals: Pick<RefusalEvidence, 'record'>;
  clock: Clock;
}

/** Why an admin login failed, as its audit record says (never which of username or password was wrong). */
export type AdminLoginFailure =
  | 'bad-credentials'
  | 'totp-setup-required'
  | 'challenge-invalid'
  | 'bad-code'
  | 'not-allowed'
  | 'throttled';

/** A username in an audit record: a digest, never the name (the record is evidence, not a directory). */
export const usernameDigest = (username: string): string =>
  createHash('sha256').update(`palisade/admin-login/${username}`, 'utf8').digest('hex').slice(0, 32);

const loginRow = z.object({
  pk: z.string(),
  sk: z.string(),
  version: z.number(),
  username: z.string(),
  session: z.string(),
  expiresAt: z.iso.datetime(),
  answeredAt: z.optional(z.iso.datetime()),
});
type LoginRow = z.infer<typeof loginRow> & Record<string, unknown>;
interface FailedLogin {
  client: AdminClient;
  username?: string | undefined;
  adminId?: string | undefined;
}

const loginKey = (loginId: string) => ({ pk: `ADMINLOGIN#${loginId}`, sk: 'LOGIN' });

/** Shield keys of their own: an admin's counters never mix with a customer's of the same name. */
const shieldAttempt = (username: string, client: AdminClient, now: Date): ShieldAttempt => ({
  username: `admin:${username}`,
  ip: client.ip,
  now,
});

export class AdminLoginFlow {
  constructor(private readonly ports: AdminLoginPorts) {}

  async start(
    username: string,
    password: string,
    client: AdminClient,
  ): Promise<z.infer<typeof adminLoginResponse>> {
    const { adminIdentity, shield, clock } = this.ports;
    const now = clock.now();
    const attempt = shieldAttempt(username, client, now);
    // A3: reserved against the admin's 100-failure bound before the password is checked (atomic).
    const counted = await this.failing({ client, username }, () =>
      this.passShield(attempt, { reserve: true }),
    );
    const context = {
      ip: client.ip,
      userAgent: client.userAgent,
      serverName: '',
      serverPath: '/v1/admin/auth/login',
    };
    const auth = await adminIdentity.passwordAuth(username, password, context).catch((err: unknown) => {
      if (err instanceof Unauthorized) return undefined;
      throw err; // TOTP_SETUP_REQUIRED: only after a correct password.
    });
    if (!auth) {
      await shield.recordFailure(attempt, counted);
      await this.refused('bad-credentials', { client, username });
      throw new Unauthorized(BAD_CREDENTIALS);
    }
    if (auth.kind !== 'totp-required') {
      // The admin pool requires MFA; tokens without a second factor are never handed out.
      await adminIdentity.globalSignOut(username);
      await this.refused('totp-setup-required', { client, username });
      throw new Forbidden('TOTP must be set up before signing in', 'TOTP_SETUP_REQUIRED');
    }
    const loginId = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + CHALLENGE_MS).toISOString();
    await this.ports.table.create<LoginRow>({
      ...loginKey(loginId),
      username,
      session: auth.session,
      expiresAt,
    });
    return { status: 'challenge', loginId, challenge: 'totp', expiresAt };
  }

  async answer(
    loginId: string,
    code: string,
    client: AdminClient,
  ): Promise<z.infer<typeof adminAuthenticatedResponse>> {
    const { adminIdentity, adminTokens, admins, shield, clock } = this.ports;
    const now = clock.now();
    // A challenge answers one code, right or wrong: guessing codes needs the password again each time.
    const claimed = await this.ports.table
      .update<LoginRow>(loginKey(loginId), (row) =>
        row.answeredAt || Date.parse(row.expiresAt) <= now.getTime()
          ? undefined
          : { ...row, answeredAt: now.toISOString() },
      )
      .catch(() => undefined);
    if (!claimed?.changed) {
      await this.refused('challenge-invalid', { client });
      throw new Unauthorized(BAD_CODE);
    }
    const { username, session } = z.parse(loginRow, claimed.row);
    const attempt = shieldAttempt(username, client, now);
    await this.failing({ client, username }, () => this.passShield(attempt));
    const tokens = await adminIdentity.respondToTotp(username, session, code).catch((err: unknown) => {
      if (err instanceof Unauthorized) return undefined;
      throw err;
    });
    if (!tokens) {
      await shield.recordFailure(attempt);
      await this.refused('bad-code', { client, username });
      throw new Unauthorized(BAD_CODE);
    }
    const claims = await adminTokens.verifyAccessToken(tokens.accessToken);
    const tiers = knownTiers(claims.groups);
    const profile =
      tiers.length > 0
        ? await admins.ensure({ adminId: claims.sub, username: claims.username, tiers, at: now })
        : undefined;
    if (profile?.status !== 'active') {
      // No tier, or offboarded here while the pool still let them in: no session, tokens revoked.
      await adminIdentity.globalSignOut(username);
      await this.refused('not-allowed', { client, username, adminId: claims.sub });
      throw new Forbidden('This administrator may not sign in', 'ADMIN_NOT_ALLOWED');
    }
    await admins.recordSession({
      adminId: claims.sub,
      sessionId: claims.originJti,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ADMIN_TOKENS.refreshHours * 3_600_000).toISOString(),
      sourceIp: client.ip.slice(0, 64),
    });
    await shield.recordSuccess(attempt);
    await this.ports.audit.append({
      actor: { kind: 'admin', id: claims.sub },
      action: 'admin.login',
      target: { kind: 'admin', id: claims.sub },
      outcome: 'success',
      at: now.toISOString(),
      sourceIp: client.ip.slice(0, 64),
      ...(client.userAgent ? { userAgent: client.userAgent.slice(0, 512) } : {}),
      ...(client.requestId ? { requestId: client.requestId.slice(0, 128) } : {}),
      details: { sessionId: claims.originJti, tiers: tiers.join(',') },
    });
    return {
      status: 'authenticated',
      adminId: claims.sub,
      tiers,
      tokens: { accessToken: tokens.accessToken, expiresInSeconds: tokens.expiresInSeconds },
    };
  }

  /** A shield refusal (TooManyRequests) is a failed login too: recorded, then thrown as it was. */
  private async failing<T>(who: FailedLogin, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      if (err instanceof TooManyRequests) await this.refused('throttled', who);
      throw err;
    }
  }

  /** D3: an `admin.login-failed` record (bounded per source address; the refusal stands either way). */
  private async refused(reason: AdminLoginFailure, who: FailedLogin): Promise<void> {
    const { client, username, adminId } = who;
    await this.ports.refusals.record(
      { kind: 'source', ip: client.ip },
      {
        actor: adminId ? { kind: 'admin', id: adminId } : { kind: 'system', id: 'admin-login' },
        action: 'admin.login-failed',
        target: adminId
          ? { kind: 'admin', id: adminId }
          : { kind: 'admin', id: username ? `username:${usernameDigest(username)}` : 'unknown' },
        sourceIp: maskIpsIn(client.ip).slice(0, 64),
        ...(client.userAgent ? { userAgent: client.userAgent.slice(0, 512) } : {}),
        ...(client.requestId ? { requestId: client.requestId.slice(0, 128) } : {}),
        details: { reason, ...(username ? { usernameSha256: usernameDigest(username) } : {}) },
      },
    );
  }

  private async passShield(
    attempt: ShieldAttempt,
    options: { reserve?: boolean } = {},
  ): Promise<{ reserved: boolean }> {
    const verdict = await this.ports.shield.check(attempt, options);
    if (!verdict.allow) {
      throw new TooManyRequests('Too many attempts; try again later', verdict.retryAfterSeconds);
    }
    if (verdict.delayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, Math.min(verdict.delayMs, 2000)));
    return { reserved: verdict.reserved === true };
  }
}
