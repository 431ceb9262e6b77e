// A8 token refresh: a refresh token buys new tokens of its session, once. Every use rotates it (the identity
// provider spends the token presented and issues the next one); the session row is the source of truth for
// which token is current (its hash and rotation count, lambdas/account/session-refresh.ts).
//
// Rules, in order:
// - The bot shield first (the login's A3 counters of the source address and network), so guessing tokens or
//   replaying stolen ones is slowed and locked like guessing passwords. Unknown and reused tokens count as
//   failures; a refresh that succeeds counts as a login's success.
// - A token the session rows know (it was rotated before, or it is the current one):
//   - of a suspended account → ACCOUNT_SUSPENDED; of a revoked, expired or ended session → SESSION_REVOKED;
//   - behind the session's rotation (already used) → reuse: the session is revoked (the authorizer then
//     refuses its access tokens), an audit record is written and the user is emailed → REFRESH_REUSED;
//   - presented with another device id than the session's → REFRESH_INVALID (the token stays usable by its
//     own device: nothing is spent);
//   - otherwise the identity provider rotates it.
// - A token the rows do not know is either the login's own (the session's first refresh: the login writes no
//   refresh state, its bundles are at their size budget) or unknown: only the identity provider can tell,
//   so it is asked first; its new tokens name the session (`origin_jti`), which must not have been refreshed
//   yet, and the checks above apply before anything is answered.
// - The new tokens must be of the same user and session; the rotation is then recorded in one transaction
//   (session row and token rows), conditional on the session's state as read: of two concurrent uses of one
//   token at most one succeeds.
// Unknown, expired, spent-at-the-provider tokens and a device or session mismatch answer alike
// (REFRESH_INVALID), so a token's holder learns nothing about the session it names.

import { createHash } from 'node:crypto';
import type {
  Account,
  AccountStore,
  RefreshRecord,
  Session,
  SessionRefreshes,
  SuspensionLinks,
} from '../account/contracts.js';
import { isLive, SUSPENSION_LINK_DAYS } from '../account/contracts.js';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import type { ClientContext } from '../kernel/client-context.js';
import { describeBrowser } from '../kernel/client-description.js';
import { AppError, NotFound, TooManyRequests, Unauthorized } from '../kernel/errors.js';
import { logger } from '../kernel/observability.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { GeoIp } from '../kernel/ports/geo-ip.js';
import type { TokenRefresher, TokenSet } from '../kernel/ports/identity-provider.js';
import type { UserMail } from '../kernel/ports/user-mail.js';
import type { LoginShield, ShieldAttempt } from './login-flow.js';

/** The stable codes of a refused refresh (each a 401: the client signs in again). */
export const REFRESH_REFUSALS = {
  invalid: 'REFRESH_INVALID',
  reused: 'REFRESH_REUSED',
  revoked: 'SESSION_REVOKED',
  suspended: 'ACCOUNT_SUSPENDED',
} as const;
export type RefreshRefusalCode = (typeof REFRESH_REFUSALS)[keyof typeof REFRESH_REFUSALS];

const MESSAGES: Record<RefreshRefusalCode, string> = {
  REFRESH_INVALID: 'This refresh token is not valid; sign in again',
  REFRESH_REUSED: 'This refresh token was already used; the session has been ended for safety; sign in again',
  SESSION_REVOKED: 'This session has ended; sign in again',
  ACCOUNT_SUSPENDED: 'This account is suspended',
};

/** A refused refresh: 401 with one of REFRESH_REFUSALS. */
export class RefreshRefused extends AppError {
  override readonly name = 'Unauthorized';
  readonly status = 401;
  constructor(readonly code: RefreshRefusalCode) {
    super(MESSAGES[code]);
  }
}

