// The rule the authorizer applies after the token itself checks out: is this account and session still live?
import type { Account, Session } from '../account/contracts.js';
import type { AccessClaims } from '../kernel/ports/token-verifier.js';
import { MAX_CLOCK_SKEW_MS } from '../kernel/token-lifetimes.js';

export type AccessRefusal =
  | 'token-from-future'
  | 'account-missing'
  | 'account-suspended'
  | 'token-before-revocation'
  | 'session-before-revocation'
  | 'session-missing'
  | 'session-revoked'
  | 'session-expired';

export type AccessDecision =
  | { allow: true; userId: string; sessionId: string; username: string }
  | { allow: false; reason: AccessRefusal };

export function decideAccess(
  claims: AccessClaims,
  account: Account | undefined,
  session: Session | undefined,
  now: Date,
): AccessDecision {
  // A token issued in the future (beyond a small skew) was not issued by our pool's clock: refused.
  if (claims.issuedAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    return { allow: false, reason: 'token-from-future' };
  }
  if (!account) return { allow: false, reason: 'account-missing' };
  if (account.status !== 'active') return { allow: false, reason: 'account-suspended' };
  // Cognito's iat has second precision: a token from the same second as a revocation is refused too.
  if (account.sessionsValidAfter && claims.issuedAt.getTime() <= Date.parse(account.sessionsValidAfter)) {
    return { allow: false, reason: 'token-before-revocation' };
  }
  if (!session) return { allow: false, reason: 'session-missing' };
  if (session.revokedAt) return { allow: false, reason: 'session-revoked' };
  // A token refreshed after a revocation has a fresh iat but the old session: it is refused too, so a
  // refresh token that survived a failed global sign-out still gains nothing.
  if (account.sessionsValidAfter && Date.parse(session.createdAt) <= Date.parse(account.sessionsValidAfter)) {
    return { allow: false, reason: 'session-before-revocation' };
  }
  if (Date.parse(session.expiresAt) <= now.getTime()) return { allow: false, reason: 'session-expired' };
  return { allow: true, userId: account.userId, sessionId: session.sessionId, username: account.username };
}
