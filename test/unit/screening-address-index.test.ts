// F2/C1 the sanctioned-address index: a sanctions list version's digital-currency addresses, published by the
// list loader as signed, ledgered shards of the accounts table (dynalite), and the screening of a withdrawal
// destination against the lists in force: any spelling of a listed address is a hit; a new version replaces
// the old whole; a shard put back from an older version is refused; no list loaded is `not-screened`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { normaliseAddress, toChecksumAddress } from '../../lambdas/kernel/asset-addresses.js';
import { GetCommand, PutCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import type { ListVersionManifest } from '../../lambdas/kernel/ports/list-store.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import {
  ADDRESS_SHARDS,
  addressShardKey,
  type ListedAddress,
  listedAddressesOf,
  SanctionedAddressIndex,
  shardOf,
} from '../../lambdas/screening/address-index.js';
import { loadListAndRescreen, syncAddressIndex } from '../../lambdas/screening/list-loading.js';
import { ListFormatError } from '../../lambdas/screening/model.js';
import { loadListVersion, parseListFiles } from '../../lambdas/screening/versions.js';
import { rescreenExecutionName } from '../../lambdas/screening/workflow-contracts.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { LocalListStore } from '../../local/adapters/list-store.js';
import { signedAccountsTable, startTestDynamo, type TestDynamo } from '../support/dynamo.js';
import { LISTED_BTC, LISTED_ETH, sdnFiles } from '../support/sanctioned-addresses.js';

/** The listed Ether address in the one form addresses are compared in. */
const ETH_NORMAL = normaliseAddress('ETH', LISTED_ETH) as string;
let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-address-index-'));
  const keys = await LocalKeyService.open(stateDir);
  table = signedAccountsTable(dynamo.documents, keys);
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const manifest = (list: string, version: string): ListVersionManifest => ({
  list,
  version,
  sha256: version
    .padEnd(64, '0')
    .slice(0, 64)
    .replace(/[^0-9a-f]/g, '0'),
  loadedAt: '2026-12-05T00:00:00.000Z',
  files: [],
  entities: 0,
  counts: {},
  loadedBy: 'test',
});

/** One table per test group: each index below writes its own lists' shards. */
const sdnEntities = () => parseListFiles('ofac-sdn-csv', 'ofac-sdn', sdnFiles());

describe('F2 C1 the addresses of a list version', () => {
  it('F2 C1 every BTC and ETH address the SDN publishes is taken, normalised, once; one that is not an address of its asset is left out and named', () => {
    const { entries, leftOut } = listedAddressesOf(sdnEntities());
    expect(entries.length).toBeGreaterThan(50);
    expect(new Set(entries.map((e) => `${e.asset}:${e.address}`)).size).toBe(entries.length);
    expect(new Set(entries.map((e) => e.asset))).toEqual(new Set(['BTC', 'ETH']));
    expect(entries.find((e) => e.address.toLowerCase() === LISTED_ETH.toLowerCase())).toMatchObject({
      asset: 'ETH',
      entityId: 'ofac-sdn:30518',
      listing: 'SECONDEYE SOLUTION [CYBER2] [ELECTION-EO13848]',
    });
    // OFAC publishes an Ether "address" of 39 hex digits: no withdrawal can reach it, it is reported
    expect(leftOut.length).toBeGreaterThanOrEqual(1);
    expect(leftOut.every((l) => l.asset === 'ETH' || l.asset === 'XBT')).toBe(true);
    // other assets (LTC, XMR, …) are not ours to screen
    expect(entries.some((e) => (e.asset as string) === 'LTC')).toBe(false);
  });

  it('F2 C1 an address spreads over the shards by a hash of its normal form', () => {
    const { entries } = listedAddressesOf(sdnEntities());
    const used = new Set(entries.map((e) => shardOf(e.asset, e.address)));
    expect(used.size).toBeGreaterThan(ADDRESS_SHARDS / 2);
    for (const s of used) expect(s).toBeGreaterThanOrEqual(0);
  });
});

