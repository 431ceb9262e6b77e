// F1 (Travel Rule): the Travel Rule's rows of a withdrawal address, apart from AddressStore so that the functions
// that only read the whitelist (the withdrawal request) bundle none of it: the beneficiary declared for the address
// (kyc/beneficiary.ts) and the self-hosted wallet's ownership challenge and proof (ownership.ts). Signed rows of
// the accounts table (E1), version-conditional writes.
import { randomBytes } from 'node:crypto';
import { Conflict, Gone, NotFound } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { PendingEffects } from '../kernel/outbox.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { AddressTravelRule, WhitelistedAddress } from './address-book.js';
import { type AddressRow, addressKey, addressOf, type Keyed } from './address-store.js';

/** F1: the address's one live ownership challenge (a new one replaces it). */
const challengeKey = (userId: string, addressId: string) => ({
  pk: `USER#${userId}`,
  sk: `OWNERSHIP#${addressId}`,
});

interface ChallengeRow extends Keyed {
  userId: string;
  addressId: string;
  message: string;
  issuedAt: string;
  expiresAt: string;
  usedAt?: string;
}

/** An ownership challenge as issued: the text to sign and until when it may be answered. */
export interface OwnershipChallenge {
  message: string;
  expiresAt: string;
}

export class AddressTravelRules {
  constructor(
    private readonly table: SignedTable,
    private readonly deps: { clock: Clock },
  ) {}

  async get(userId: string, addressId: string): Promise<WhitelistedAddress | undefined> {
    const row = await this.table.get<AddressRow>(addressKey(userId, addressId));
    return row && row.userId === userId ? addressOf(row) : undefined;
  }

  /**
   * F1: records the Travel Rule data declared for an address (replacing an earlier declaration), with its audit
   * record in the same transaction. A removed or unknown address is Not Found; a blocked one cannot change.
   */
  async setTravelRule(
    userId: string,
    addressId: string,
    travelRule: AddressTravelRule,
    after?: PendingEffects<WhitelistedAddress>,
  ): Promise<WhitelistedAddress> {
    const result = await this.table.update<AddressRow>(
      addressKey(userId, addressId),
      (row) => {
        if (row.userId !== userId || row.status === 'removed') return undefined;
        if (row.status === 'blocked') {
          throw new Conflict('This address cannot be changed; contact support', 'ADDRESS_BLOCKED');
        }
        return { ...row, travelRule } as AddressRow;
      },
      (next) => after?.writes(addressOf(next)) ?? [],
    );
    if (!result?.changed) throw new NotFound('Address not found');
    return addressOf(result.row);
  }

  /**
   * F1: issues the address's ownership challenge (`text(nonce, issuedAt)` is the message to sign), replacing
   * any earlier one: only the newest can be answered. Unknown, removed or blocked addresses are Not Found /
   * Conflict alike to what removing says.
   */
  async issueChallenge(
    userId: string,
    addressId: string,
    text: (address: WhitelistedAddress, nonce: string, issuedAt: string) => string,
    lifetimeMinutes: number,
  ): Promise<OwnershipChallenge & { address: WhitelistedAddress }> {
    const address = await this.get(userId, addressId);
    if (!address || address.status === 'removed') throw new NotFound('Address not found');
    if (address.status === 'blocked') {
      throw new Conflict('This address cannot be changed; contact support', 'ADDRESS_BLOCKED');
    }
    const now = this.deps.clock.now();
    const issuedAt = now.toISOString();
    const expiresAt = new Date(now.getTime() + lifetimeMinutes * 60_000).toISOString();
    const message = text(address, randomBytes(16).toString('base64url'), issuedAt);
    const fields = { userId, addressId, message, issuedAt, expiresAt };
    const key = challengeKey(userId, addressId);
    const ttl = Math.ceil(Date.parse(expiresAt) / 1000) + 7 * 24 * 3600;
    const existing = await this.table.get<ChallengeRow>(key);
    if (existing) {
      const { usedAt: _usedAt, ...kept } = existing;
      await this.table.transact([{ replace: existing, with: { ...kept, ...fields, ttl } as ChallengeRow }]);
    } else {
      await this.table.create<ChallengeRow>({ ...key, ...fields, ttl });
    }
    return { message, expiresAt, address };
  }

  /**
   * F1: answers the live challenge: `verify(address, message)` decides; a proof spends the challenge and marks
   * the address proven in one transaction (single use: a second answer, even the same signature, finds it
   * spent). A refused proof leaves the challenge live until it expires.
   */
  async proveOwnership(
    userId: string,
    addressId: string,
    verify: (address: WhitelistedAddress, message: string) => void,
    after?: PendingEffects<WhitelistedAddress>,
  ): Promise<WhitelistedAddress> {
    const now = this.deps.clock.now();
    const challenge = await this.table.get<ChallengeRow>(challengeKey(userId, addressId));
    const row = await this.table.get<AddressRow>(addressKey(userId, addressId));
    if (!row || row.userId !== userId || row.status === 'removed') throw new NotFound('Address not found');
    if (!challenge || challenge.userId !== userId) {
      throw new Gone('No ownership challenge was issued for this address', 'CHALLENGE_INVALID');
    }
    if (challenge.usedAt) throw new Gone('This challenge was already answered', 'CHALLENGE_USED');
    if (Date.parse(challenge.expiresAt) <= now.getTime()) {
      throw new Gone('This challenge has expired; ask for a new one', 'CHALLENGE_EXPIRED');
    }
    verify(addressOf(row), challenge.message);
    const next = { ...row, ownershipProvenAt: now.toISOString() } as AddressRow;
    const proven = addressOf(next);
    await this.table
      .transact([
        { replace: challenge, with: { ...challenge, usedAt: now.toISOString() } },
        { replace: row, with: next },
        ...(after ? after.writes(proven) : []),
      ])
      .catch((err: unknown) => {
        throw err instanceof Conflict
          ? new Gone('This challenge was already answered', 'CHALLENGE_USED')
          : err;
      });
    return proven;
  }
}
