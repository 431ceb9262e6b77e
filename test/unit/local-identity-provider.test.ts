// Unit tests of the local directory (A2, A8): Cognito's token claims verified by the production verifier,
// password and disabled-user refusals alike, TOTP as Google Authenticator computes it, sign-out and restarts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoTokenVerifier } from '../../lambdas/kernel/aws/cognito-token-verifier.js';
import { Conflict, NotFound, Unauthorized, ValidationError } from '../../lambdas/kernel/errors.js';
import { ManualClock, systemClock } from '../../lambdas/kernel/ports/clock.js';
import type { TokenSet } from '../../lambdas/kernel/ports/identity-provider.js';
import { USER_TOKENS } from '../../lambdas/kernel/token-lifetimes.js';
import { LocalIdentityProvider } from '../../local/adapters/identity-provider.js';
import { localPasswordCost } from '../../local/adapters/password-hash.js';

const pool = { region: 'eu-west-1', userPoolId: 'eu-west-1_PalisadeLocal', clientId: 'palisadelocalclient' };
const PASSWORD = 'correct horse battery staple';
let stateDir: string;
let directory: LocalIdentityProvider;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-idp-'));
  directory = await LocalIdentityProvider.open(stateDir, pool, systemClock);
});
afterAll(() => rm(stateDir, { recursive: true, force: true }));

async function signIn(idp: LocalIdentityProvider, username: string): Promise<TokenSet> {
  const result = await idp.passwordAuth(username, PASSWORD);
  if (result.kind !== 'tokens') throw new Error('expected tokens');
  return result.tokens;
}

