// A1: the sign-up's rows, signed rows of the accounts table (E1). The pending sign-up carries the hashes of
// the two codes between the request and its verification (single use: every change is version-conditional);
// the claims make an email or a phone number belong to one account, keyed by their blind index, never the
// plaintext (`EMAILIDX#<index>`, `PHONEIDX#<index>`; created with a conditional create, so one wins).
import { Conflict } from '../shared/errors.js';
import type { SignedTable } from '../shared/integrity/signed-table.js';

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

const signupKey = (signupId: string) => ({ pk: `SIGNUP#${signupId}`, sk: 'SIGNUP' });
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
    return strip(row);
  }

  async get(signupId: string): Promise<PendingSignup | undefined> {
    const row = await this.table.get<PendingSignup & Keyed>(signupKey(signupId));
    return row && strip(row);
  }

  /** Changes the sign-up from exactly the version the caller read; a racing request gets Conflict. */
  async advance(current: PendingSignup, change: Partial<PendingSignup>): Promise<PendingSignup> {
    const result = await this.table.update<PendingSignup & Keyed>(signupKey(current.signupId), (row) => {
      if (row.version !== current.version) throw new Conflict('This sign-up was already answered');
      return { ...row, ...change };
    });
    if (!result) throw new Conflict('This sign-up is over');
    return strip(result.row);
  }

  async isClaimed(kind: ClaimKind, index: string): Promise<boolean> {
    return (await this.table.get(claimKey(kind, index))) !== undefined;
  }

  /** Claims an email or phone for a user; Conflict when another account holds it. */
  async claim(kind: ClaimKind, index: string, userId: string, at: string): Promise<void> {
    await this.table.create({ ...claimKey(kind, index), kind, userId, claimedAt: at });
  }
}
