// A8: the Cognito side of a refresh: GetTokensFromRefreshToken (the API Cognito requires for rotation) with
// the app client's id; its refusals are one Unauthorized; a client without rotation is a fault, not a 401.
import {
  CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CognitoTokenRefresher } from '../../lambdas/kernel/aws/token-refresher.js';
import { Unauthorized } from '../../lambdas/kernel/errors.js';

const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());
const refresher = () => new CognitoTokenRefresher(new CognitoIdentityProviderClient({}), 'app-client');

describe('A8 the Cognito token refresher', () => {
  it('A8 sends the refresh token with the app client id and answers the rotated tokens', async () => {
    cognito.on(GetTokensFromRefreshTokenCommand).resolves({
      AuthenticationResult: { AccessToken: 'a', IdToken: 'i', RefreshToken: 'r2', ExpiresIn: 900 },
    });
    expect(await refresher().refreshTokens('r1')).toEqual({
      accessToken: 'a',
      idToken: 'i',
      refreshToken: 'r2',
      expiresInSeconds: 900,
    });
    expect(cognito.commandCalls(GetTokensFromRefreshTokenCommand)[0]?.args[0].input).toEqual({
      ClientId: 'app-client',
      RefreshToken: 'r1',
    });
  });

  it("A8 a spent, revoked or expired token (Cognito's NotAuthorizedException) is Unauthorized", async () => {
    cognito
      .on(GetTokensFromRefreshTokenCommand)
      .rejects(new NotAuthorizedException({ message: 'Invalid Refresh Token', $metadata: {} }));
    await expect(refresher().refreshTokens('r1')).rejects.toBeInstanceOf(Unauthorized);
  });

  it('A8 an answer without a new refresh token (rotation off on the app client) is a fault, not a refusal', async () => {
    cognito.on(GetTokensFromRefreshTokenCommand).resolves({
      AuthenticationResult: { AccessToken: 'a', IdToken: 'i', ExpiresIn: 900 },
    });
    await expect(refresher().refreshTokens('r1')).rejects.toThrow(/rotation/);
  });
});
