// A8: the refresh-token exchange on Amazon Cognito. The user pool's app client rotates refresh tokens
// (lib/identity.ts, no grace period), and with rotation on Cognito accepts GetTokensFromRefreshToken only:
// REFRESH_TOKEN_AUTH of (Admin)InitiateAuth is refused for such a client. The call is authorised by the app
// client and the token, not by IAM (as RevokeToken), so the function's role holds no Cognito action for it.
// Its own file, apart from identity-provider.ts, so the login's bundles do not carry it.
import { Unauthorized } from '../errors.js';
import type { TokenRefresher, TokenSet } from '../ports/identity-provider.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import { awsCognitoIdp, type CognitoIdp, type CognitoOperations, refusedAs } from './cognito-idp.js';

export class CognitoTokenRefresher implements TokenRefresher {
  constructor(
    private readonly cognito: CognitoIdp,
    private readonly clientId: string,
  ) {}

  async refreshTokens(refreshToken: string): Promise<TokenSet & { refreshToken: string }> {
    let result: CognitoOperations['GetTokensFromRefreshToken'][1];
    try {
      // Unsigned, as the SDK sends it: the app client and the token authorise it (cognito-idp.ts).
      result = await this.cognito.call('GetTokensFromRefreshToken', {
        ClientId: this.clientId,
        RefreshToken: refreshToken,
      });
    } catch (err) {
      // Spent, revoked, expired, malformed, or its user disabled or deleted: one answer.
      if (refusedAs(err, 'NotAuthorizedException', 'UserNotFoundException')) {
        throw new Unauthorized('Invalid refresh token');
      }
      throw err;
    }
    const out = result.AuthenticationResult;
    // Without rotation Cognito returns no refresh token: the app client is misconfigured, not the caller.
    if (!out?.AccessToken || !out.IdToken || !out.RefreshToken) {
      throw new Error('Cognito returned no rotated refresh token: is rotation enabled on the app client?');
    }
    return {
      accessToken: out.AccessToken,
      idToken: out.IdToken,
      refreshToken: out.RefreshToken,
      expiresInSeconds: out.ExpiresIn ?? 0,
    };
  }
}

export const awsTokenRefresher = /* @__PURE__ */ once(
  (): TokenRefresher => new CognitoTokenRefresher(awsCognitoIdp(), requireEnv('USER_POOL_CLIENT_ID')),
);