describe('F2 C1 screening a destination against the index', () => {
  it('F2 C1 with no sanctions list loaded the destination is not screened (no versions) and nothing is a hit', async () => {
    const index = new SanctionedAddressIndex(table, [
      { list: 'empty-list', format: 'ofac-sdn-csv', kind: 'sanctions' },
    ]);
    expect(await index.screen('ETH', LISTED_ETH)).toEqual({ listVersions: [] });
  });

  it('F2 C1 a listed address is a hit in any spelling of its normal form, with the version it was screened by', async () => {
    const lists = [{ list: 'ofac-sdn', format: 'ofac-sdn-csv', kind: 'sanctions' } as const];
    const index = new SanctionedAddressIndex(table, lists);
    await index.publish(manifest('ofac-sdn', 'v1'), listedAddressesOf(sdnEntities()).entries);
    const versions = [{ list: 'ofac-sdn', version: 'v1', sha256: manifest('ofac-sdn', 'v1').sha256 }];
    const hit = { entityId: 'ofac-sdn:30518', listing: 'SECONDEYE SOLUTION [CYBER2] [ELECTION-EO13848]' };
    expect(await index.screen('ETH', LISTED_ETH)).toEqual({ hit, listVersions: versions });
    expect(await index.screen('ETH', LISTED_ETH.toLowerCase())).toEqual({ hit, listVersions: versions });
    expect(await index.screen('ETH', ` ${LISTED_ETH.toUpperCase().replace('0X', '0x')} `)).toMatchObject({
      hit,
    });
    // listed in lower case, given in its EIP-55 form
    expect(
      await index.screen('ETH', toChecksumAddress('d882cfc20f52f2599d84b8e8d58c7fb62cfe344b')),
    ).toMatchObject({
      hit: { entityId: expect.stringMatching(/^ofac-sdn:/) },
    });
    expect(await index.screen('BTC', LISTED_BTC)).toMatchObject({ hit: { entityId: 'ofac-sdn:25308' } });
    expect(await index.screen('BTC', '149w62rY42aZBox8fGcmqNsXUzSStKeq8C')).toMatchObject({
      hit: { entityId: 'ofac-sdn:26137', listing: 'KHORASHADIZADEH, Ali [CYBER2]' },
    });
    // not listed, another asset's form, not an address: screened (the versions say by what), no hit
    expect(await index.screen('BTC', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa')).toEqual({
      listVersions: versions,
    });
    expect(await index.screen('BTC', LISTED_ETH)).toEqual({ listVersions: versions });
    expect(await index.screen('ETH', '0x098B716B8Aaf21512996dC57EB0615e2383E2f9')).toEqual({
      listVersions: versions,
    });
  });

  it('F2 C1 a new version replaces the old whole: a delisted address stops matching, a newly listed one matches, every shard names the new version', async () => {
    const lists = [{ list: 'replace-test', format: 'ofac-sdn-csv', kind: 'sanctions' } as const];
    const index = new SanctionedAddressIndex(table, lists);
    const a: ListedAddress = {
      asset: 'BTC',
      address: LISTED_BTC,
      entityId: 'replace-test:1',
      listing: 'ONE',
    };
    const b: ListedAddress = {
      asset: 'ETH',
      address: LISTED_ETH,
      entityId: 'replace-test:2',
      listing: 'TWO',
    };
    await index.publish(manifest('replace-test', 'v1'), [a]);
    expect(await index.screen('BTC', LISTED_BTC)).toMatchObject({ hit: { entityId: 'replace-test:1' } });
    expect((await index.screen('ETH', LISTED_ETH)).hit).toBeUndefined();
    await index.publish(manifest('replace-test', 'v2'), [b]);
    expect((await index.screen('BTC', LISTED_BTC)).hit).toBeUndefined();
    expect(await index.screen('ETH', LISTED_ETH)).toMatchObject({
      hit: { entityId: 'replace-test:2' },
      listVersions: [{ list: 'replace-test', version: 'v2' }],
    });
    const shards = await Promise.all(
      Array.from({ length: ADDRESS_SHARDS }, (_, i) =>
        table.get<{ listVersion: string; version: number }>(addressShardKey('replace-test', i)),
      ),
    );
    expect(shards.map((s) => s?.listVersion)).toEqual(Array(ADDRESS_SHARDS).fill('v2'));
    expect(await index.versionOf('replace-test')).toBe('v2');
  });

  it('F2 C1 E1 a shard put back from an older version (the newly listed address removed) is refused on read', async () => {
    const lists = [{ list: 'rollback-test', format: 'ofac-sdn-csv', kind: 'sanctions' } as const];
    const index = new SanctionedAddressIndex(table, lists);
    const key = addressShardKey('rollback-test', shardOf('ETH', ETH_NORMAL));
    const raw = async () =>
      (await dynamo.documents.send(new GetCommand({ TableName: TABLES.accounts.logicalName, Key: key })))
        .Item;
    await index.publish(manifest('rollback-test', 'v1'), []);
    const old = await raw();
    const b: ListedAddress = {
      asset: 'ETH',
      address: ETH_NORMAL,
      entityId: 'rollback-test:2',
      listing: 'TWO',
    };
    await index.publish(manifest('rollback-test', 'v2'), [b]);
    expect((await index.screen('ETH', LISTED_ETH)).hit).toBeDefined();
    await dynamo.documents.send(new PutCommand({ TableName: TABLES.accounts.logicalName, Item: old }));
    // a fresh reader (no watermark): the head ledger still knows the newer version
    const fresh = new SanctionedAddressIndex(
      new SignedTable(
        dynamo.documents,
        {
          logicalName: 'Accounts',
          tableName: 'Accounts',
          partitionKey: 'pk',
          sortKey: 'sk',
          ledger: TABLES.accounts.ledger,
        },
        new RowSigner(await LocalKeyService.open(stateDir)),
        new RowVerifier(await LocalKeyService.open(stateDir), async () => {}),
      ),
      lists,
    );
    await expect(fresh.screen('ETH', LISTED_ETH)).rejects.toThrow(/Integrity/);
  });

  it('F2 C1 more addresses than the shards hold are refused with a clear error, and the version in the index stays', async () => {
    const lists = [{ list: 'huge-test', format: 'ofac-sdn-csv', kind: 'sanctions' } as const];
    const index = new SanctionedAddressIndex(table, lists);
    await index.publish(manifest('huge-test', 'v1'), []);
    const many: ListedAddress[] = Array.from({ length: 60_000 }, (_, i) => ({
      asset: 'ETH',
      address: `0x${i.toString(16).padStart(40, '0')}`,
      entityId: `huge-test:${i}`,
      listing: 'X'.repeat(100),
    }));
    await expect(index.publish(manifest('huge-test', 'v2'), many)).rejects.toBeInstanceOf(ListFormatError);
    expect(await index.versionOf('huge-test')).toBe('v1');
  });
});

