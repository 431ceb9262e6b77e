// The user authorizer's logic: a valid Cognito access token AND a live account and session in DynamoDB.
import type { AccountStore } from '../account/contracts.js';
import { IntegrityError } from '../kernel/errors.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { TokenVerifier } from '../kernel/ports/token-verifier.js';
import { type AccessDecision, decideAccess } from './session-access.js';

export interface AuthorizerPorts {
  tokens: TokenVerifier;
  accounts: AccountStore;
  clock: Clock;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

export type AuthorizeOutcome = AccessDecision | { allow: false; reason: 'token-invalid' | 'row-integrity' };

export async function authorize(
  ports: AuthorizerPorts,
  authorization: string | undefined,
): Promise<AuthorizeOutcome> {
  const token = authorization ? BEARER.exec(authorization.trim())?.[1] : undefined;
  if (!token) return { allow: false, reason: 'token-invalid' };
  let claims: Awaited<ReturnType<TokenVerifier['verifyAccessToken']>>;
  try {
    claims = await ports.tokens.verifyAccessToken(token);
  } catch {
    return { allow: false, reason: 'token-invalid' };
  }
  try {
    const [account, session] = await Promise.all([
      ports.accounts.getAccount(claims.sub),
      ports.accounts.getSession(claims.sub, claims.originJti),
    ]);
    return decideAccess(claims, account, session, ports.clock.now());
  } catch (err) {
    // E1: an account or session row that fails its check (tampered, or an older version put back) has
    // already raised the alarm; the request is refused like any other, never answered from that row.
    if (err instanceof IntegrityError) return { allow: false, reason: 'row-integrity' };
    throw err;
  }
}
