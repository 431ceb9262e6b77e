// A8 sessions: what the caller sees of their own sessions and how they end. A session is the identity
// provider's refresh-token family (sessionId = the tokens' origin_jti, kept across refreshes), so revoking
// its row refuses every access token of the family, refreshed ones included, on the next request.
import { describeBrowser } from '../kernel/client-description.js';
import type { CallerIdentity } from '../kernel/http.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { IdentityProvider } from '../kernel/ports/identity-provider.js';
import type { Account, AccountStore, Session } from './account-store.js';
import type { RevocationResponse, SessionView } from './sessions-contracts.js';

/** Live: not revoked, not expired, not ended by a revoke-all or a suspension (`sessionsValidAfter`). */
export function isLive(session: Session, account: Pick<Account, 'sessionsValidAfter'>, now: Date): boolean {
  if (session.revokedAt) return false;
  if (Date.parse(session.expiresAt) <= now.getTime()) return false;
  const validAfter = account.sessionsValidAfter ? Date.parse(account.sessionsValidAfter) : undefined;
  return validAfter === undefined || Date.parse(session.createdAt) > validAfter;
}

/** The caller's live sessions, newest first, the current one marked. */
export function sessionViews(
  sessions: readonly Session[],
  account: Pick<Account, 'sessionsValidAfter'>,
  currentSessionId: string,
  now: Date,
): SessionView[] {
  return sessions
    .filter((s) => isLive(s, account, now))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((s) => ({
      sessionId: s.sessionId,
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      ...(s.ip ? { ip: s.ip } : {}),
      device: describeBrowser(s.userAgent),
      current: s.sessionId === currentSessionId,
    }));
}

/**
 * Revokes one of the caller's own sessions. The key is built from the caller's user id, so a session id of
 * another user names no row here: NotFound, exactly as for an id that never existed (E5).
 */
export async function revokeOwnSession(
  ports: { accounts: Pick<AccountStore, 'revokeSession'>; clock: Clock },
  caller: CallerIdentity,
  sessionId: string,
): Promise<RevocationResponse> {
  const at = ports.clock.now();
  await ports.accounts.revokeSession(caller.userId, sessionId, at);
  return { revoked: 'session', revokedAt: at.toISOString() };
}

/**
 * Revokes every session of the caller: access tokens through `sessionsValidAfter` (the authorizer refuses
 * any token issued until then), refresh tokens through the identity provider's global sign-out.
 */
export async function revokeAllOwnSessions(
  ports: {
    accounts: Pick<AccountStore, 'revokeAllSessions'>;
    identity: Pick<IdentityProvider, 'globalSignOut'>;
    clock: Clock;
  },
  caller: CallerIdentity,
): Promise<RevocationResponse> {
  const at = ports.clock.now();
  await ports.accounts.revokeAllSessions(caller.userId, at);
  await ports.identity.globalSignOut(caller.username);
  return { revoked: 'all-sessions', revokedAt: at.toISOString() };
}

/**
 * A7: revokes the caller's live sessions opened from `deviceId` (the session row names its device). Rows
 * written before sessions recorded their device name none and stay; the user ends those one by one (A8).
 */
export async function endDeviceSessions(
  accounts: Pick<AccountStore, 'listSessions' | 'revokeSession'>,
  userId: string,
  deviceId: string,
  at: Date,
): Promise<number> {
  const ofDevice = (await accounts.listSessions(userId)).filter(
    (s) => s.deviceId === deviceId && !s.revokedAt && Date.parse(s.expiresAt) > at.getTime(),
  );
  await Promise.all(ofDevice.map((s) => accounts.revokeSession(userId, s.sessionId, at)));
  return ofDevice.length;
}
