// F2: a list version's screening index as the second derived file of the version (lambdas/screening/
// list-index.ts, index-build.ts): written by the loader before the version is made current and named with its
// digest in the manifest; a cold screening function lays it out instead of normalising every listed name.
// The index it lays out is the index built from the entities, id for id, for one list or several; a file
// altered, written for another version or other entities, or holding an id out of range makes the version
// unusable (never an empty index); a version stored without one is indexed from its entities until the same
// files are loaded again, which adds it (`completed`).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ListStore, ListVersionManifest } from '../../lambdas/kernel/ports/list-store.js';
import {
  buildIndex,
  buildIndexPart,
  combineParts,
  type ScreeningIndex,
} from '../../lambdas/screening/index-build.js';
import { currentLists, ListVersionUnusable } from '../../lambdas/screening/list-entities.js';
import { currentIndexFromFiles, INDEX_FILE } from '../../lambdas/screening/list-index.js';
import { screen } from '../../lambdas/screening/screen.js';
import { completeCurrentVersion, loadListVersion, parseListFiles } from '../../lambdas/screening/versions.js';
import { LocalListStore } from '../../local/adapters/list-store.js';

const NOW = new Date('2026-12-05T10:00:00Z');
const PEP = 'sample_peps';
const unFiles = () =>
  new Map([['consolidated.xml', new Uint8Array(readFileSync('data/lists/un/consolidated.xml'))]]);
const pepFiles = () =>
  new Map([
    ['entities.ftm.json', new Uint8Array(readFileSync('test/fixtures/screening/pep-sample.ftm.jsonl'))],
  ]);
const LISTS = [{ list: 'un-sc' }, { list: PEP }];

async function loaded(): Promise<LocalListStore> {
  const store = new LocalListStore(mkdtempSync(join(tmpdir(), 'lists-index-')));
  await loadListVersion(store, {
    format: 'un-xml',
    list: 'un-sc',
    files: unFiles(),
    loadedBy: 'test',
    now: NOW,
  });
  await loadListVersion(store, {
    format: 'ftm-jsonl',
    list: PEP,
    files: pepFiles(),
    loadedBy: 'test',
    now: NOW,
  });
  return store;
}

/** An index as plain data: its maps as sorted entries, its typed arrays as arrays. */
const plain = (index: ScreeningIndex) => ({
  ...index,
  namesOfToken: index.namesOfToken.map((a) => [...a]),
  trigrams: [...index.trigrams].map(([k, v]) => [k, [...v]]).sort(),
  phonetic: [...index.phonetic].map(([k, v]) => [k, [...v]]).sort(),
  initials: [...index.initials].map(([k, v]) => [k, [...v]]).sort(),
  tokenIds: [...index.tokenIds].sort(),
});

const QUERIES = [
  { name: 'Usama bin Laden' },
  { name: 'Al-Qaida', schema: 'Organization' as const },
  { name: 'Kim Jong Un', birthDate: '1984' },
  { name: 'Taliban', schema: 'Organization' as const },
];

/** Rewrites the version's index file as `edit` makes it, with a manifest naming the new bytes' digest. */
async function rewriteIndex(store: ListStore, list: string, edit: (doc: Record<string, unknown>) => void) {
  const manifest = (await store.current(list)) as ListVersionManifest;
  const bytes = (await store.readDerived(list, manifest.version, INDEX_FILE)) as Uint8Array;
  const doc = JSON.parse(new TextDecoder().decode(bytes));
  edit(doc);
  const rewritten = new TextEncoder().encode(JSON.stringify(doc));
  await store.putDerived(list, manifest.version, INDEX_FILE, rewritten);
  await store.putManifest({
    ...manifest,
    indexFile: {
      ...(manifest.indexFile as NonNullable<ListVersionManifest['indexFile']>),
      bytes: rewritten.length,
      sha256: createHash('sha256').update(rewritten).digest('hex'),
    },
  });
}

