// IdentityProvider port: the user directory (Cognito in the cloud, a scrypt/jose directory locally).
export interface TokenSet {
  accessToken: string;
  idToken: string;
  refreshToken?: string;
  expiresInSeconds: number;
}

export type PasswordAuthResult =
  | { kind: 'tokens'; tokens: TokenSet }
  | { kind: 'totp-required'; session: string };

export interface DirectoryUser {
  userId: string;
  username: string;
  email: string;
  phone?: string;
  enabled: boolean;
  totpEnabled: boolean;
}

export interface NewUser {
  username: string;
  email: string;
  phone?: string;
  password: string;
}

/**
 * Where a password authentication comes from, for the directory's own risk scoring (Cognito threat
 * protection reads it as ContextData; without it Cognito sees the Lambda's address for every user).
 */
export interface AuthContext {
  ip: string;
  userAgent?: string | undefined;
  /** The API's host name and the route's path, as the client called them. */
  serverName: string;
  serverPath: string;
}

export interface IdentityProvider {
  /** Creates a confirmed user with a permanent password; fails with Conflict when the username is taken. */
  createUser(user: NewUser): Promise<{ userId: string }>;
  getUser(username: string): Promise<DirectoryUser | undefined>;
  /** Admin-initiated password auth. Wrong password, unknown or disabled user: Unauthorized, alike. */
  passwordAuth(username: string, password: string, context?: AuthContext): Promise<PasswordAuthResult>;
  /** Answers the TOTP challenge of a password auth. */
  respondToTotp(username: string, session: string, code: string): Promise<TokenSet>;
  /** Starts TOTP enrolment for the holder of the access token; returns the shared secret (base32). */
  beginTotpEnrolment(accessToken: string): Promise<{ secret: string }>;
  /** Confirms enrolment with a first code and makes TOTP required at login. */
  confirmTotpEnrolment(accessToken: string, code: string): Promise<void>;
  /**
   * Re-authentication for a security change (B1): true when `password` is the user's password and, for a
   * user with TOTP, `code` is a current, unspent code (it is then spent). False alike for a wrong password,
   * a missing, wrong or replayed code, an unknown or disabled user. Starts no session the caller can use.
   */
  reauthenticate(username: string, password: string, code?: string): Promise<boolean>;
  /** B1: sets a new permanent password (the caller has re-authenticated and checked the policy). */
  setPassword(username: string, password: string): Promise<void>;
  /** B1: replaces the user's email or phone attribute with one already verified by code. */
  updateContact(username: string, change: { email: string } | { phone: string }): Promise<void>;
  /** Turns TOTP off: login no longer asks for a code. */
  disableTotp(username: string): Promise<void>;
  /** Revokes every refresh token of the user (tokens already issued die through the session check). */
  globalSignOut(username: string): Promise<void>;
  disableUser(username: string): Promise<void>;
  /** A1: removes a user from the directory (a sign-up never verified: its username is free again). */
  deleteUser(username: string): Promise<void>;
  enableUser(username: string): Promise<void>;
}

/**
 * A8: the identity provider's refresh-token exchange, a port of its own so that only the refresh function's
 * bundle carries it (the login's bundles sit at the size budget). Returns new tokens of the same session (the
 * access token's `origin_jti` unchanged) and a new refresh token: the one presented is spent (rotation
 * without a grace period). A refresh token unknown, expired, spent or revoked, or of a disabled user:
 * Unauthorized, alike.
 */
export interface TokenRefresher {
  refreshTokens(refreshToken: string): Promise<TokenSet & { refreshToken: string }>;
}
