// A1: the sign-up's rows, signed rows of the accounts table (E1). The pending sign-up carries the hashes of
// the two codes between the request and its verification (single use: every change is version-conditional);
// the claims make an email or a phone number belong to one account, keyed by their blind index, never the
// plaintext (`EMAILIDX#<index>`, `PHONEIDX#<index>`; created with a conditional create, so one wins). An
// email or phone change (B1) releases the old claim: marked, not deleted, and taken over by the next claimant.
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';

export interface PendingSignup {
  signupId: string;
  userId: string;
  username: string;
  /** Blind indexes of the email and the phone: their claims are made at verification. */
  emailIndex: string;
  phoneIndex: string;
  /** SHA-256 of `<signupId>:<channel>:<code>`; never the codes. */
  emailCodeHash: string;
  phoneCodeHash: string;
  attemptsLeft: number;
  createdAt: string;
  expiresAt: string;
  /** Set once verified: the sign-up can never be used again. */
  completedAt?: string;
  /** Set when the attempts ran out. */
  failedAt?: string;
  version: number;
}

export type ClaimKind = 'email' | 'phone';

type Keyed = { pk: string; sk: string } & Record<string, unknown>;
type ClaimRow = Keyed & {
  kind: ClaimKind;
  userId: string;
  claimedAt: string;
  releasedAt?: string;
  version: number;
};

const signupKey = (signupId: string) => ({ pk: `SIGNUP#${signupId}`, sk: 'SIGNUP' });
/** The sign-up of a directory user, kept until it is verified or its username is freed (A1). */
const pendingUserKey = (userId: string) => ({ pk: `SIGNUPUSER#${userId}`, sk: 'PENDING' });
type PendingUserRow = Keyed & { signupId: string; createdAt: string; version: number };
const claimKey = (kind: ClaimKind, index: string) => ({
  pk: `${kind === 'email' ? 'EMAILIDX' : 'PHONEIDX'}#${index}`,
  sk: 'CLAIM',
});

const strip = (row: Record<string, unknown>): PendingSignup => {
  const { pk: _pk, sk: _sk, ttl: _ttl, ...rest } = row;
  return rest as unknown as PendingSignup;
};

export class SignupStore {
  constructor(private readonly table: SignedTable) {}

  async create(signup: Omit<PendingSignup, 'version'>): Promise<PendingSignup> {
    const row = await this.table.create<PendingSignup & Keyed>({
      ...signupKey(signup.signupId),
      ...signup,
      ttl: Math.ceil(Date.parse(signup.expiresAt) / 1000) + 86_400,
    });
    await this.table.create<PendingUserRow>({
      ...pendingUserKey(signup.userId),
      signupId: signup.signupId,
      createdAt: signup.createdAt,
    });
    return strip(row);
  }

  /**
   * The sign-up that created this directory user: when it began and, while its row is kept, the sign-up
   * itself (its row expires a day after its codes; the link stays).
   */
  async pendingOf(userId: string): Promise<{ createdAt: string; signup?: PendingSignup } | undefined> {
    const link = await this.table.get<PendingUserRow>(pendingUserKey(userId));
    if (!link) return undefined;
    const signup = await this.get(link.signupId);
    return { createdAt: link.createdAt, ...(signup ? { signup } : {}) };
  }

  async get(signupId: string): Promise<PendingSignup | undefined> {
    const row = await this.table.get<PendingSignup & Keyed>(signupKey(signupId));
    return row && strip(row);
  }

  /** Changes the sign-up from exactly the version the caller read; a racing request gets Conflict. */
  async advance(current: PendingSignup, change: Partial<PendingSignup>): Promise<PendingSignup> {
    const result = await this.table
      .update<PendingSignup & Keyed>(signupKey(current.signupId), (row) => {
        if (row.version !== current.version) throw new Conflict('This sign-up was already answered');
        return { ...row, ...change };
      })
      .catch((err: unknown) => {
        // Another request wrote the row after it was read (a request's read scope may hand `current` back
        // as the row): the same refusal as a version seen to have moved.
        if (err instanceof Conflict && err.code === 'CONCURRENT_UPDATE')
          throw new Conflict('This sign-up was already answered');
        throw err;
      });
    if (!result) throw new Conflict('This sign-up is over');
    return strip(result.row);
  }

  async isClaimed(kind: ClaimKind, index: string): Promise<boolean> {
    return (await this.holderOf(kind, index)) !== undefined;
  }

  /** B1: the user holding an email or phone, if any (a released claim holds nothing). */
  async holderOf(kind: ClaimKind, index: string): Promise<string | undefined> {
    const row = await this.table.get<ClaimRow>(claimKey(kind, index));
    return row && !row.releasedAt ? row.userId : undefined;
  }

  /**
   * Claims an email or phone for a user; Conflict when another account holds it. Claiming again what the
   * user holds changes nothing; a released claim (B1: an address changed away) is taken over, conditional
   * on the version read, so two claimants racing for it leave one winner.
   */
  async claim(kind: ClaimKind, index: string, userId: string, at: string): Promise<void> {
    const key = claimKey(kind, index);
    try {
      await this.table.create({ ...key, kind, userId, claimedAt: at });
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      const result = await this.table.update<ClaimRow>(key, (row) => {
        if (!row.releasedAt) {
          if (row.userId === userId) return undefined;
          throw err;
        }
        const { releasedAt: _released, ...rest } = row;
        return { ...rest, userId, claimedAt: at };
      });
      if (!result) throw err;
    }
  }

  /** B1: gives up the user's claim (the address changed away); a claim of another user is left alone. */
  async release(kind: ClaimKind, index: string, userId: string, at: string): Promise<void> {
    await this.table.update<ClaimRow>(claimKey(kind, index), (row) =>
      row.userId !== userId || row.releasedAt ? undefined : { ...row, releasedAt: at },
    );
  }
}
