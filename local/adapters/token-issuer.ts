// Mints the local directory's JWTs with Cognito's claims and header (RS256, kid), so the one authorizer
// (aws-jwt-verify) accepts them; the RSA key lives in the state folder and is published as a JWKS.
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Jwks } from 'aws-jwt-verify/jwk';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { Unauthorized } from '../../lambdas/kernel/errors.js';
import type { TokenSet } from '../../lambdas/kernel/ports/identity-provider.js';
import { USER_TOKENS } from '../../lambdas/kernel/token-lifetimes.js';
import { JsonFile } from './json-file.js';

export interface PoolConfig {
  region: string;
  userPoolId: string;
  clientId: string;
}

export interface TokenSubject {
  userId: string;
  username: string;
  email: string;
  phone?: string;
  groups: readonly string[];
}

export interface IssuedTokens {
  tokens: TokenSet;
  /** Cognito's refresh-token family id, carried by the access token as `origin_jti`. */
  originJti: string;
  refreshExpiresAt: Date;
}

interface KeyFile {
  kid: string;
  privateJwk: JWK;
}

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

async function newKeyFile(): Promise<KeyFile> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const privateJwk = await exportJWK(privateKey);
  return { kid: await calculateJwkThumbprint(privateJwk), privateJwk };
}

export class LocalTokenIssuer {
  readonly issuer: string;

  private constructor(
    private readonly pool: PoolConfig,
    private readonly kid: string,
    private readonly privateKey: SigningKey,
    private readonly publicKey: SigningKey,
    private readonly publicJwk: JWK,
    private readonly lifetimes: { accessMinutes: number; idMinutes: number; refreshHours: number },
  ) {
    this.issuer = `https://cognito-idp.${pool.region}.amazonaws.com/${pool.userPoolId}`;
  }

  /**
   * Loads the signing key from `<stateDir>/<folder>/token-key.json` (folder `identity` for the user pool),
   * creating it on first start. Each pool has its own key, as each Cognito pool has its own JWKS.
   */
  static async open(
    stateDir: string,
    pool: PoolConfig,
    lifetimes: { accessMinutes: number; idMinutes: number; refreshHours: number } = USER_TOKENS,
    folder = 'identity',
  ): Promise<LocalTokenIssuer> {
    const file = await new JsonFile<KeyFile>(join(stateDir, folder, 'token-key.json')).readOrCreate(
      newKeyFile,
    );
    const { kty, n, e } = file.privateJwk;
    const publicJwk: JWK = { alg: 'RS256', e, kid: file.kid, kty, n, use: 'sig' };
    const [privateKey, publicKey] = await Promise.all([
      importJWK(file.privateJwk, 'RS256'),
      importJWK(publicJwk, 'RS256'),
    ]);
    return new LocalTokenIssuer(pool, file.kid, privateKey, publicKey, publicJwk, lifetimes);
  }

  /** The pool's JWKS, as Cognito serves it at `<issuer>/.well-known/jwks.json`. */
  jwks(): Jwks {
    return { keys: [{ ...this.publicJwk }] } as Jwks;
  }

  /**
   * Tokens of one successful authentication: a new refresh-token family, access and id tokens. A8: with
   * `family`, the tokens of a refresh of that family instead (same `origin_jti`, its refresh token's end).
   */
  async issue(
    subject: TokenSubject,
    now: Date,
    family?: { originJti: string; refreshExpiresAt: Date },
  ): Promise<IssuedTokens> {
    const originJti = family?.originJti ?? randomUUID();
    const eventId = randomUUID();
    const iat = seconds(now);
    const groups = subject.groups.length > 0 ? { 'cognito:groups': [...subject.groups] } : {};
    const access = {
      sub: subject.userId,
      ...groups,
      iss: this.issuer,
      client_id: this.pool.clientId,
      origin_jti: originJti,
      event_id: eventId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: iat,
      exp: iat + this.lifetimes.accessMinutes * 60,
      iat,
      jti: randomUUID(),
      username: subject.username,
    };
    const id = {
      sub: subject.userId,
      ...groups,
      email_verified: true,
      iss: this.issuer,
      'cognito:username': subject.username,
      origin_jti: originJti,
      aud: this.pool.clientId,
      event_id: eventId,
      token_use: 'id',
      auth_time: iat,
      ...(subject.phone ? { phone_number: subject.phone, phone_number_verified: true } : {}),
      exp: iat + this.lifetimes.idMinutes * 60,
      iat,
      jti: randomUUID(),
      email: subject.email,
    };
    return {
      tokens: {
        accessToken: await this.sign(access),
        idToken: await this.sign(id),
        refreshToken: randomBytes(48).toString('base64url'),
        expiresInSeconds: this.lifetimes.accessMinutes * 60,
      },
      originJti,
      refreshExpiresAt:
        family?.refreshExpiresAt ?? new Date(now.getTime() + this.lifetimes.refreshHours * 3_600_000),
    };
  }

  /** Checks an access token of this pool the way Cognito's own APIs do before acting for its holder. */
  async verifyAccessToken(
    token: string,
    now: Date,
  ): Promise<{ userId: string; username: string; originJti: string }> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: this.issuer,
        algorithms: ['RS256'],
        currentDate: now,
      });
      const { sub, username, origin_jti, token_use, client_id } = payload as JWTPayload &
        Record<string, unknown>;
      if (
        token_use !== 'access' ||
        client_id !== this.pool.clientId ||
        typeof sub !== 'string' ||
        typeof username !== 'string' ||
        typeof origin_jti !== 'string'
      ) {
        throw new Error('not an access token of this client');
      }
      return { userId: sub, username, originJti: origin_jti };
    } catch {
      throw new Unauthorized('Invalid or expired token');
    }
  }

  private sign(payload: Record<string, unknown>): Promise<string> {
    return new SignJWT(payload).setProtectedHeader({ kid: this.kid, alg: 'RS256' }).sign(this.privateKey);
  }
}