describe('F2 list index file', () => {
  it('F2 the index laid out from one part per list is the index built over all their entities at once', () => {
    const un = parseListFiles('un-xml', 'un-sc', unFiles());
    const peps = parseListFiles('ftm-jsonl', PEP, pepFiles());
    const lists = [un, peps, un.slice(0, 40)];
    const all = lists.flat();
    const whole = buildIndex(all, []);
    const combined = combineParts(
      lists.map(buildIndexPart),
      lists.map((l) => l.length),
      all,
      [],
    );
    expect(plain(combined)).toEqual(plain(whole));
  });

  it('F2 the loader stores the index file named with its digest; the screening reads it and screens exactly as the index built from the entities', async () => {
    const store = await loaded();
    const manifest = (await store.current('un-sc')) as ListVersionManifest;
    expect(manifest.indexFile).toMatchObject({
      name: INDEX_FILE,
      format: 1,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const bytes = (await store.readDerived('un-sc', manifest.version, INDEX_FILE)) as Uint8Array;
    expect(bytes.length).toBe(manifest.indexFile?.bytes);

    const { entities, versions } = await currentLists(store, LISTS);
    const built = buildIndex(entities, versions);
    const read = await currentIndexFromFiles(store, LISTS);
    expect(plain(read)).toEqual(plain(built));
    for (const query of QUERIES) expect(screen(query, read)).toEqual(screen(query, built));
    expect(screen(QUERIES[0] as (typeof QUERIES)[number], read).hits.length).toBeGreaterThan(0);
  });

  it('F2 an index file altered, missing, written for another version or other entities, or with an id out of range makes the version unusable, never an empty index', async () => {
    const store = await loaded();
    const refused = (reason: string, detail: RegExp) =>
      expect(currentIndexFromFiles(store, LISTS)).rejects.toSatisfy(
        (e: unknown) => e instanceof ListVersionUnusable && e.reason === reason && detail.test(e.message),
      );
    const manifest = (await store.current(PEP)) as ListVersionManifest;
    const good = (await store.readDerived(PEP, manifest.version, INDEX_FILE)) as Uint8Array;

    const altered = good.slice();
    altered[altered.length - 5] = (altered[altered.length - 5] as number) ^ 1;
    await store.putDerived(PEP, manifest.version, INDEX_FILE, altered);
    await refused('digest-mismatch', /does not match its digest/);
    await store.putDerived(PEP, manifest.version, INDEX_FILE, good);
    expect((await currentIndexFromFiles(store, LISTS)).names.length).toBeGreaterThan(0);

    const missing: Pick<ListStore, 'current' | 'readDerived'> = {
      current: (list) => store.current(list),
      readDerived: async (list, version, name) =>
        name === INDEX_FILE && list === PEP ? undefined : store.readDerived(list, version, name),
    };
    await expect(currentIndexFromFiles(missing, LISTS)).rejects.toThrow(/index file is missing/);

    await rewriteIndex(store, PEP, (doc) => {
      doc.version = 'another';
    });
    await refused('malformed', /written for another version/);
    await rewriteIndex(store, PEP, (doc) => {
      doc.version = manifest.version;
      doc.entitiesSha256 = 'f'.repeat(64);
    });
    await refused('malformed', /built from other entities/);
    await rewriteIndex(store, PEP, (doc) => {
      doc.entitiesSha256 = manifest.entitiesFile?.sha256;
      // the last integer (a holder of the last initials key) beyond the names
      const ints = Buffer.from(doc.ints as string, 'base64');
      ints.writeInt32LE(1_000_000, ints.length - 4);
      doc.ints = ints.toString('base64');
    });
    await refused('malformed', /postings/);
    await rewriteIndex(store, PEP, (doc) => {
      doc.vocabulary = [...(doc.vocabulary as string[]), 'extra'];
    });
    await refused('malformed', /the index file/);
  });

  it('F2 a version stored without its index file is indexed from its entities; the same files loaded again add it (completed), as the local start does', async () => {
    const store = await loaded();
    const { entities, versions } = await currentLists(store, LISTS);
    const expected = plain(buildIndex(entities, versions));
    const manifest = (await store.current(PEP)) as ListVersionManifest;
    const { indexFile: _dropped, ...old } = manifest;
    await store.putManifest(old);
    expect(plain(await currentIndexFromFiles(store, LISTS))).toEqual(expected);

    const again = await loadListVersion(store, {
      format: 'ftm-jsonl',
      list: PEP,
      files: pepFiles(),
      loadedBy: 'test',
      now: new Date('2026-12-06T10:00:00Z'),
    });
    expect(again.outcome).toBe('completed');
    expect(again.manifest.version).toBe(manifest.version);
    expect(again.manifest.indexFile).toEqual(manifest.indexFile);
    expect(plain(await currentIndexFromFiles(store, LISTS))).toEqual(expected);

    await store.putManifest(old);
    expect((await completeCurrentVersion(store, PEP, 'ftm-jsonl'))?.indexFile).toEqual(manifest.indexFile);
    expect(await completeCurrentVersion(store, PEP, 'ftm-jsonl')).toBeUndefined();
  });
});
