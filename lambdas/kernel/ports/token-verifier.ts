// TokenVerifier port: checks a Cognito access token (signature, issuer, client, expiry) and returns its claims.
export interface AccessClaims {
  sub: string;
  username: string;
  /** The refresh-token family the access token belongs to: Palisade's session id. */
  originJti: string;
  issuedAt: Date;
  groups: string[];
}

export interface TokenVerifier {
  /** Throws Unauthorized on any defect of the token. */
  verifyAccessToken(token: string): Promise<AccessClaims>;
}