export interface RefreshPorts {
  refresher: TokenRefresher;
  accounts: Pick<AccountStore, 'getAccount' | 'getSession' | 'revokeSession'>;
  refreshes: SessionRefreshes;
  audit: Pick<AuditLog, 'append'>;
  mail: UserMail;
  links: Pick<SuspensionLinks, 'issue'>;
  clock: Clock;
  shield?: Pick<LoginShield, 'check' | 'recordFailure' | 'recordSuccess'>;
  geo?: GeoIp;
}

export type RefreshedTokens = TokenSet & { refreshToken: string };

/** SHA-256 of a refresh token, as the session rows keep it. */
export const refreshTokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * The shield's account key for refreshes from one address: a name no username can take (usernames have no
 * spaces), so refresh failures never count against a user's login, and one address's failures only its own.
 */
export const refreshShieldName = (ip: string) => `refresh ${ip}`;

export class TokenRefresh {
  constructor(private readonly ports: RefreshPorts) {}

  async refresh(refreshToken: string, client: ClientContext, requestId?: string): Promise<RefreshedTokens> {
    const now = this.ports.clock.now();
    const attempt: ShieldAttempt = {
      username: refreshShieldName(client.ip),
      ip: client.ip,
      deviceId: client.deviceId,
      now,
    };
    const verdict = await this.ports.shield?.check(attempt);
    if (verdict && !verdict.allow) {
      throw new TooManyRequests('Too many attempts; try again later', verdict.retryAfterSeconds ?? 1);
    }
    try {
      const tokens = await this.rotate(refreshToken, client, now, requestId);
      // As a login's success: the address's consecutive count starts over, so the refusals many apps behind
      // one address collect over weeks (tokens that expired while an app slept) never add up to a lock.
      await this.ports.shield?.recordSuccess(attempt);
      return tokens;
    } catch (err) {
      if (
        err instanceof RefreshRefused &&
        (err.code === 'REFRESH_INVALID' || err.code === 'REFRESH_REUSED')
      ) {
        await this.ports.shield?.recordFailure(attempt);
      }
      throw err;
    }
  }

  private async rotate(
    refreshToken: string,
    client: ClientContext,
    now: Date,
    requestId: string | undefined,
  ): Promise<RefreshedTokens> {
    const hash = refreshTokenHash(refreshToken);
    const record = await this.ports.refreshes.find(hash);
    if (record) {
      const { account, session } = await this.load(record.userId, record.sessionId);
      const rotation = session.refreshRotation ?? 0;
      this.checkStanding(account, session, now);
      if (record.rotation < rotation) {
        await this.onReuse(record, session, client, now, requestId);
        throw new RefreshRefused('REFRESH_REUSED');
      }
      if (record.rotation !== rotation || session.refreshHash !== hash)
        throw new RefreshRefused('REFRESH_INVALID');
      this.checkDevice(session, client);
      const tokens = await this.exchange(refreshToken);
      this.checkSameSession(tokens, session);
      return this.commit(session, { hash, rotation }, tokens);
    }
    // Not known to the rows: the login's own token (first refresh) or nothing. The provider tells which.
    const tokens = await this.exchange(refreshToken);
    const claims = claimsOf(tokens.accessToken);
    if (!claims) throw new RefreshRefused('REFRESH_INVALID');
    const { account, session } = await this.load(claims.sub, claims.originJti);
    // A session refreshed before knows its login token: one unknown here is not of this session.
    if (session.refreshHash !== undefined) throw new RefreshRefused('REFRESH_INVALID');
    this.checkStanding(account, session, now);
    this.checkDevice(session, client);
    return this.commit(session, { hash, rotation: 0 }, tokens);
  }

  private async load(userId: string, sessionId: string): Promise<{ account: Account; session: Session }> {
    const [account, session] = await Promise.all([
      this.ports.accounts.getAccount(userId),
      this.ports.accounts.getSession(userId, sessionId),
    ]);
    if (!account || !session) throw new RefreshRefused('REFRESH_INVALID');
    return { account, session };
  }

