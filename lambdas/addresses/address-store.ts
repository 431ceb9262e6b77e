// C1: the withdrawal address whitelist on signed rows of the accounts table (E1). Per user: the addresses
// (`USER#<id>` / `ADDRESS#<addressId>`) and one claim row per destination (`WHITELIST#<asset>#<hash>`) that
// makes "the same address twice" a conditional write instead of a read-then-write race. The emailed
// confirmation link is a random token of which only the SHA-256 is stored (`ADDRESSLINK#<hash>`), signed,
// expiring and single-use, as the suspension and device links are.
import { createHash, randomBytes } from 'node:crypto';
import type { Asset } from '../kernel/assets.js';
import { Conflict, Gone, NotFound, TooManyRequests } from '../kernel/errors.js';
import type { SignedTable, TransactWrite } from '../kernel/integrity/signed-table.js';
import type { PendingEffects } from '../kernel/outbox.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { Settings } from '../kernel/settings.js';
import type { AddressBook, AddressStatus, WhitelistedAddress } from './address-book.js';
import { maskAddress } from './validate.js';

/** The whitelist's own bounds (docs/addresses.md): link lifetime and how many addresses a user may add. */
export const ADDRESS_RULES = Object.freeze({
  /** The confirmation link works this long, once. */
  linkHours: 24,
  /** Addresses on the list at once (pending, active and blocked; removed ones do not count). */
  maxListed: 20,
  /** Addresses added in any rolling 24 hours, removed ones included: every add sends an email. */
  maxAddedPerDay: 10,
});

const HOUR = 3_600_000;
const ADDRESS_PREFIX = 'ADDRESS#';

export type Keyed = { pk: string; sk: string; version: number } & Record<string, unknown>;
export type AddressRow = WhitelistedAddress & Keyed;
interface ClaimRow extends Keyed {
  addressId: string;
}
interface LinkRow extends Keyed {
  userId: string;
  addressId: string;
  issuedAt: string;
  expiresAt: string;
  usedAt?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
export const addressKey = (userId: string, addressId: string) => ({
  pk: `USER#${userId}`,
  sk: `${ADDRESS_PREFIX}${addressId}`,
});
// The destination only as a hash: keys appear in integrity records, addresses do not.
const claimKey = (userId: string, asset: Asset, address: string) => ({
  pk: `USER#${userId}`,
  sk: `WHITELIST#${asset}#${sha256(address)}`,
});
const linkKey = (token: string) => ({ pk: `ADDRESSLINK#${sha256(token)}`, sk: 'LINK' });
/** A new, random address id (22 url-safe characters). */
export const newAddressId = (): string => randomBytes(16).toString('base64url');

export function addressOf(row: AddressRow): WhitelistedAddress {
  return {
    addressId: row.addressId,
    userId: row.userId,
    asset: row.asset,
    address: row.address,
    addressMasked: row.addressMasked,
    label: row.label,
    status: row.status,
    createdAt: row.createdAt,
    ...(row.confirmedAt ? { confirmedAt: row.confirmedAt } : {}),
    ...(row.removedAt ? { removedAt: row.removedAt } : {}),
    ...(row.usableFrom ? { usableFrom: row.usableFrom } : {}),
    ...(row.selfHosted ? { selfHosted: true } : {}),
    ...(row.ownershipProvenAt ? { ownershipProvenAt: row.ownershipProvenAt } : {}),
    ...(row.travelRule ? { travelRule: row.travelRule } : {}),
  };
}

export interface NewAddress {
  addressId: string;
  userId: string;
  asset: Asset;
  /** Validated and normalised (validate.ts). */
  address: string;
  label: string;
  /** A sanctions hit: stored blocked, kept as evidence, never given a link. */
  blocked: boolean;
  /** F1: a wallet the customer holds themselves (the Travel Rule asks proof of control above its threshold). */
  selfHosted?: boolean | undefined;
}

export interface CreatedAddress {
  address: WhitelistedAddress;
  /** The confirmation link's token and end, for a pending address; the caller emails it. */
  link?: { token: string; expiresAt: string };
}

export class AddressStore implements AddressBook {
  constructor(
    private readonly table: SignedTable,
    private readonly deps: { clock: Clock; settings: Pick<Settings, 'addressCoolingHours'> },
  ) {}