describe('LocalIdentityProvider', () => {
  it("A8 issues access tokens with exactly Cognito's claims, which the production verifier accepts", async () => {
    const { userId } = await directory.createUser({
      username: 'alice',
      email: 'alice@example.com',
      password: PASSWORD,
    });
    const tokens = await signIn(directory, 'alice');
    const claims = decodeJwt(tokens.accessToken);
    expect(Object.keys(claims).sort()).toEqual(
      [
        'sub',
        'iss',
        'client_id',
        'origin_jti',
        'event_id',
        'token_use',
        'scope',
        'auth_time',
        'exp',
        'iat',
        'jti',
        'username',
      ].sort(),
    );
    expect(claims).toMatchObject({
      sub: userId,
      iss: `https://cognito-idp.eu-west-1.amazonaws.com/${pool.userPoolId}`,
      client_id: pool.clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      username: 'alice',
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(USER_TOKENS.accessMinutes * 60);
    expect(decodeProtectedHeader(tokens.accessToken)).toEqual({
      kid: directory.jwks().keys[0]?.kid,
      alg: 'RS256',
    });
    expect(decodeJwt(tokens.idToken)).toMatchObject({
      token_use: 'id',
      aud: pool.clientId,
      email: 'alice@example.com',
    });
    expect(tokens.expiresInSeconds).toBe(USER_TOKENS.accessMinutes * 60);

    const verifier = new CognitoTokenVerifier(pool.userPoolId, pool.clientId, directory.jwks());
    expect(await verifier.verifyAccessToken(tokens.accessToken)).toMatchObject({
      sub: userId,
      username: 'alice',
      originJti: claims.origin_jti,
      groups: [],
    });
    await expect(verifier.verifyAccessToken(tokens.idToken)).rejects.toBeInstanceOf(Unauthorized);
  });

  it('A8 a token minted by a clock in the past is expired for the verifier', async () => {
    const past = new ManualClock(new Date(Date.now() - (USER_TOKENS.accessMinutes + 1) * 60_000));
    const then = await LocalIdentityProvider.open(stateDir, pool, past);
    const tokens = await signIn(then, 'alice');
    const verifier = new CognitoTokenVerifier(pool.userPoolId, pool.clientId, directory.jwks());
    await expect(verifier.verifyAccessToken(tokens.accessToken)).rejects.toBeInstanceOf(Unauthorized);
  });

  it('A8 a wrong password, an unknown user and a disabled user are the same refusal', async () => {
    await directory.createUser({ username: 'dora', email: 'dora@example.com', password: PASSWORD });
    const refusal = async (username: string, password: string) =>
      directory.passwordAuth(username, password).then(
        () => undefined,
        (e: unknown) => e,
      );
    const wrong = await refusal('dora', 'wrong password');
    const unknown = await refusal('nobody', PASSWORD);
    await directory.disableUser('dora');
    const disabled = await refusal('dora', PASSWORD);
    for (const error of [wrong, unknown, disabled]) {
      expect(error).toBeInstanceOf(Unauthorized);
      expect((error as Error).message).toBe('Invalid credentials');
    }
    await directory.enableUser('dora');
    await expect(signIn(directory, 'dora')).resolves.toHaveProperty('accessToken');
  });

  it('A1 usernames are unique and free-form; bad attributes are refused', async () => {
    await expect(
      directory.createUser({ username: 'alice', email: 'other@example.com', password: PASSWORD }),
    ).rejects.toBeInstanceOf(Conflict);
    await expect(
      directory.createUser({ username: 'has space', email: 'a@b.co', password: PASSWORD }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      directory.createUser({ username: 'p', email: 'p@example.com', phone: '0123', password: PASSWORD }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      directory.createUser({ username: 'q', email: 'q@example.com', password: 'short' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(directory.globalSignOut('nobody')).rejects.toBeInstanceOf(NotFound);
  });

  it('A2 TOTP enrolment and login with codes as an authenticator app computes them; a code is not replayed', async () => {
    const clock = new ManualClock(new Date());
    const idp = await LocalIdentityProvider.open(stateDir, pool, clock);
    await idp.createUser({ username: 'tom', email: 'tom@example.com', password: PASSWORD });
    const tokens = await signIn(idp, 'tom');
    const { secret } = await idp.beginTotpEnrolment(tokens.accessToken);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const code = (at: Date) => generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
    await expect(idp.confirmTotpEnrolment(tokens.accessToken, '000000')).rejects.toBeInstanceOf(
      ValidationError,
    );
    await idp.confirmTotpEnrolment(tokens.accessToken, await code(clock.now()));
    expect((await idp.getUser('tom'))?.totpEnabled).toBe(true);

    clock.advance(60_000);
    const challenge = await idp.passwordAuth('tom', PASSWORD);
    if (challenge.kind !== 'totp-required') throw new Error('expected a TOTP challenge');
    const good = await code(clock.now());
    await expect(idp.respondToTotp('tom', challenge.session, good)).resolves.toHaveProperty('accessToken');

    const replay = await idp.passwordAuth('tom', PASSWORD);
    if (replay.kind !== 'totp-required') throw new Error('expected a TOTP challenge');
    // The replayed code says so (as Cognito's ExpiredCodeException); a wrong code does not.
    await expect(idp.respondToTotp('tom', replay.session, good)).rejects.toMatchObject({
      status: 401,
      code: 'TOTP_CODE_USED',
    });
    const wrong = await idp.passwordAuth('tom', PASSWORD);
    if (wrong.kind !== 'totp-required') throw new Error('expected a TOTP challenge');
    await expect(
      idp.respondToTotp('tom', wrong.session, good === '000000' ? '111111' : '000000'),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    // A session answers once, right or wrong.
    await expect(idp.respondToTotp('tom', replay.session, await code(clock.now()))).rejects.toBeInstanceOf(
      Unauthorized,
    );
  });

  it('A8 global sign-out revokes the refresh-token families, so old access tokens no longer act at the directory', async () => {
    await directory.createUser({ username: 'gus', email: 'gus@example.com', password: PASSWORD });
    const tokens = await signIn(directory, 'gus');
    await directory.globalSignOut('gus');
    await expect(directory.beginTotpEnrolment(tokens.accessToken)).rejects.toBeInstanceOf(Unauthorized);
    const users = JSON.parse(await readFile(join(stateDir, 'identity', 'users.json'), 'utf8'));
    expect(users.users.gus.refreshFamilies.every((f: { revokedAt?: string }) => f.revokedAt)).toBe(true);
  });

  it('keeps users, password hashes (scrypt) and the signing key across restarts', async () => {
    const reopened = await LocalIdentityProvider.open(stateDir, pool, systemClock);
    expect(reopened.jwks()).toEqual(directory.jwks());
    expect(await reopened.getUser('alice')).toMatchObject({
      username: 'alice',
      email: 'alice@example.com',
      enabled: true,
    });
    await expect(signIn(reopened, 'alice')).resolves.toHaveProperty('accessToken');
    const users = JSON.parse(await readFile(join(stateDir, 'identity', 'users.json'), 'utf8'));
    // At the cost this process hashes with (the test cost here; test/unit/password-cost.test.ts: the real one).
    const { N, r, p } = localPasswordCost();
    expect(users.users.alice.passwordHash.startsWith(`scrypt$${N}$${r}$${p}$`)).toBe(true);
    expect(JSON.stringify(users)).not.toContain(PASSWORD);
  });
});
