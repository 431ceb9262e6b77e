// AccountStore on signed rows: every account and session row is signed on write and verified on read
// (lambdas/kernel/integrity), contact data sealed by the vault with a blind index and masked copies (E2); the
// same code against AWS and against the local dynalite emulator.
import { Conflict, NotFound, ValidationError } from '../kernel/errors.js';
import type { SignedTable, TransactWrite } from '../kernel/integrity/signed-table.js';
import type { PendingEffects } from '../kernel/outbox.js';
import type { BlindIndexer } from '../kernel/privacy/blind-index.js';
import type { FieldBinding, FieldCipher } from '../kernel/privacy/field-cipher.js';
import { maskEmail, maskPhone } from '../kernel/privacy/mask.js';
import { TABLES } from '../kernel/tables.js';
import type { Account, AccountPage, AccountStore, Contact, NewAccount, Session } from './account-store.js';

/** What the store needs to handle contact data; a function that never does is built without it. */
export interface PersonalDataPorts {
  vault: FieldCipher;
  blindIndex?: () => Promise<BlindIndexer>;
}

const contactBinding = (userId: string): FieldBinding => ({
  table: TABLES.accounts.logicalName,
  key: accountKey(userId),
  group: 'contact',
});

const userKey = (userId: string) => `USER#${userId}`;
const ACCOUNT_SK = 'ACCOUNT';
const SESSION_PREFIX = 'SESSION#';
const sessionSk = (sessionId: string) => `${SESSION_PREFIX}${sessionId}`;
const accountKey = (userId: string) => ({ pk: userKey(userId), sk: ACCOUNT_SK });
export const sessionKey = (userId: string, sessionId: string) => ({
  pk: userKey(userId),
  sk: sessionSk(sessionId),
});

type Keyed = { pk: string; sk: string } & Record<string, unknown>;
type AccountRow = Account & Keyed;
export type SessionRow = Session & Keyed & { ttl: number; version: number };

/** Suspension and revocation are idempotent, so a lost race is simply retried against the new row. */
const MAX_ATTEMPTS = 5;
/** A query page holds up to 1 MB; expired rows leave with their TTL, so a user never has this many. */
const MAX_SESSION_PAGES = 20;

async function retryOnConflict<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof Conflict) || i >= MAX_ATTEMPTS) throw err;
    }
  }
}

const encodeCursor = (key: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify({ pk: key.pk, sk: key.sk })).toString('base64url');
function decodeCursor(cursor: string): { pk: string; sk: string } {
  try {
    const { pk, sk } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (typeof pk === 'string' && typeof sk === 'string') return { pk, sk };
  } catch {
    // refused below
  }
  throw new ValidationError('Invalid account listing cursor');
}

export class DynamoAccountStore implements AccountStore {
  constructor(
    private readonly table: SignedTable,
    private readonly personal?: PersonalDataPorts,
  ) {}

  private personalData(): Required<PersonalDataPorts> {
    const { vault, blindIndex } = this.personal ?? {};
    if (!vault || !blindIndex) throw new Error('This function was built without personal-data access');
    return { vault, blindIndex };
  }

  async createAccount(input: NewAccount): Promise<Account> {
    const { vault, blindIndex } = this.personalData();
    const { email, phone, ...rest } = input;
    const contact: Contact = { email, ...(phone ? { phone } : {}) };
    const [sealed, emailIndex] = await Promise.all([
      vault.encrypt(contactBinding(input.userId), { ...contact }),
      blindIndex().then((index) => index.index('email', email)),
    ]);
    try {
      const row = await this.table.create<AccountRow>({
        ...accountKey(input.userId),
        ...rest,
        contact: sealed,
        emailMasked: maskEmail(email),
        ...(phone ? { phoneMasked: maskPhone(phone) } : {}),
        emailIndex,
        status: 'active',
      });
      return stripKeys<Account>(row);
    } catch (err) {
      if (err instanceof Conflict) throw new Conflict('Account already exists', 'ACCOUNT_EXISTS');
      throw err;
    }
  }

  async getAccount(userId: string): Promise<Account | undefined> {
    const row = await this.table.get<AccountRow>(accountKey(userId));
    return row && stripKeys<Account>(row);
  }

  /** F2: the account rows of a scan page; the cursor is the scan's last key, base64url JSON of `pk`/`sk`. */
  async listAccounts(limit: number, cursor?: string): Promise<AccountPage> {
    const page = await this.table.scan<AccountRow>({
      sortKey: ACCOUNT_SK,
      limit,
      ...(cursor === undefined ? {} : { startKey: decodeCursor(cursor) }),
    });
    return {
      accounts: page.items.map((row) => ({ userId: row.userId, username: row.username })),
      ...(page.next ? { next: encodeCursor(page.next) } : {}),
    };
  }

  async getContact(userId: string): Promise<Contact | undefined> {
    const account = await this.getAccount(userId);
    return account && this.contactOf(account);
  }

  async contactOf(account: Account): Promise<Contact> {
    const vault = this.personal?.vault;
    if (!vault) throw new Error('This function was built without personal-data access');
    const { email, phone } = await vault.decrypt(contactBinding(account.userId), account.contact);
    if (!email) throw new Error('The contact field group has no email');
    return { email, ...(phone ? { phone } : {}) };
  }

