// F2/C1: the digital-currency addresses of the sanctions lists in force, as the withdrawal destinations are
// screened against them. A list version's addresses (the SDN's "Digital Currency Address - XBT …" remarks, a
// FollowTheMoney dataset's CryptoWallet entities) are written, at each load, as signed rows of the accounts
// table: ADDRESS_SHARDS rows per list (`SCREENING#ADDRESSES#<list>` / `SHARD#<nn>`), an address in the
// shard its normal form hashes to, every shard naming the version it was built from. All shards of a list are
// written in one transaction, so a reader sees one version or the next, never a mix; the rows are under the
// head ledger (E1), so an older copy put back (an address delisted by rollback) is refused on read.
//
// A screening reads, for each sanctions list, the one shard the address falls in: one GetItem per list, all
// in parallel, no S3 read and no list parse on the request path. A list with no rows (never loaded) is not
// screened; with no list at all the decision is `not-screened` (recorded and counted, never blocking, as for
// names). Only lists of kind `sanctions` (config.ts) are indexed: a PEP's wallet blocks nothing. The loader's
// side (reading and parsing a version to publish it) is list-loading.ts `syncAddressIndex`, so the functions
// that only screen bundle no list parser.
import { createHash } from 'node:crypto';
import { normaliseAddress } from '../kernel/asset-addresses.js';
import { ASSET_IDS, type Asset } from '../kernel/assets.js';
import type { SignedTable, TransactWrite } from '../kernel/integrity/signed-table.js';
import type { ListVersionManifest } from '../kernel/ports/list-store.js';
import { SCREENED_LISTS, type ScreenedList } from './config.js';
import { type ListEntity, ListFormatError } from './model.js';
import type { ListVersionRef } from './screen.js';

/** Rows per list: a transaction of 2 × 16 items (each row and its ledger head) is well under DynamoDB's 100. */
export const ADDRESS_SHARDS = 16;
/**
 * The largest a shard's entries may be, serialised: DynamoDB items stop at 400 KB and a transaction at 4 MB.
 * 16 × 300 KB holds some 8,000 listed addresses with their listings, many times what any list publishes today.
 */
export const MAX_SHARD_BYTES = 300_000;

/** The lists' asset codes onto ours: the SDN (and FollowTheMoney, mapped to SDN codes) writes Bitcoin as XBT. */
const ASSET_OF: Readonly<Record<string, Asset>> = { XBT: 'BTC', BTC: 'BTC', ETH: 'ETH' };

/** One listed address, in the normal form of kernel/asset-addresses.ts. */
export interface ListedAddress {
  readonly asset: Asset;
  readonly address: string;
  /** `<list>:<entry id>`. */
  readonly entityId: string;
  /** The listed party and its programmes, as the list names them (at most 200 characters). */
  readonly listing: string;
}

export interface IndexedAddresses {
  readonly entries: readonly ListedAddress[];
  /** Addresses of an asset we withdraw that are not valid addresses of it as published (left out, named). */
  readonly leftOut: readonly { entityId: string; asset: string; address: string }[];
}