  /** The account active and the session live, as the authorizer requires of every request (A8). */
  private checkStanding(account: Account, session: Session, now: Date): void {
    if (account.status !== 'active') throw new RefreshRefused('ACCOUNT_SUSPENDED');
    if (!isLive(session, account, now)) throw new RefreshRefused('SESSION_REVOKED');
  }

  /** Bound to the device of the login (rows from before devices were recorded name none). */
  private checkDevice(session: Session, client: ClientContext): void {
    if (session.deviceId !== undefined && session.deviceId !== client.deviceId) {
      throw new RefreshRefused('REFRESH_INVALID');
    }
  }

  private checkSameSession(tokens: RefreshedTokens, session: Session): void {
    const claims = claimsOf(tokens.accessToken);
    if (claims?.sub !== session.userId || claims.originJti !== session.sessionId) {
      logger.warn('refresh: the identity provider answered for another session');
      throw new RefreshRefused('REFRESH_INVALID');
    }
  }

  private async exchange(refreshToken: string): Promise<RefreshedTokens> {
    try {
      return await this.ports.refresher.refreshTokens(refreshToken);
    } catch (err) {
      if (err instanceof Unauthorized) throw new RefreshRefused('REFRESH_INVALID');
      throw err;
    }
  }

  private async commit(
    session: Session,
    from: { hash: string; rotation: number },
    tokens: RefreshedTokens,
  ): Promise<RefreshedTokens> {
    const outcome = await this.ports.refreshes.rotate({
      userId: session.userId,
      sessionId: session.sessionId,
      from,
      toHash: refreshTokenHash(tokens.refreshToken),
    });
    // A concurrent use of the same token won: this one gets nothing.
    if (outcome !== 'rotated') throw new RefreshRefused('REFRESH_INVALID');
    return tokens;
  }

  /**
   * A token used twice: either its owner or a thief holds a copy. The whole session ends (its access tokens
   * are refused on their next request, its current refresh token finds a revoked session), with evidence
   * (D3) and an email to the user with the "this wasn't me" link (A4).
   */
  private async onReuse(
    record: RefreshRecord,
    session: Session,
    client: ClientContext,
    now: Date,
    requestId: string | undefined,
  ): Promise<void> {
    const at = now.toISOString();
    logger.warn('refresh token reuse: session revoked', { sessionId: session.sessionId });
    await this.ports.accounts.revokeSession(session.userId, session.sessionId, now).catch((err: unknown) => {
      if (!(err instanceof NotFound)) throw err;
    });
    await this.ports.audit.append({
      actor: { kind: 'system', id: 'token-refresh' },
      action: 'session.refresh-token-reuse',
      target: { kind: 'user', id: session.userId },
      outcome: 'refused',
      at,
      sourceIp: client.ip,
      ...(client.userAgent ? { userAgent: client.userAgent } : {}),
      ...(requestId ? { requestId } : {}),
      details: {
        sessionId: session.sessionId,
        tokenRotation: record.rotation,
        sessionRotation: session.refreshRotation ?? 0,
        sessionRevoked: true,
      },
    });
    const country = this.ports.geo?.countryOf(client.ip);
    const link = await this.ports.links.issue(session.userId);
    await this.ports.mail.send(session.userId, {
      template: 'refresh-token-reuse',
      context: {
        at,
        ip: client.ip,
        ...(country ? { country } : {}),
        browser: describeBrowser(client.userAgent).slice(0, 256),
      },
      reportUrl: `${client.baseUrl}/v1/auth/suspend/${link}`,
      reportExpiresAt: new Date(now.getTime() + SUSPENSION_LINK_DAYS * 86_400_000).toISOString(),
    });
  }
}

/** `sub` and `origin_jti` of an access token just issued by the provider (not verified: it came from it). */
function claimsOf(token: string): { sub: string; originJti: string } | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    if (typeof payload.sub !== 'string' || typeof payload.origin_jti !== 'string') return undefined;
    return { sub: payload.sub, originJti: payload.origin_jti };
  } catch {
    return undefined;
  }
}
