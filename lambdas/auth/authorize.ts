// The user authorizer's logic: a valid Cognito access token AND a live account and session in DynamoDB.
import type { AccountStore } from '../account/contracts.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { TokenVerifier } from '../kernel/ports/token-verifier.js';
import { type AccessDecision, decideAccess } from './session-access.js';

export interface AuthorizerPorts {
  tokens: TokenVerifier;
  accounts: AccountStore;
  clock: Clock;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

export type AuthorizeOutcome = AccessDecision | { allow: false; reason: 'token-invalid' };

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
  const [account, session] = await Promise.all([
    ports.accounts.getAccount(claims.sub),
    ports.accounts.getSession(claims.sub, claims.originJti),
  ]);
  return decideAccess(claims, account, session, ports.clock.now());
}
