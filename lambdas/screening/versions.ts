// F2: loading a new version of a screening list. The files are parsed first (a bad or truncated file is
// refused whole: nothing is stored and the version in force stays in force), digested, stored with the
// entities they parse into (list-entities.ts: what the screening functions read), and only then made current.
// The same files again are no new version; for a version in force stored without its entities file or its
// index file (list-index.ts; before the loader wrote them), or with an entities file of another format, they
// (re)write them (`completed`). Pure over the ListStore port and a clock. The parsers stay
// here, in the loader's bundle: the screening functions import list-entities.ts, never this module.
import { createHash } from 'node:crypto';
import type { ListStore, ListVersionManifest } from '../kernel/ports/list-store.js';
import { ENTITIES_FILE, encodeEntities, hasEntitiesFile } from './list-entities.js';
import { encodeListIndex, hasIndexFile, INDEX_FILE } from './list-index.js';
import { parseFtmLines } from './lists/ftm.js';
import { OFAC_SDN_LIST, parseOfacSdn } from './lists/ofac-sdn.js';
import { parseUnConsolidated, UN_LIST } from './lists/un.js';
import { type ListEntity, ListFormatError } from './model.js';

export type ListFormat = 'ofac-sdn-csv' | 'un-xml' | 'ftm-jsonl';

/** The files each format needs, by name. */
export const FORMAT_FILES: Readonly<
  Record<ListFormat, { required: readonly string[]; optional: readonly string[] }>
> = {
  'ofac-sdn-csv': { required: ['sdn.csv', 'alt.csv', 'add.csv'], optional: ['sdn_comments.csv'] },
  'un-xml': { required: ['consolidated.xml'], optional: [] },
  'ftm-jsonl': { required: ['entities.ftm.json'], optional: [] },
};

/** The list id a format loads as (FollowTheMoney files name their dataset). */
export const listIdOf = (format: ListFormat, dataset?: string): string =>
  format === 'ofac-sdn-csv' ? OFAC_SDN_LIST : format === 'un-xml' ? UN_LIST : (dataset ?? 'ftm');

/** Parses a version's files into entities; throws ListFormatError for anything missing or malformed. */
export function parseListFiles(
  format: ListFormat,
  list: string,
  files: ReadonlyMap<string, Uint8Array>,
): ListEntity[] {
  const spec = FORMAT_FILES[format];
  for (const name of spec.required) if (!files.has(name)) throw new ListFormatError(name, 'file', 'missing');
  for (const name of files.keys()) {
    if (!spec.required.includes(name) && !spec.optional.includes(name))
      throw new ListFormatError(name, 'file', `not a file of ${format}`);
  }
  const file = (name: string) => files.get(name) as Uint8Array;
  switch (format) {
    case 'ofac-sdn-csv':
      return parseOfacSdn({
        sdn: file('sdn.csv'),
        alt: file('alt.csv'),
        add: file('add.csv'),
        comments: files.get('sdn_comments.csv'),
      });
    case 'un-xml':
      return parseUnConsolidated(utf8(file('consolidated.xml'), 'consolidated.xml'));
    case 'ftm-jsonl':
      return parseFtmLines(utf8(file('entities.ftm.json'), 'entities.ftm.json'), list, 'entities.ftm.json')
        .entities;
  }
}

function utf8(bytes: Uint8Array, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ListFormatError(name, 'bytes', 'not UTF-8 text');
  }
}

const hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** The digest of a version: every file's name, length and bytes, in name order. */
export function digestOf(files: ReadonlyMap<string, Uint8Array>): string {
  const hash = createHash('sha256');
  for (const name of [...files.keys()].sort()) {
    const bytes = files.get(name) as Uint8Array;
    hash.update(`${name}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

export function countsOf(entities: readonly ListEntity[]): Record<string, number> {
  const counts: Record<string, number> = {
    entities: entities.length,
    names: 0,
    aliases: 0,
    addresses: 0,
    cryptoAddresses: 0,
  };
  for (const e of entities) {
    counts[e.schema] = (counts[e.schema] ?? 0) + 1;
    counts.names = (counts.names as number) + e.names.length;
    counts.aliases =
      (counts.aliases as number) +
      e.names.filter((n) => n.kind === 'alias' || n.kind === 'weak-alias').length;
    counts.addresses = (counts.addresses as number) + e.addresses.length;
    counts.cryptoAddresses = (counts.cryptoAddresses as number) + e.cryptoAddresses.length;
  }
  return counts;
}

export type LoadOutcome =
  | { readonly outcome: 'loaded'; readonly manifest: ListVersionManifest; readonly previous?: string }
  | { readonly outcome: 'unchanged'; readonly manifest: ListVersionManifest }
  /** The version in force had the same files but no entities file of this format or no index file: written (no new version). */
  | { readonly outcome: 'completed'; readonly manifest: ListVersionManifest };

/** Loads one version of `list`: refused whole (ListFormatError) when any file is bad; the current one stays. */
export async function loadListVersion(
  store: ListStore,
  input: {
    readonly format: ListFormat;
    readonly list: string;
    readonly files: ReadonlyMap<string, Uint8Array>;
    readonly loadedBy: string;
    readonly now: Date;
  },
): Promise<LoadOutcome> {
  const entities = parseListFiles(input.format, input.list, input.files);
  const sha256 = digestOf(input.files);
  const current = await store.current(input.list);
  if (current?.sha256 === sha256) {
    if (hasEntitiesFile(current) && hasIndexFile(current)) return { outcome: 'unchanged', manifest: current };
    // stored before the loader derived its entities: the file first, then the manifest naming it
    const manifest = await addEntitiesFile(store, current, entities);
    return { outcome: 'completed', manifest };
  }
  const stamp = input.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const version = `${stamp}-${sha256.slice(0, 12)}`;
  const derived = encodeEntities(input.list, version, entities);
  const index = encodeListIndex(input.list, version, derived.file, entities);
  const manifest: ListVersionManifest = {
    list: input.list,
    version,
    sha256,
    loadedAt: input.now.toISOString(),
    files: [...input.files]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, bytes]) => ({ name, bytes: bytes.length, sha256: hex(bytes) })),
    entities: entities.length,
    counts: countsOf(entities),
    loadedBy: input.loadedBy,
    entitiesFile: derived.file,
    indexFile: index.file,
  };
  // the derived files, then the files and the manifest naming them, then the pointer: never current without them
  await store.putDerived(manifest.list, manifest.version, ENTITIES_FILE, derived.bytes);
  await store.putDerived(manifest.list, manifest.version, INDEX_FILE, index.bytes);
  await store.putVersion(manifest, input.files);
  await store.setCurrent(input.list, manifest.version);
  return { outcome: 'loaded', manifest, ...(current ? { previous: current.version } : {}) };
}

/**
 * Adds the entities file and the index file to the version in force of `list` when it was stored without
 * them (before the loader wrote them): its files are read, checked against their digest and parsed as at
 * load. Nothing when the version has both (or there is none). The local runtime calls it at start for a state folder loaded by older code.
 */
export async function completeCurrentVersion(
  store: Pick<ListStore, 'current' | 'readFiles' | 'putDerived' | 'putManifest'>,
  list: string,
  format: ListFormat,
): Promise<ListVersionManifest | undefined> {
  const current = await store.current(list);
  if (current === undefined || (hasEntitiesFile(current) && hasIndexFile(current))) return undefined;
  const files = await store.readFiles(list, current.version);
  if (digestOf(files) !== current.sha256)
    throw new Error(`list ${list} version ${current.version}: files do not match their digest`);
  return addEntitiesFile(store, current, parseListFiles(format, list, files));
}

async function addEntitiesFile(
  store: Pick<ListStore, 'putDerived' | 'putManifest'>,
  current: ListVersionManifest,
  entities: readonly ListEntity[],
): Promise<ListVersionManifest> {
  const { bytes, file } = encodeEntities(current.list, current.version, entities);
  // and the index built from it (list-index.ts), for a version stored before the loader wrote either
  const index = encodeListIndex(current.list, current.version, file, entities);
  const manifest: ListVersionManifest = { ...current, entitiesFile: file, indexFile: index.file };
  await store.putDerived(current.list, current.version, ENTITIES_FILE, bytes);
  await store.putDerived(current.list, current.version, INDEX_FILE, index.bytes);
  await store.putManifest(manifest);
  return manifest;
}

/** The screening's read of the versions in force (list-entities.ts), where it was first defined. */
export { currentLists } from './list-entities.js';
