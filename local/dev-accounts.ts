// Dev-only: creates a user in the local directory with its account row, and signs users in with a recorded
// session, so /v1/me can be called before the login endpoints exist. Used by `npm run dev:user` and the e2e tests.
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { AccountStore } from '../lambdas/account/account-store.js';
import type { Clock } from '../lambdas/kernel/ports/clock.js';
import type { TokenSet } from '../lambdas/kernel/ports/identity-provider.js';
import { userSessionLifetimeMs } from '../lambdas/kernel/token-lifetimes.js';
import type { LocalIdentityProvider } from './adapters/identity-provider.js';

export interface DevAccountPorts {
  identity: LocalIdentityProvider;
  accounts: AccountStore;
  clock: Clock;
}

export interface DevAccountInput {
  username: string;
  email: string;
  phone?: string;
  /** A random one is made (and returned) when absent. */
  password?: string;
}

export interface DevSession extends TokenSet {
  userId: string;
  username: string;
  sessionId: string;
}

export interface DevAccount extends DevSession {
  password: string;
}

export async function createDevAccount(ports: DevAccountPorts, input: DevAccountInput): Promise<DevAccount> {
  const password = input.password ?? randomBytes(12).toString('base64url');
  const { userId } = await ports.identity.createUser({
    username: input.username,
    email: input.email,
    ...(input.phone ? { phone: input.phone } : {}),
    password,
  });
  await ports.accounts.createAccount({
    userId,
    username: input.username,
    email: input.email,
    ...(input.phone ? { phone: input.phone } : {}),
    createdAt: ports.clock.now().toISOString(),
  });
  return { ...(await signInDevAccount(ports, input.username, password)), password };
}

/** Password sign-in plus the session row the authorizer checks (sessionId = the token's origin_jti). */
export async function signInDevAccount(
  ports: DevAccountPorts,
  username: string,
  password: string,
  client: { ip?: string; userAgent?: string } = {},
): Promise<DevSession> {
  const auth = await ports.identity.passwordAuth(username, password);
  if (auth.kind !== 'tokens')
    throw new Error(`${username} has TOTP enabled; dev sign-in is for password-only users`);
  const claims = decodeJwt(auth.tokens.accessToken);
  if (typeof claims.sub !== 'string' || typeof claims.origin_jti !== 'string') {
    throw new Error('The access token lacks sub or origin_jti');
  }
  const now = ports.clock.now();
  await ports.accounts.putSession({
    userId: claims.sub,
    sessionId: claims.origin_jti,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + userSessionLifetimeMs).toISOString(),
    ...(client.ip ? { ip: client.ip } : {}),
    ...(client.userAgent ? { userAgent: client.userAgent } : {}),
  });
  return { ...auth.tokens, userId: claims.sub, username, sessionId: claims.origin_jti };
}
