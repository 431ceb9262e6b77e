// TokenVerifier with aws-jwt-verify: Cognito access tokens, checked against the pool's JWKS. The local
// runtime uses the same class with the local directory's JWKS preloaded, so one verifier serves both.
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { type Jwks, SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { Unauthorized } from '../errors.js';
import type { AccessClaims, TokenVerifier } from '../ports/token-verifier.js';
import { once, requireEnv } from '../runtime/aws-env.js';

export class CognitoTokenVerifier implements TokenVerifier {
  private readonly verifier;

  constructor(userPoolId: string, clientId: string, jwks?: Jwks) {
    // A preloaded JWKS is the whole key set: a token naming another kid is refused, never fetched from AWS.
    const jwksCache = jwks ? new SimpleJwksCache({ fetcher: { fetch: refuseJwksFetch } }) : undefined;
    this.verifier = CognitoJwtVerifier.create(
      { userPoolId, clientId, tokenUse: 'access' },
      jwksCache ? { jwksCache } : undefined,
    );
    if (jwks) this.verifier.cacheJwks(jwks);
  }

  async verifyAccessToken(token: string): Promise<AccessClaims> {
    let payload: Awaited<ReturnType<typeof this.verifier.verify>>;
    try {
      payload = await this.verifier.verify(token);
    } catch {
      throw new Unauthorized('Invalid or expired token');
    }
    const originJti = payload.origin_jti;
    if (typeof originJti !== 'string' || !payload.sub || typeof payload.username !== 'string') {
      throw new Unauthorized('Invalid or expired token');
    }
    return {
      sub: payload.sub,
      username: payload.username,
      originJti,
      issuedAt: new Date(payload.iat * 1000),
      groups: payload['cognito:groups'] ?? [],
    };
  }
}

const refuseJwksFetch = (): Promise<ArrayBuffer> => Promise.reject(new Error('The JWKS is preloaded'));

export const awsUserTokenVerifier = /* @__PURE__ */ once(
  () => new CognitoTokenVerifier(requireEnv('USER_POOL_ID'), requireEnv('USER_POOL_CLIENT_ID')),
);

/** D1: access tokens of the admin pool; a user-pool token fails its issuer and client checks, and vice versa. */
export const awsAdminTokenVerifier = /* @__PURE__ */ once(
  () => new CognitoTokenVerifier(requireEnv('ADMIN_POOL_ID'), requireEnv('ADMIN_POOL_CLIENT_ID')),
);
