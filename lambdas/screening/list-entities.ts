// F2: a list version's entities as the loader parsed them, the one file the screening functions read (never
// the list's source files: no CSV or XML parser in their bundles, no parse on their first request). The loader
// (versions.ts `loadListVersion`) writes it beside the version's files before the version is made current and
// names it, with its sha-256, in the manifest. A reader checks the digest, then each entity's shape: an entity
// file that is missing, altered or not of this format makes the version unusable (ListVersionUnusable), never
// an empty list. Pure over the ListStore port.
//
// The file is compact JSON: `{format, list, version, entities}` with each entity a tuple
// `[id, list, schema, [[name, kind]…], birthDates, nationalities, addresses, [[asset, address]…], programs]`
// (about half the bytes of the objects, and quicker to parse).
import { createHash } from 'node:crypto';
import type { ListDerivedFile, ListStore, ListVersionManifest } from '../kernel/ports/list-store.js';
import { ENTITY_RULES, type ListEntity, NAME_KINDS, SCHEMAS } from './model.js';

/** The derived file's name in a version, and the format this code writes and reads. */
export const ENTITIES_FILE = 'entities.json';
export const ENTITIES_FORMAT = 1;

/**
 * A current list version the screening cannot use: no entities file this code reads (none, or one of another
 * format: `no-entities-file`), or one that fails its checks.
 */
export class ListVersionUnusable extends Error {
  constructor(
    readonly list: string,
    readonly version: string,
    readonly reason: 'no-entities-file' | 'digest-mismatch' | 'malformed',
    detail: string,
  ) {
    super(`list ${list} version ${version}: ${detail}`);
    this.name = 'ListVersionUnusable';
  }
}

type EntityTuple = [
  string,
  string,
  ListEntity['schema'],
  [string, ListEntity['names'][number]['kind']][],
  string[],
  string[],
  string[],
  [string, string][],
  string[],
];