/** The addresses of `entities` of the assets Palisade withdraws, normalised, each once. */
export function listedAddressesOf(entities: readonly ListEntity[]): IndexedAddresses {
  const entries: ListedAddress[] = [];
  const leftOut: { entityId: string; asset: string; address: string }[] = [];
  const seen = new Set<string>();
  for (const entity of entities) {
    for (const { asset: listed, address } of entity.cryptoAddresses) {
      const asset = ASSET_OF[listed];
      if (asset === undefined || !ASSET_IDS.includes(asset)) continue;
      const normalised = normaliseAddress(asset, address);
      // OFAC publishes at least one Ether "address" of 39 hex digits: no withdrawal can go to it (address
      // validation refuses it first), so it is left out and reported
      if (normalised === undefined) {
        leftOut.push({ entityId: entity.id, asset: listed, address });
        continue;
      }
      const key = `${asset}:${normalised}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const name = entity.names[0]?.name ?? entity.id;
      const programs = entity.programs.length > 0 ? ` [${entity.programs.join('] [')}]` : '';
      entries.push({
        asset,
        address: normalised,
        entityId: entity.id,
        listing: `${name}${programs}`.slice(0, 200),
      });
    }
  }
  return { entries, leftOut };
}

/** The shard an address (normal form) falls in. */
export const shardOf = (asset: Asset, normalised: string): number =>
  (createHash('sha256').update(`${asset}:${normalised}`).digest()[0] as number) % ADDRESS_SHARDS;

export const addressShardKey = (list: string, shard: number) => ({
  pk: `SCREENING#ADDRESSES#${list}`,
  sk: `SHARD#${String(shard).padStart(2, '0')}`,
});

interface ShardRow extends Record<string, unknown> {
  pk: string;
  sk: string;
  version: number;
  list: string;
  listVersion: string;
  sha256: string;
  loadedAt: string;
  /** `[asset, address, entityId, listing]` each: compact, as the row is read on every screening. */
  entries: [Asset, string, string, string][];
}

/** What screening a destination found: the listed entry it matches, and the list versions it was screened by. */
export interface AddressScreening {
  readonly hit?: { readonly entityId: string; readonly listing: string };
  /** Empty: no sanctions list is loaded, so nothing was screened (`not-screened`, never blocking). */
  readonly listVersions: readonly ListVersionRef[];
}

/** The port a whitelisting, a withdrawal request and its workflow screen a destination through. */
export interface AddressScreen {
  screen(asset: Asset, address: string): Promise<AddressScreening>;
}

export class SanctionedAddressIndex implements AddressScreen {
  private readonly sanctions: readonly ScreenedList[];
  private readonly lists: readonly string[];

  constructor(
    private readonly table: SignedTable,
    screened: readonly ScreenedList[] = SCREENED_LISTS,
  ) {
    this.sanctions = screened.filter((l) => l.kind === 'sanctions');
    this.lists = this.sanctions.map((l) => l.list);
  }

  /** The list, when its addresses are screened (a sanctions list); a PEP list's are not indexed. */
  indexes(list: string): ScreenedList | undefined {
    return this.sanctions.find((l) => l.list === list);
  }

  /** The list version the index holds for `list` (shard 0 names it), if any. */
  async versionOf(list: string): Promise<string | undefined> {
    return (await this.table.get<ShardRow>(addressShardKey(list, 0)))?.listVersion;
  }

  /**
   * Replaces `list`'s addresses with those of `manifest`'s version: every shard in one transaction, each
   * under the version it was read at (a concurrent publish makes this one a Conflict; the retry re-reads).
   */
  async publish(manifest: ListVersionManifest, entries: readonly ListedAddress[]): Promise<void> {
    const shards: ShardRow['entries'][] = Array.from({ length: ADDRESS_SHARDS }, () => []);
    for (const e of entries)
      shards[shardOf(e.asset, e.address)]?.push([e.asset, e.address, e.entityId, e.listing]);
    shards.forEach((s, i) => {
      if (JSON.stringify(s).length > MAX_SHARD_BYTES)
        throw new ListFormatError(
          'addresses',
          `shard ${i}`,
          `${entries.length} digital currency addresses are more than the index holds (${ADDRESS_SHARDS} × ${MAX_SHARD_BYTES} bytes)`,
        );
    });
    const current = await Promise.all(
      shards.map((_, i) => this.table.get<ShardRow>(addressShardKey(manifest.list, i))),
    );
    const writes: TransactWrite[] = shards.map((s, i) => {
      const row = {
        ...addressShardKey(manifest.list, i),
        list: manifest.list,
        listVersion: manifest.version,
        sha256: manifest.sha256,
        loadedAt: manifest.loadedAt,
        entries: s,
      };
      const before = current[i];
      return before ? { replace: before, with: row } : { create: row };
    });
    await this.table.transact(writes);
  }

  async screen(asset: Asset, address: string): Promise<AddressScreening> {
    const normalised = normaliseAddress(asset, address);
    const shard = normalised === undefined ? 0 : shardOf(asset, normalised);
    const rows = await Promise.all(
      this.lists.map((list) => this.table.get<ShardRow>(addressShardKey(list, shard))),
    );
    const listVersions: ListVersionRef[] = [];
    let hit: AddressScreening['hit'];
    for (const row of rows) {
      if (row === undefined) continue;
      listVersions.push({ list: row.list, version: row.listVersion, sha256: row.sha256 });
      if (hit !== undefined || normalised === undefined) continue;
      const found = row.entries.find(([a, n]) => a === asset && n === normalised);
      if (found) hit = { entityId: found[2], listing: found[3] };
    }
    return { ...(hit ? { hit } : {}), listVersions };
  }
}