  changeContact(
    userId: string,
    change: { email: string } | { phone: string },
  ): Promise<{ previous: Contact; account: Account }> {
    const { vault, blindIndex } = this.personalData();
    return retryOnConflict(async () => {
      const current = await this.getAccount(userId);
      if (!current) throw new NotFound('Account not found');
      const previous = await this.contactOf(current);
      const next: Contact = { ...previous, ...change };
      const [sealed, emailIndex] = await Promise.all([
        vault.encrypt(contactBinding(userId), { ...next }),
        'email' in change
          ? blindIndex().then((index) => index.index('email', change.email))
          : Promise.resolve(current.emailIndex),
      ]);
      // Conditional on the version read above: a concurrent change makes this a Conflict, retried on the
      // fresh row, so neither change is lost.
      const result = await this.table.update<AccountRow>(accountKey(userId), (row) => {
        if (row.version !== current.version) throw new Conflict('The account changed meanwhile');
        return {
          ...row,
          contact: sealed,
          emailMasked: maskEmail(next.email),
          ...(next.phone ? { phoneMasked: maskPhone(next.phone) } : {}),
          emailIndex,
        };
      });
      if (!result) throw new NotFound('Account not found');
      return { previous, account: stripKeys<Account>(result.row) };
    });
  }

  suspend(
    userId: string,
    at: Date,
    reason: string,
    after?: PendingEffects<unknown>,
  ): Promise<{ changed: boolean }> {
    return retryOnConflict(async () => {
      const result = await this.table.update<AccountRow>(
        accountKey(userId),
        (account) =>
          // A closed account (F5) stays closed: it is refused everywhere already.
          account.status !== 'active'
            ? undefined
            : {
                ...account,
                status: 'suspended',
                suspendedAt: at.toISOString(),
                suspensionReason: reason,
                sessionsValidAfter: at.toISOString(),
              },
        (next) => after?.writes(next) ?? [],
      );
      if (!result) throw new NotFound('Account not found');
      return { changed: result.changed };
    });
  }

  /**
   * F5: closes an active account at `at` (status `closed`, every access token refused from then on) in one
   * transaction with `also`'s writes (the retention clock's rows, the audit records). Answers the row as it
   * was before, undefined when there is no account; an account that is not active is left as it is (`changed`
   * false: a closed one stays closed, a suspended one is the caller's to refuse).
   */
  close(
    userId: string,
    at: Date,
    also: () => readonly TransactWrite[],
  ): Promise<{ changed: boolean; account: Account } | undefined> {
    return retryOnConflict(async () => {
      let before: AccountRow | undefined;
      const result = await this.table.update<AccountRow>(
        accountKey(userId),
        (account) => {
          before = account;
          if (account.status !== 'active') return undefined;
          return {
            ...account,
            status: 'closed',
            closedAt: at.toISOString(),
            sessionsValidAfter: at.toISOString(),
          };
        },
        () => also(),
      );
      if (!result || !before) return undefined;
      return { changed: result.changed, account: stripKeys<Account>(before) };
    });
  }

  restore(userId: string, at: Date): Promise<{ changed: boolean }> {
    return retryOnConflict(async () => {
      const result = await this.table.update<AccountRow>(accountKey(userId), (account) => {
        if (account.status !== 'suspended') return undefined;
        const { suspendedAt: _at, suspensionReason: _reason, ...rest } = account;
        return { ...rest, status: 'active', restoredAt: at.toISOString() };
      });
      if (!result) throw new NotFound('Account not found');
      return { changed: result.changed };
    });
  }

  async putSession(session: Session): Promise<void> {
    await this.table.create<SessionRow>({
      ...sessionKey(session.userId, session.sessionId),
      ...session,
      // DynamoDB TTL removes it in the cloud; the expiry is also checked on every read.
      ttl: Math.ceil(Date.parse(session.expiresAt) / 1000),
    });
  }

  async getSession(userId: string, sessionId: string): Promise<Session | undefined> {
    const row = await this.table.get<SessionRow>(sessionKey(userId, sessionId));
    if (!row) return undefined;
    const { ttl: _ttl, version: _version, ...session } = row;
    return stripKeys<Session>(session);
  }

  async listSessions(userId: string): Promise<Session[]> {
    const sessions: Session[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_SESSION_PAGES; page++) {
      const { items, next } = await this.table.query<SessionRow>(userKey(userId), {
        sortKeyPrefix: SESSION_PREFIX,
        ...(startKey ? { startKey } : {}),
      });
      for (const { ttl: _ttl, version: _version, ...row } of items) sessions.push(stripKeys<Session>(row));
      if (!next) return sessions;
      startKey = next;
    }
    throw new Error(`More than ${MAX_SESSION_PAGES} pages of sessions for one user`);
  }

  async revokeAllSessions(userId: string, at: Date): Promise<{ changed: boolean }> {
    const instant = at.toISOString();
    const { changed } = await retryOnConflict(async () => {
      const result = await this.table.update<AccountRow>(accountKey(userId), (account) =>
        account.sessionsValidAfter && account.sessionsValidAfter >= instant
          ? undefined
          : { ...account, sessionsValidAfter: instant },
      );
      if (!result) throw new NotFound('Account not found');
      return result;
    });
    // Each live row revoked as well: a token refreshed later (iat after the instant) still finds its session
    // revoked, should the identity provider's global sign-out fail or lag.
    const live = (await this.listSessions(userId)).filter(
      (s) => !s.revokedAt && Date.parse(s.expiresAt) > at.getTime(),
    );
    await Promise.all(
      live.map((s) =>
        this.revokeSession(userId, s.sessionId, at).catch((err: unknown) => {
          // Removed by its TTL meanwhile: nothing left to revoke.
          if (!(err instanceof NotFound)) throw err;
        }),
      ),
    );
    return { changed: changed || live.length > 0 };
  }

  revokeSession(userId: string, sessionId: string, at: Date): Promise<void> {
    return retryOnConflict(async () => {
      const result = await this.table.update<SessionRow>(sessionKey(userId, sessionId), (session) =>
        session.revokedAt ? undefined : { ...session, revokedAt: at.toISOString() },
      );
      if (!result) throw new NotFound('Session not found');
    });
  }
}

function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}
