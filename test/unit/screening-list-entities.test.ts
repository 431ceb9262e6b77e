// F2: a list version's parsed entities as one file of the version (lambdas/screening/list-entities.ts),
// written by the loader before the version is made current and named with its digest in the manifest; the
// screening reads that file, never the list's source files. A file altered after the load is refused; a
// version stored before the loader wrote one fails the screening clearly until the same files are loaded
// again, which adds it (`completed`). Over the local ListStore and the S3 one (an in-memory bucket).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3ListStore } from '../../lambdas/kernel/aws/list-store.js';
import { S3Error, type SignedS3 } from '../../lambdas/kernel/aws/s3-client.js';
import type {
  ListDerivedFile,
  ListStore,
  ListVersionManifest,
} from '../../lambdas/kernel/ports/list-store.js';
import {
  currentLists,
  ENTITIES_FILE,
  ENTITIES_FORMAT,
  encodeEntities,
  ListVersionUnusable,
} from '../../lambdas/screening/list-entities.js';
import { forgetIndex, ScreeningWork } from '../../lambdas/screening/screening-work.js';
import { completeCurrentVersion, loadListVersion, parseListFiles } from '../../lambdas/screening/versions.js';
import { LocalListStore } from '../../local/adapters/list-store.js';

const NOW = new Date('2026-12-05T10:00:00Z');
const unFiles = () =>
  new Map([['consolidated.xml', new Uint8Array(readFileSync('data/lists/un/consolidated.xml'))]]);
const PEP = 'sample_peps';
const pepFiles = () =>
  new Map([
    ['entities.ftm.json', new Uint8Array(readFileSync('test/fixtures/screening/pep-sample.ftm.jsonl'))],
  ]);
const loadPep = (store: ListStore, now = NOW) =>
  loadListVersion(store, { format: 'ftm-jsonl', list: PEP, files: pepFiles(), loadedBy: 'test', now });

/** An S3 bucket in memory behind the SignedS3 calls the adapter makes. */
function memoryS3() {
  const objects = new Map<string, Buffer>();
  const s3 = {
    async putObject(_bucket: string, key: string, body: Uint8Array | string) {
      objects.set(key, Buffer.from(body));
      return {};
    },
    async getObject(_bucket: string, key: string) {
      const found = objects.get(key);
      if (!found) throw new S3Error('NoSuchKey', 404, 'The specified key does not exist.');
      return { contentLength: found.length, body: found };
    },
    async listObjectsV2(_bucket: string, options: { prefix?: string }) {
      const prefix = options.prefix ?? '';
      return { keys: [...objects.keys()].filter((k) => k.startsWith(prefix)), isTruncated: false };
    },
  };
  return { objects, store: new S3ListStore(s3 as unknown as SignedS3, 'lists-bucket') };
}

/** A version as code before the entities file stored it: the files and a manifest naming no entities file. */
async function storeWithoutEntitiesFile(store: ListStore): Promise<ListVersionManifest> {
  const scratch = new LocalListStore(mkdtempSync(join(tmpdir(), 'lists-scratch-')));
  const { manifest } = await loadPep(scratch);
  const { entitiesFile: _dropped, ...old } = manifest;
  await store.putVersion(old, pepFiles());
  await store.setCurrent(PEP, old.version);
  return old;
}

