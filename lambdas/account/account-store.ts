// AccountStore port: the account state and sessions the authorizer and the account workflows depend on.
export type AccountStatus = 'active' | 'suspended';

export interface Account {
  userId: string;
  username: string;
  /** Where account notices go; the login issue verifies it and the data-protection issue encrypts it. */
  email: string;
  phone?: string;
  status: AccountStatus;
  createdAt: string;
  /** Access tokens issued before this instant are refused (global sign-out, suspension). */
  sessionsValidAfter?: string;
  suspendedAt?: string;
  suspensionReason?: string;
  version: number;
}

export interface Session {
  userId: string;
  sessionId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  ip?: string;
  userAgent?: string;
}

export type NewAccount = Pick<Account, 'userId' | 'username' | 'email' | 'phone' | 'createdAt'>;

export interface AccountStore {
  /** Creates the account row once; a second create for the same user is a Conflict. */
  createAccount(account: NewAccount): Promise<Account>;
  getAccount(userId: string): Promise<Account | undefined>;
  /** Suspends and revokes every session at `at`; suspending a suspended account changes nothing. */
  suspend(userId: string, at: Date, reason: string): Promise<{ changed: boolean }>;
  putSession(session: Session): Promise<void>;
  getSession(userId: string, sessionId: string): Promise<Session | undefined>;
  revokeSession(userId: string, sessionId: string, at: Date): Promise<void>;
}