/** The entities file of a version, and its entry in the manifest. */
export function encodeEntities(
  list: string,
  version: string,
  entities: readonly ListEntity[],
): { bytes: Uint8Array; file: ListDerivedFile } {
  const tuples: EntityTuple[] = entities.map((e) => [
    e.id,
    e.list,
    e.schema,
    e.names.map((n) => [n.name, n.kind]),
    e.birthDates,
    e.nationalities,
    e.addresses,
    e.cryptoAddresses.map((c) => [c.asset, c.address]),
    e.programs,
  ]);
  const bytes = new TextEncoder().encode(
    JSON.stringify({ format: ENTITIES_FORMAT, list, version, entities: tuples }),
  );
  return {
    bytes,
    file: { name: ENTITIES_FILE, format: ENTITIES_FORMAT, bytes: bytes.length, sha256: sha256Hex(bytes) },
  };
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A derived file of a version (`what`: "entities file", "index file") must be the bytes its manifest names:
 * their length and sha-256, else the version is unusable (an altered or truncated file). Returns a thrower
 * for what the file's own checks then refuse.
 */
export function checkDerivedFile(
  manifest: ListVersionManifest,
  what: string,
  named: ListDerivedFile,
  bytes: Uint8Array,
): (where: string) => never {
  const { list, version } = manifest;
  if (bytes.length !== named.bytes || sha256Hex(bytes) !== named.sha256)
    throw new ListVersionUnusable(list, version, 'digest-mismatch', `the ${what} does not match its digest`);
  return (where) => {
    throw new ListVersionUnusable(list, version, 'malformed', `the ${what}: ${where}`);
  };
}

/** Whether a manifest names an entities file this code can read. */
export const hasEntitiesFile = (manifest: ListVersionManifest): boolean =>
  manifest.entitiesFile?.name === ENTITIES_FILE && manifest.entitiesFile.format === ENTITIES_FORMAT;

/**
 * Why a manifest's entities file cannot be read (hasEntitiesFile false): none named (a version stored before
 * the loader wrote one), or one of another format (written by code of an older or newer format). Loading the
 * same files again writes it in this format.
 */
function noEntitiesFile(manifest: ListVersionManifest): ListVersionUnusable {
  const { list, version, entitiesFile: named } = manifest;
  const detail =
    named === undefined
      ? 'stored without its entities file (load the same files again to add it)'
      : named.name !== ENTITIES_FILE
        ? `its manifest names a derived file ${named.name}, not ${ENTITIES_FILE} (load the same files again to write it)`
        : `its entities file is of format ${named.format}, not the format ${ENTITIES_FORMAT} this code reads (load the same files again to rewrite it)`;
  return new ListVersionUnusable(list, version, 'no-entities-file', detail);
}

// The model's rules (model.ts ENTITY_RULES), bound once: the loop below reads them for every field.
const KINDS: ReadonlySet<string> = new Set(NAME_KINDS);
const SCHEMA_SET: ReadonlySet<string> = new Set(SCHEMAS);
const DATE = ENTITY_RULES.birthDate;
const ASSET = ENTITY_RULES.asset;
const ID_MIN = ENTITY_RULES.id.min;
const ID_MAX = ENTITY_RULES.id.max;
const LIST_MIN = ENTITY_RULES.list.min;
const LIST_MAX = ENTITY_RULES.list.max;
const TEXT_MIN = ENTITY_RULES.text.min;
const TEXT_MAX = ENTITY_RULES.text.max;
const MIN_NAMES = ENTITY_RULES.minNames;

/**
 * The entities of a version's entities file: the bytes must be the ones the manifest names (sha-256 and
 * length), then every entity is checked as strictly as the model's `listEntity` (types, enums, lengths,
 * patterns), by hand: zod over ~20,000 entities took over 100 ms of a cold screening's first request.
 */
export function decodeEntities(manifest: ListVersionManifest, bytes: Uint8Array): ListEntity[] {
  const { list, version } = manifest;
  const named = manifest.entitiesFile;
  if (named === undefined || !hasEntitiesFile(manifest)) throw noEntitiesFile(manifest);
  const bad = checkDerivedFile(manifest, 'entities file', named, bytes);
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return bad('not JSON');
  }
  const top = doc as { format?: unknown; list?: unknown; version?: unknown; entities?: unknown };
  if (typeof doc !== 'object' || doc === null || top.format !== ENTITIES_FORMAT)
    return bad(`not of format ${ENTITIES_FORMAT}`);
  if (top.list !== list || top.version !== version) return bad('written for another version');
  if (!Array.isArray(top.entities)) return bad('no entities');
  if (top.entities.length !== manifest.entities) return bad('not the manifest’s count of entities');
  const out: ListEntity[] = [];
  for (let i = 0; i < top.entities.length; i++) {
    const t = top.entities[i] as unknown[];
    const where = `entity ${i}`;
    if (!Array.isArray(t) || t.length !== 9) return bad(where);
    const [id, entityList, schema, names, birthDates, nationalities, addresses, crypto, programs] = t;
    if (!isText(id, ID_MIN, ID_MAX) || !isText(entityList, LIST_MIN, LIST_MAX))
      return bad(`${where}: id or list`);
    if (typeof schema !== 'string' || !SCHEMA_SET.has(schema)) return bad(`${where}: schema`);
    if (!Array.isArray(names) || names.length < MIN_NAMES) return bad(`${where}: names`);
    const entityNames: ListEntity['names'] = [];
    for (let j = 0; j < names.length; j++) {
      const n = names[j] as unknown[];
      if (
        !Array.isArray(n) ||
        n.length !== 2 ||
        !isText(n[0]) ||
        typeof n[1] !== 'string' ||
        !KINDS.has(n[1])
      )
        return bad(`${where}: names[${j}]`);
      entityNames.push({ name: n[0], kind: n[1] as ListEntity['names'][number]['kind'] });
    }
    if (!Array.isArray(birthDates) || !birthDates.every((d) => typeof d === 'string' && DATE.test(d)))
      return bad(`${where}: birthDates`);
    if (!isTexts(nationalities) || !isTexts(addresses) || !isTexts(programs)) return bad(where);
    if (!Array.isArray(crypto)) return bad(`${where}: cryptoAddresses`);
    const cryptoAddresses: ListEntity['cryptoAddresses'] = [];
    for (let j = 0; j < crypto.length; j++) {
      const c = crypto[j] as unknown[];
      if (
        !Array.isArray(c) ||
        c.length !== 2 ||
        typeof c[0] !== 'string' ||
        !ASSET.test(c[0]) ||
        !isText(c[1])
      )
        return bad(`${where}: cryptoAddresses[${j}]`);
      cryptoAddresses.push({ asset: c[0], address: c[1] });
    }
    out.push({
      id,
      list: entityList,
      schema: schema as ListEntity['schema'],
      names: entityNames,
      birthDates: birthDates as string[],
      nationalities,
      addresses,
      cryptoAddresses,
      programs,
    });
  }
  return out;
}

const isText = (value: unknown, min: number = TEXT_MIN, max: number = TEXT_MAX): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max;
const isTexts = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => isText(v));

/** The entities of a stored version, from its entities file (ListVersionUnusable when it has none this code reads). */
export async function entitiesOf(
  store: Pick<ListStore, 'readDerived'>,
  manifest: ListVersionManifest,
): Promise<ListEntity[]> {
  const { list, version } = manifest;
  if (!hasEntitiesFile(manifest)) throw noEntitiesFile(manifest);
  const bytes = await store.readDerived(list, version, ENTITIES_FILE);
  if (bytes === undefined)
    throw new ListVersionUnusable(list, version, 'no-entities-file', 'the entities file is missing');
  return decodeEntities(manifest, bytes);
}

/**
 * The entities of the version in force of each list, for the screening index: each version's entities file,
 * checked against the manifest's digest and decoded. A version in force without a usable entities file fails
 * (ListVersionUnusable): a screening never runs on a silently empty list.
 */
export async function currentLists(
  store: Pick<ListStore, 'current' | 'readDerived'>,
  /** The lists (a ScreenedList's `format` is the loader's concern: the entities file is one format for all). */
  lists: readonly { readonly list: string; readonly format?: string }[],
): Promise<{ entities: ListEntity[]; versions: { list: string; version: string; sha256: string }[] }> {
  const entities: ListEntity[] = [];
  const versions: { list: string; version: string; sha256: string }[] = [];
  for (const { list } of lists) {
    const manifest = await store.current(list);
    if (manifest === undefined) continue;
    for (const e of await entitiesOf(store, manifest)) entities.push(e);
    versions.push({ list, version: manifest.version, sha256: manifest.sha256 });
  }
  return { entities, versions };
}