describe('F2 list entities file', () => {
  beforeEach(() => forgetIndex());

  it('F2 a load writes the entities file named with its digest before the version is current; screening reads it, with the entities the files parse into', async () => {
    const store = new LocalListStore(mkdtempSync(join(tmpdir(), 'lists-')));
    const calls: string[] = [];
    const noted = <T>(call: string, run: () => Promise<T>) => {
      calls.push(call);
      return run();
    };
    const spy: ListStore = {
      putDerived: (...a) => noted(`derived ${a[2]}`, () => store.putDerived(...a)),
      putVersion: (...a) => noted('version', () => store.putVersion(...a)),
      setCurrent: (...a) => noted('current', () => store.setCurrent(...a)),
      putManifest: (...a) => noted('manifest', () => store.putManifest(...a)),
      current: (list) => store.current(list),
      readFiles: (...a) => store.readFiles(...a),
      readDerived: (...a) => store.readDerived(...a),
    };
    const out = await loadListVersion(spy, {
      format: 'un-xml',
      list: 'un-sc',
      files: unFiles(),
      loadedBy: 'test',
      now: NOW,
    });
    expect(out.outcome).toBe('loaded');
    expect(calls).toEqual([`derived ${ENTITIES_FILE}`, 'derived index.json', 'version', 'current']);
    const named = out.manifest.entitiesFile;
    expect(named).toMatchObject({
      name: 'entities.json',
      format: 1,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const bytes = (await store.readDerived('un-sc', out.manifest.version, ENTITIES_FILE)) as Uint8Array;
    expect(bytes.length).toBe(named?.bytes);
    expect((await store.current('un-sc'))?.entitiesFile).toEqual(named);

    const parsed = parseListFiles('un-xml', 'un-sc', unFiles());
    const read = await currentLists(store, [{ list: 'un-sc' }]);
    expect(read.entities).toEqual(parsed);
    expect(read.versions).toEqual([
      { list: 'un-sc', version: out.manifest.version, sha256: out.manifest.sha256 },
    ]);
    // compact: well under the entities as JSON objects
    expect(bytes.length).toBeLessThan(JSON.stringify(parsed).length * 0.75);
  });

  it('F2 an entities file altered after the load is refused (digest), as is one whose digest was matched but whose content is not entities', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lists-'));
    const store = new LocalListStore(root);
    const { manifest } = await loadPep(store);
    const path = join(root, 'lists', PEP, manifest.version, 'derived', ENTITIES_FILE);
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, good.replace('Jan Pieter de Vries', 'Jan Pieter de Vriez'));
    const refused = currentLists(store, [{ list: PEP }]);
    await expect(refused).rejects.toBeInstanceOf(ListVersionUnusable);
    await expect(refused).rejects.toMatchObject({ reason: 'digest-mismatch', list: PEP });
    // the screening fails too (no silent empty list), and the next request tries again
    const work = new ScreeningWork({
      lists: store,
      screened: [{ list: PEP, format: 'ftm-jsonl', kind: 'pep' }],
      clock: { now: () => NOW },
      store: { record: async () => true, freeze: async () => {}, noteFreezeCase: async () => {} },
      cases: { openCase: async () => ({ caseId: 'c', created: true }) as never },
    });
    await expect(work.screenCustomer({ userId: 'u1', name: 'Jan de Vries' }, 'signup')).rejects.toThrow(
      /does not match its digest/,
    );
    writeFileSync(path, good);
    expect(
      (await work.screenCustomer({ userId: 'u1', name: 'Jan Pieter de Vries' }, 'signup')).decision.hits,
    ).not.toEqual([]);

    // a manifest rewritten to the digest of a file that is not entities of this version
    const [entity] = parseListFiles('ftm-jsonl', PEP, pepFiles());
    const bad = [
      { ...entity, schema: 'Spaceship' },
      { ...entity, names: [] },
      { ...entity, birthDates: ['5 May 1960'] },
      { ...entity, cryptoAddresses: [{ asset: 'btc', address: 'x' }] },
    ];
    for (const e of bad) {
      const { bytes, file } = encodeEntities(PEP, manifest.version, [e as never]);
      writeFileSync(path, bytes);
      await store.putManifest({ ...manifest, entities: 1, entitiesFile: file });
      await expect(currentLists(store, [{ list: PEP }])).rejects.toMatchObject({ reason: 'malformed' });
    }
    const other = encodeEntities(PEP, 'another-version', [entity as never]);
    writeFileSync(path, other.bytes);
    await store.putManifest({ ...manifest, entities: 1, entitiesFile: other.file });
    await expect(currentLists(store, [{ list: PEP }])).rejects.toThrow(/written for another version/);
  });

  it('F2 a version stored before the entities file fails the screening clearly; the same files loaded again add it (completed, the same version), then unchanged', async () => {
    const store = new LocalListStore(mkdtempSync(join(tmpdir(), 'lists-')));
    const old = await storeWithoutEntitiesFile(store);
    await expect(currentLists(store, [{ list: PEP }])).rejects.toMatchObject({
      name: 'ListVersionUnusable',
      reason: 'no-entities-file',
      version: old.version,
    });
    const again = await loadPep(store, new Date('2026-12-06T10:00:00Z'));
    expect(again.outcome).toBe('completed');
    expect(again.manifest).toMatchObject({
      version: old.version,
      sha256: old.sha256,
      loadedAt: old.loadedAt,
    });
    expect(again.manifest.entitiesFile?.name).toBe(ENTITIES_FILE);
    expect((await store.current(PEP))?.entitiesFile).toEqual(again.manifest.entitiesFile);
    const read = await currentLists(store, [{ list: PEP }]);
    expect(read.entities).toEqual(parseListFiles('ftm-jsonl', PEP, pepFiles()));
    expect((await loadPep(store)).outcome).toBe('unchanged');
  });

  it('F2 a version whose entities file is of another format (written before a format change) fails the screening saying so, not as stored without one; the same files loaded again rewrite it (completed, the same version)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lists-'));
    const store = new LocalListStore(root);
    const { manifest } = await loadPep(store);
    const older = {
      ...manifest,
      entitiesFile: { ...(manifest.entitiesFile as ListDerivedFile), format: ENTITIES_FORMAT - 1 },
    };
    await store.putManifest(older);
    const refused = currentLists(store, [{ list: PEP }]);
    await expect(refused).rejects.toMatchObject({ name: 'ListVersionUnusable', reason: 'no-entities-file' });
    const message = await refused.catch((e: Error) => e.message);
    expect(message).toMatch(
      new RegExp(
        `entities file is of format ${ENTITIES_FORMAT - 1}, not the format ${ENTITIES_FORMAT} this code reads \\(load the same files again to rewrite it\\)`,
      ),
    );
    expect(message).not.toMatch(/stored without/);
    // the version as code before the entities file stored it still says so
    const { entitiesFile: _dropped, ...none } = manifest;
    await store.putManifest(none);
    await expect(currentLists(store, [{ list: PEP }])).rejects.toThrow(
      /stored without its entities file \(load the same files again to add it\)/,
    );

    await store.putManifest(older);
    const again = await loadPep(store, new Date('2026-12-06T10:00:00Z'));
    expect(again.outcome).toBe('completed');
    expect(again.manifest).toMatchObject({ version: manifest.version, sha256: manifest.sha256 });
    expect(again.manifest.entitiesFile?.format).toBe(ENTITIES_FORMAT);
    expect((await currentLists(store, [{ list: PEP }])).entities).toEqual(
      parseListFiles('ftm-jsonl', PEP, pepFiles()),
    );
  });

  it('F2 the local runtime completes a version stored without its entities file from the version’s own files', async () => {
    const store = new LocalListStore(mkdtempSync(join(tmpdir(), 'lists-')));
    expect(await completeCurrentVersion(store, PEP, 'ftm-jsonl')).toBeUndefined();
    const old = await storeWithoutEntitiesFile(store);
    const completed = await completeCurrentVersion(store, PEP, 'ftm-jsonl');
    expect(completed).toMatchObject({ version: old.version, entitiesFile: { name: ENTITIES_FILE } });
    expect((await currentLists(store, [{ list: PEP }])).entities).toHaveLength(old.entities);
    expect(await completeCurrentVersion(store, PEP, 'ftm-jsonl')).toBeUndefined();
  });

  it('F2 the S3 list store keeps the entities file under the version (derived/), outside its files; the same reads and refusals', async () => {
    const { objects, store } = memoryS3();
    const { manifest } = await loadPep(store);
    const base = `lists/${PEP}/${manifest.version}/`;
    expect([...objects.keys()].sort()).toEqual([
      `${base}derived/entities.json`,
      `${base}derived/index.json`,
      `${base}files/entities.ftm.json`,
      `${base}manifest.json`,
      `lists/${PEP}/current.json`,
    ]);
    expect([...(await store.readFiles(PEP, manifest.version)).keys()]).toEqual(['entities.ftm.json']);
    expect(await store.readDerived(PEP, manifest.version, 'other.json')).toBeUndefined();
    expect((await currentLists(store, [{ list: PEP }])).entities).toEqual(
      parseListFiles('ftm-jsonl', PEP, pepFiles()),
    );
    const key = `${base}derived/entities.json`;
    const bytes = objects.get(key) as Buffer;
    objects.set(key, Buffer.concat([bytes.subarray(0, -1), Buffer.from(' ')]));
    await expect(currentLists(store, [{ list: PEP }])).rejects.toMatchObject({ reason: 'digest-mismatch' });
    objects.delete(key);
    await expect(currentLists(store, [{ list: PEP }])).rejects.toMatchObject({ reason: 'no-entities-file' });

    const fresh = memoryS3();
    const old = await storeWithoutEntitiesFile(fresh.store);
    expect((await loadPep(fresh.store)).outcome).toBe('completed');
    expect(fresh.objects.has(`lists/${PEP}/${old.version}/derived/entities.json`)).toBe(true);
    expect((await currentLists(fresh.store, [{ list: PEP }])).versions).toEqual([
      { list: PEP, version: old.version, sha256: old.sha256 },
    ]);
  });
});
