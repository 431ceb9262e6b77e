// AccountStore port: the account state and sessions the authorizer and the account workflows depend on.
import type { PendingEffects } from '../kernel/outbox.js';
/** `closed` (F5): ended by the customer; for good (no login, no request), its records kept RECORD_RETENTION. */
export type AccountStatus = 'active' | 'suspended' | 'closed';

/** How a user is reached: personal data, sealed in the `contact` field group of the account row (E2). */
export interface Contact {
  email: string;
  phone?: string;
}

export interface Account {
  userId: string;
  username: string;
  /** The contact field group as the vault sealed it; only the vault can open it (getContact). */
  contact: string;
  /** Masked copies for responses and support views: `j***@example.com`, `*** *** 1234`. */
  emailMasked: string;
  phoneMasked?: string;
  /** Keyed blind index of the email: equality lookups without the plaintext. */
  emailIndex: string;
  status: AccountStatus;
  createdAt: string;
  /** Access tokens issued before this instant are refused (global sign-out, suspension). */
  sessionsValidAfter?: string;
  suspendedAt?: string;
  suspensionReason?: string;
  /** F5: when the customer closed the account (POST /v1/me/close). */
  closedAt?: string;
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
  /** The device the login came from (A7, G2); absent on rows written before it was recorded. */
  deviceId?: string;
  /**
   * A8: SHA-256 (base64url) of the session's current refresh token; absent until its first refresh (the
   * login's token is then recorded as rotation 0). Never the token itself.
   */
  refreshHash?: string;
  /** A8: how many times the session's refresh token was rotated (absent: never). */
  refreshRotation?: number;
  /** When the holder last re-authenticated in this session (`POST /v1/me/step-up`, step-up.ts). */
  steppedUpAt?: string;
}

export type NewAccount = Pick<Account, 'userId' | 'username' | 'createdAt'> & Contact;

/** F2: one page of every account, by id and username (the roster backfill); `next` resumes the listing. */
export interface AccountPage {
  accounts: Pick<Account, 'userId' | 'username'>[];
  next?: string;
}

export interface AccountStore {
  /**
   * F2: every account, page by page, in no particular order (a scan of the table: an operator's one-off
   * task, never a request's). `cursor`: the `next` of the page before; a page may be empty and have a next.
   */
  listAccounts(limit: number, cursor?: string): Promise<AccountPage>;
  /** Creates the account row once, contact data sealed; a second create for the same user is a Conflict. */
  createAccount(account: NewAccount): Promise<Account>;
  getAccount(userId: string): Promise<Account | undefined>;
  /** The plaintext contact data, opened by the vault: only for features that must reach the user. */
  getContact(userId: string): Promise<Contact | undefined>;
  /** The same for an account row already read: the vault opens it, no second read. */
  contactOf(account: Account): Promise<Contact>;
  /**
   * B1: replaces the email or the phone of the contact group in one version-conditional write: the group
   * resealed, its masked copy and (for the email) the blind index updated together. Returns the contact
   * before the write and the row after it.
   */
  changeContact(
    userId: string,
    change: { email: string } | { phone: string },
  ): Promise<{ previous: Contact; account: Account }>;
  /**
   * Suspends and revokes every session at `at`; suspending a suspended account changes nothing. `after`:
   * what follows (the audit record), written with the suspension (kernel/outbox.ts).
   */
  suspend(
    userId: string,
    at: Date,
    reason: string,
    after?: PendingEffects<unknown>,
  ): Promise<{ changed: boolean }>;
  /**
   * D2: an approved admin request makes a suspended account active again. Sessions ended by the suspension
   * stay ended (`sessionsValidAfter` is kept); restoring an active account changes nothing.
   */
  restore(userId: string, at: Date): Promise<{ changed: boolean }>;
  putSession(session: Session): Promise<void>;
  getSession(userId: string, sessionId: string): Promise<Session | undefined>;
  revokeSession(userId: string, sessionId: string, at: Date): Promise<void>;
  /** Every session row of the user as stored, revoked and expired ones included (sessions.ts decides). */
  listSessions(userId: string): Promise<Session[]>;
  /**
   * Ends every session at `at`: access tokens issued until then are refused (`sessionsValidAfter`, which
   * never moves back) and every live session row is revoked. The identity provider's refresh tokens are
   * the caller's to revoke (global sign-out).
   */
  revokeAllSessions(userId: string, at: Date): Promise<{ changed: boolean }>;
}