  async get(userId: string, addressId: string): Promise<WhitelistedAddress | undefined> {
    const row = await this.table.get<AddressRow>(addressKey(userId, addressId));
    // The key is built from the caller's id: another user's address id finds nothing (E5).
    return row && row.userId === userId ? addressOf(row) : undefined;
  }

  /** Every address the user ever added, removed ones included, oldest first. */
  async listAll(userId: string): Promise<WhitelistedAddress[]> {
    const addresses: WhitelistedAddress[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.query<AddressRow>(`USER#${userId}`, {
        sortKeyPrefix: ADDRESS_PREFIX,
        ...(startKey ? { startKey } : {}),
      });
      for (const row of page.items) if (row.userId === userId) addresses.push(addressOf(row));
      startKey = page.next;
    } while (startKey);
    return addresses.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The user's list: pending, active and blocked addresses, newest first. */
  async list(userId: string): Promise<WhitelistedAddress[]> {
    return (await this.listAll(userId)).filter((a) => a.status !== 'removed').reverse();
  }

  /**
   * Adds an address: refused when the user has it already (while not removed), has too many, or added too
   * many today. A pending address gets its confirmation link; a blocked one never does.
   */
  async create(input: NewAddress, after?: PendingEffects<CreatedAddress>): Promise<CreatedAddress> {
    const now = this.deps.clock.now();
    const all = await this.listAll(input.userId);
    if (all.filter((a) => a.status !== 'removed').length >= ADDRESS_RULES.maxListed) {
      throw new Conflict(
        `At most ${ADDRESS_RULES.maxListed} addresses can be on the list; remove one first`,
        'ADDRESS_LIMIT',
      );
    }
    const dayAgo = now.getTime() - 24 * HOUR;
    const today = all.filter((a) => Date.parse(a.createdAt) > dayAgo);
    if (today.length >= ADDRESS_RULES.maxAddedPerDay) {
      const oldest = Math.min(...today.map((a) => Date.parse(a.createdAt)));
      throw new TooManyRequests(
        `At most ${ADDRESS_RULES.maxAddedPerDay} addresses can be added in 24 hours`,
        Math.max(1, Math.ceil((oldest + 24 * HOUR - now.getTime()) / 1000)),
      );
    }
    // The claim first: a claim left by a write that failed names an address never written, which the next
    // claim of the same destination takes over.
    await this.claim(input);
    const status: AddressStatus = input.blocked ? 'blocked' : 'pending';
    const row: Omit<AddressRow, 'version'> = {
      ...addressKey(input.userId, input.addressId),
      addressId: input.addressId,
      userId: input.userId,
      asset: input.asset,
      address: input.address,
      addressMasked: maskAddress(input.address),
      label: input.label,
      status,
      createdAt: now.toISOString(),
      ...(input.selfHosted ? { selfHosted: true } : {}),
    };
    const address = addressOf({ ...row, version: 1 } as AddressRow);
    const link = input.blocked ? undefined : this.newLink(address, now);
    const created: CreatedAddress = { address, ...(link ? { link: link.link } : {}) };
    // The address, its link and what follows (the email, the audit record): all or none.
    await this.table.transact([
      { create: row },
      ...(link ? [link.write] : []),
      ...(after ? after.writes(created) : []),
    ]);
    return created;
  }

  /**
   * Confirms the address of a link: the link is spent first (single use, a version-conditional write), then
   * the address becomes active, usable `addressCoolingHours` after now. A forged, used or expired link, or
   * an address no longer pending (removed meanwhile), is refused.
   */
  async confirm(token: string, after?: PendingEffects<WhitelistedAddress>): Promise<WhitelistedAddress> {
    const now = this.deps.clock.now();
    const key = linkKey(token);
    const link = await this.table.get<LinkRow>(key);
    if (!link) throw new Gone('This link is not valid', 'LINK_INVALID');
    if (link.usedAt) throw new Gone('This link was already used', 'LINK_USED');
    if (Date.parse(link.expiresAt) <= now.getTime()) throw new Gone('This link has expired', 'LINK_EXPIRED');
    const row = await this.table.get<AddressRow>(addressKey(link.userId, link.addressId));
    if (row?.status !== 'pending')
      throw new Gone('This address is no longer waiting for confirmation', 'ADDRESS_NOT_PENDING');
    const confirmedAt = now.toISOString();
    const usableFrom = new Date(now.getTime() + this.deps.settings.addressCoolingHours * HOUR).toISOString();
    const next = { ...row, status: 'active', confirmedAt, usableFrom } as AddressRow;
    const confirmed = addressOf(next);
    // The link spent, the address active and the audit record to come: one transaction, single use.
    await this.table
      .transact([
        { replace: link, with: { ...link, usedAt: now.toISOString() } },
        { replace: row, with: next },
        ...(after ? after.writes(confirmed) : []),
      ])
      .catch(async (err: unknown) => {
        if (!(err instanceof Conflict)) throw err;
        // Two clicks at once, or the address removed meanwhile: say which.
        const latest = await this.table.get<LinkRow>(key);
        if (latest?.usedAt) throw new Gone('This link was already used', 'LINK_USED');
        throw new Gone('This address is no longer waiting for confirmation', 'ADDRESS_NOT_PENDING');
      });
    return confirmed;
  }

  /**
   * Takes an address off the list at once. Another user's id, an unknown one or one already removed is Not
   * Found; a blocked address stays as it is (evidence for compliance). The row is kept, marked removed, so
   * withdrawal records can still name it and its version never goes back (row-signature.ts).
   */
  async remove(
    userId: string,
    addressId: string,
    after?: PendingEffects<WhitelistedAddress>,
  ): Promise<WhitelistedAddress> {
    const removedAt = this.deps.clock.now().toISOString();
    const result = await this.table.update<AddressRow>(
      addressKey(userId, addressId),
      (row) => {
        if (row.userId !== userId || row.status === 'removed') return undefined;
        if (row.status === 'blocked') {
          throw new Conflict('This address cannot be changed; contact support', 'ADDRESS_BLOCKED');
        }
        const { usableFrom: _usableFrom, ...kept } = row;
        return { ...kept, status: 'removed', removedAt } as AddressRow;
      },
      (next) => after?.writes(addressOf(next)) ?? [],
    );
    if (!result?.changed) throw new NotFound('Address not found');
    return addressOf(result.row);
  }

  /**
   * Takes the user's claim on the destination: a new claim row, or the old claim when the address it names
   * was removed (or never written). The update is version-conditional, so two requests adding the same
   * address at once leave one winner; the other gets Conflict.
   */
  private async claim(input: NewAddress): Promise<void> {
    const key = claimKey(input.userId, input.asset, input.address);
    const duplicate = () => new Conflict('This address is already on your list', 'ADDRESS_EXISTS');
    try {
      await this.table.create<ClaimRow>({ ...key, addressId: input.addressId });
      return;
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
    }
    const claim = await this.table.get<ClaimRow>(key);
    if (!claim) throw duplicate();
    const holder = await this.get(input.userId, claim.addressId);
    if (holder && holder.status !== 'removed') throw duplicate();
    await this.table
      .update<ClaimRow>(key, (row) => {
        if (row.addressId !== claim.addressId) throw duplicate();
        return { ...row, addressId: input.addressId };
      })
      .catch((err: unknown) => {
        throw err instanceof Conflict ? duplicate() : err;
      });
  }

  private newLink(
    address: WhitelistedAddress,
    now: Date,
  ): { link: { token: string; expiresAt: string }; write: TransactWrite } {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + ADDRESS_RULES.linkHours * HOUR).toISOString();
    const row: Omit<LinkRow, 'version'> = {
      ...linkKey(token),
      userId: address.userId,
      addressId: address.addressId,
      issuedAt: now.toISOString(),
      expiresAt,
      ttl: Math.ceil(Date.parse(expiresAt) / 1000) + 7 * 24 * 3600,
    };
    return { link: { token, expiresAt }, write: { create: row } };
  }
}
