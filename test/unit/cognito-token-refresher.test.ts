// A8: the Cognito side of a refresh: GetTokensFromRefreshToken (the API Cognito requires for rotation) with
// the app client's id, sent unsigned as the SDK sends it (the app client and the token authorise it); its
// refusals are one Unauthorized; a client without rotation is a fault, not a 401. Driven against the cloud
// harness's Cognito emulation through the kernel's JSON caller (lambdas/kernel/aws/cognito-idp.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { cognitoIdp } from '../../lambdas/kernel/aws/cognito-idp.js';
import { CognitoIdentityProvider } from '../../lambdas/kernel/aws/identity-provider.js';
import { CognitoTokenRefresher } from '../../lambdas/kernel/aws/token-refresher.js';
import { Unauthorized } from '../../lambdas/kernel/errors.js';
import { cognitoHarness } from '../support/aws-json.js';

const PASSWORD = 'Correct horse battery 9';
const stops: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(stops.map((stop) => stop())));

const harnesses = new Map<boolean, ReturnType<typeof cognitoHarness>>();
let users = 0;

/** A user signed in through the adapter, the refresher over the same harness, and the calls it records. */
async function signedIn(options: { refreshRotation?: boolean } = {}) {
  const rotation = options.refreshRotation ?? true;
  if (!harnesses.has(rotation)) {
    const started = cognitoHarness({ refreshRotation: rotation });
    harnesses.set(rotation, started);
    stops.push(async () => (await started).stop());
  }
  const harness = await (harnesses.get(rotation) as ReturnType<typeof cognitoHarness>);
  const cognito = cognitoIdp(() => harness.transport());
  const username = `user${++users}`;
  await harness.directory.createUser({ username, email: `${username}@example.com`, password: PASSWORD });
  const auth = await new CognitoIdentityProvider(
    cognito,
    harness.pool.id,
    harness.pool.clientId,
  ).passwordAuth(username, PASSWORD);
  if (auth.kind !== 'tokens' || !auth.tokens.refreshToken) throw new Error('no refresh token');
  return {
    ...harness,
    refreshToken: auth.tokens.refreshToken,
    refresher: new CognitoTokenRefresher(cognito, harness.pool.clientId),
  };
}

describe('A8 the Cognito token refresher', () => {
  it('A8 sends the refresh token with the app client id and answers the rotated tokens', async () => {
    const { refresher, refreshToken, seen, pool } = await signedIn();
    const tokens = await refresher.refreshTokens(refreshToken);
    expect(tokens).toEqual({
      accessToken: expect.any(String),
      idToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresInSeconds: expect.any(Number),
    });
    expect(tokens.refreshToken).not.toBe(refreshToken);
    expect(tokens.expiresInSeconds).toBeGreaterThan(0);
    const call = seen.find((c) => c.operation === 'GetTokensFromRefreshToken');
    expect(call?.input).toEqual({ ClientId: pool.clientId, RefreshToken: refreshToken });
    expect(call?.target).toBe('AWSCognitoIdentityProviderService.GetTokensFromRefreshToken');
    expect(call?.signature).toBe('unsigned');
  });

  it("A8 a spent, revoked or expired token (Cognito's NotAuthorizedException) is Unauthorized", async () => {
    const { refresher, refreshToken } = await signedIn();
    await refresher.refreshTokens(refreshToken);
    // Rotation spent the first token: Cognito refuses it as NotAuthorizedException.
    await expect(refresher.refreshTokens(refreshToken)).rejects.toBeInstanceOf(Unauthorized);
    await expect(refresher.refreshTokens('not-a-token')).rejects.toBeInstanceOf(Unauthorized);
  });

  it('A8 an answer without a new refresh token (rotation off on the app client) is a fault, not a refusal', async () => {
    const { refresher, refreshToken } = await signedIn({ refreshRotation: false });
    await expect(refresher.refreshTokens(refreshToken)).rejects.toThrow(/rotation/);
  });
});