describe('F2 C1 the loader publishes a sanctions list version to the index', () => {
  it('F2 C1 loading an SDN version publishes its addresses; the same files again are unchanged and publish nothing more; a PEP list is not indexed', async () => {
    const lists = new LocalListStore(join(stateDir, 'lists-a'));
    const index = new SanctionedAddressIndex(table);
    const publish = vi.spyOn(index, 'publish');
    const start = vi.fn(async () => ({ executionId: 'x' }));
    const ports = { lists, workflows: { start }, addressIndex: index };
    const input = {
      format: 'ofac-sdn-csv' as const,
      list: 'ofac-sdn',
      files: sdnFiles(),
      loadedBy: 'test',
      now: new Date('2026-12-05T00:00:00Z'),
    };
    const loaded = await loadListAndRescreen(ports, input);
    expect(loaded.outcome).toBe('loaded');
    expect(publish).toHaveBeenCalledTimes(1);
    expect(await index.versionOf('ofac-sdn')).toBe(loaded.manifest.version);
    expect(await index.screen('ETH', LISTED_ETH)).toMatchObject({
      hit: { entityId: 'ofac-sdn:30518' },
      listVersions: [{ list: 'ofac-sdn', version: loaded.manifest.version, sha256: loaded.manifest.sha256 }],
    });
    expect((await loadListAndRescreen(ports, input)).outcome).toBe('unchanged');
    expect(publish).toHaveBeenCalledTimes(1);
    expect(await syncAddressIndex(ports, 'pep')).toBeUndefined();
    expect(index.indexes('pep')).toBeUndefined();
  });

  it('F2 C1 a load interrupted before the index was written is completed by its retry: the version is unchanged, the index published, the re-screen started', async () => {
    const lists = new LocalListStore(join(stateDir, 'lists-b'));
    const index = new SanctionedAddressIndex(table, [
      { list: 'retry-sdn', format: 'ofac-sdn-csv', kind: 'sanctions' },
    ]);
    const failing = {
      indexes: (l: string) => index.indexes(l),
      versionOf: (l: string) => index.versionOf(l),
      publish: vi.fn(async () => {
        throw new Error('the Lambda timed out');
      }),
    };
    const start = vi.fn(async () => ({ executionId: 'x' }));
    const input = {
      format: 'ofac-sdn-csv' as const,
      list: 'retry-sdn',
      files: sdnFiles(),
      loadedBy: 'test',
      now: new Date('2026-12-05T00:00:00Z'),
    };
    await expect(
      loadListAndRescreen({ lists, workflows: { start }, addressIndex: failing }, input),
    ).rejects.toThrow(/timed out/);
    expect(await index.versionOf('retry-sdn')).toBeUndefined();
    const again = await loadListAndRescreen({ lists, workflows: { start }, addressIndex: index }, input);
    expect(again.outcome).toBe('unchanged');
    expect(await index.versionOf('retry-sdn')).toBe(again.manifest.version);
    // the interrupted load never started its re-screen: the retry does, under the version's name
    expect(start).toHaveBeenCalledTimes(1);
    expect(again.rescreen).toBe('x');
  });

  it('F2 C1 the same files of a version stored without its entities file: completed (the same version); an index still to publish is published from the added file and the version’s re-screen started, as for an interrupted load; an index already at the version is left, and nothing started', async () => {
    const lists = new LocalListStore(join(stateDir, 'lists-c'));
    const index = new SanctionedAddressIndex(table, [
      { list: 'complete-sdn', format: 'ofac-sdn-csv', kind: 'sanctions' },
      { list: 'indexed-sdn', format: 'ofac-sdn-csv', kind: 'sanctions' },
    ]);
    const publish = vi.spyOn(index, 'publish');
    const start = vi.fn(async () => ({ executionId: 'x' }));
    const ports = { lists, workflows: { start }, addressIndex: index };
    const input = (list: string) => ({
      format: 'ofac-sdn-csv' as const,
      list,
      files: sdnFiles(),
      loadedBy: 'test',
      now: new Date('2026-12-05T00:00:00Z'),
    });
    /** The version as code before the entities file stored it: its files and a manifest naming none. */
    const storeWithoutEntitiesFile = async (list: string) => {
      const scratch = new LocalListStore(join(stateDir, `lists-c-scratch-${list}`));
      const { manifest } = await loadListVersion(scratch, input(list));
      const { entitiesFile: _dropped, ...old } = manifest;
      await lists.putVersion(old, sdnFiles());
      await lists.setCurrent(list, old.version);
      return old;
    };

    // never indexed (a load interrupted before the index, by the code of before): the load completes it all
    const old = await storeWithoutEntitiesFile('complete-sdn');
    expect(await index.versionOf('complete-sdn')).toBeUndefined();
    const completed = await loadListAndRescreen(ports, input('complete-sdn'));
    expect(completed.outcome).toBe('completed');
    expect(completed.manifest).toMatchObject({
      version: old.version,
      sha256: old.sha256,
      loadedAt: old.loadedAt,
    });
    expect(publish).toHaveBeenCalledTimes(1);
    expect(await index.versionOf('complete-sdn')).toBe(old.version);
    expect((await index.screen('ETH', LISTED_ETH)).listVersions).toContainEqual({
      list: 'complete-sdn',
      version: old.version,
      sha256: old.sha256,
    });
    // named after the version: a re-screen that ran when it was loaded is not started again
    expect(start).toHaveBeenCalledTimes(1);
    expect(start).toHaveBeenCalledWith(
      'screening',
      { trigger: 'rescreen', list: 'complete-sdn', version: old.version },
      rescreenExecutionName('complete-sdn', old.version),
    );
    expect(completed.rescreen).toBe('x');
    expect((await loadListAndRescreen(ports, input('complete-sdn'))).outcome).toBe('unchanged');
    expect(publish).toHaveBeenCalledTimes(1);
    expect(start).toHaveBeenCalledTimes(1);

    // indexed at the version already: the file is added, nothing published, no re-screen
    const indexed = await storeWithoutEntitiesFile('indexed-sdn');
    await index.publish(
      indexed,
      listedAddressesOf(parseListFiles('ofac-sdn-csv', 'indexed-sdn', sdnFiles())).entries,
    );
    publish.mockClear();
    const added = await loadListAndRescreen(ports, input('indexed-sdn'));
    expect(added.outcome).toBe('completed');
    expect(added.manifest.version).toBe(indexed.version);
    expect(added.rescreen).toBeUndefined();
    expect(publish).not.toHaveBeenCalled();
    expect(start).toHaveBeenCalledTimes(1);
  });
});
