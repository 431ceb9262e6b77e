// The admin authorizer's logic (D1, D4): a valid access token of the ADMIN pool (not issued in the future),
// a known tier among its groups that the signed directory row also grants, an active admin in the directory whose sessions were not revoked after the token was issued, and
// the session the admin login recorded. Read on every request (never cached), so offboarding is immediate.
import { IntegrityError } from '../kernel/errors.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { AccessClaims, TokenVerifier } from '../kernel/ports/token-verifier.js';
import type { AdminTier } from '../kernel/settings.js';
import { MAX_CLOCK_SKEW_MS } from '../kernel/token-lifetimes.js';
import { type AdminDirectory, knownTiers } from './admin-directory.js';

export interface AdminAuthorizerPorts {
  adminTokens: TokenVerifier;
  admins: Pick<AdminDirectory, 'get' | 'getSession'>;
  clock: Clock;
}

/** The context API Gateway hands the admin routes (`adminCallerOf` in lambdas/kernel/http.ts reads it). */
export interface AdminContext {
  principal: 'admin';
  adminId: string;
  username: string;
  sessionId: string;
  tiers: string;
}

export type AdminRefusal =
  | 'token-invalid'
  | 'token-from-future'
  | 'no-tier'
  | 'unknown-admin'
  | 'admin-disabled'
  | 'session-revoked'
  | 'session-unknown'
  | 'session-expired'
  | 'row-integrity';

export type AdminAuthorizeOutcome =
  | { allow: true; context: AdminContext; tiers: AdminTier[] }
  | { allow: false; reason: AdminRefusal; adminId?: string };

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

export async function authorizeAdmin(
  ports: AdminAuthorizerPorts,
  authorization: string | undefined,
): Promise<AdminAuthorizeOutcome> {
  const token = authorization ? BEARER.exec(authorization.trim())?.[1] : undefined;
  if (!token) return { allow: false, reason: 'token-invalid' };
  let claims: AccessClaims;
  try {
    // The admin pool's issuer and client: a user-pool token fails here whatever it claims.
    claims = await ports.adminTokens.verifyAccessToken(token);
  } catch {
    return { allow: false, reason: 'token-invalid' };
  }
  // A token issued in the future (beyond a small skew) was not issued by our pool's clock: refused.
  if (claims.issuedAt.getTime() > ports.clock.now().getTime() + MAX_CLOCK_SKEW_MS) {
    return { allow: false, reason: 'token-from-future' };
  }
  if (knownTiers(claims.groups).length === 0) return { allow: false, reason: 'no-tier' };
  let admin: Awaited<ReturnType<AdminAuthorizerPorts['admins']['get']>>;
  let session: Awaited<ReturnType<AdminAuthorizerPorts['admins']['getSession']>>;
  try {
    [admin, session] = await Promise.all([
      ports.admins.get(claims.sub),
      ports.admins.getSession(claims.sub, claims.originJti),
    ]);
  } catch (err) {
    // E1: a directory or session row that fails its check has raised the alarm; the token is refused.
    if (err instanceof IntegrityError) return { allow: false, reason: 'row-integrity' };
    throw err;
  }
  if (!admin) return { allow: false, reason: 'unknown-admin' };
  // An offboarded admin's token names them: the authorizer records the refusal (D3).
  if (admin.status !== 'active') return { allow: false, reason: 'admin-disabled', adminId: claims.sub };
  // The tiers are the signed directory row's: a token's groups can never grant more than the directory
  // does (a tier the row lacks is dropped; the row follows the admin pool at every login).
  const tiers = knownTiers(claims.groups).filter((tier) => admin.tiers.includes(tier));
  if (tiers.length === 0) return { allow: false, reason: 'no-tier' };
  // iat has whole seconds: a token of the very second of a revocation is refused too.
  if (admin.sessionsValidAfter && claims.issuedAt.getTime() <= Date.parse(admin.sessionsValidAfter)) {
    return { allow: false, reason: 'session-revoked', adminId: claims.sub };
  }
  if (!session) return { allow: false, reason: 'session-unknown' };
  if (Date.parse(session.expiresAt) <= ports.clock.now().getTime()) {
    return { allow: false, reason: 'session-expired' };
  }
  return {
    allow: true,
    tiers,
    context: {
      principal: 'admin',
      adminId: claims.sub,
      username: claims.username,
      sessionId: claims.originJti,
      tiers: tiers.join(','),
    },
  };
}
