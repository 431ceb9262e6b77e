// F2: a list version's screening index as the loader built it (index-build.ts `buildIndexPart`), the second
// derived file of a version beside its entities file (list-entities.ts): normalising ~24,000 listed names and
// laying out their words' postings took most of a cold screening function's first request (about 1 s of CPU
// for OFAC SDN + UN), reading them back takes a few tens of ms. The loader (versions.ts) writes it before the
// version is made current and names it, with its sha-256, in the manifest (`indexFile`). A reader checks the
// digest, that it was built from this version's entities file, and every number in it (each id within its
// range, each list ascending): an index file that is missing, altered or not of this format makes the version
// unusable (ListVersionUnusable), never an empty or partial index. A version whose manifest names no index
// file (stored by older code, until it is completed as its entities file was) is indexed from its entities
// on the spot: the same index, slower. Pure over the ListStore port.
//
// The file is JSON: the words and keys as text, every integer array little-endian in one base64 string.
// What is cheap to recompute (the names holding each word, first letters) is not stored.
import type { ListDerivedFile, ListStore, ListVersionManifest } from '../kernel/ports/list-store.js';
import {
  buildIndexPart,
  combineParts,
  type FlatPostings,
  type IndexPart,
  type ListVersionRef,
  letterBit,
  type ScreeningIndex,
} from './index-build.js';
import {
  checkDerivedFile,
  entitiesOf,
  hasEntitiesFile,
  ListVersionUnusable,
  sha256Hex,
} from './list-entities.js';
import type { ListEntity } from './model.js';
import type { NormalisedName } from './normalise.js';

/** The derived file's name in a version, and the format this code writes and reads. */
export const INDEX_FILE = 'index.json';
export const INDEX_FORMAT = 1;

/** Whether a manifest names an index file this code can read. */
export const hasIndexFile = (manifest: ListVersionManifest): boolean =>
  manifest.indexFile?.name === INDEX_FILE && manifest.indexFile.format === INDEX_FORMAT;

/** The legal forms and set-aside words of most names: none (one array for all, never written to). */
const NONE: readonly string[] = Object.freeze([]);

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Names whose legal forms, set-aside words or native script are not empty: [name, forms, dropped, script?, native tokens?]. */
type Extra = [number, string[], string[]] | [number, string[], string[], string, string[]];

interface IndexDocument {
  format: number;
  list: string;
  version: string;
  /** The entities file the index was built from (its sha-256) and its count of entities. */
  entitiesSha256: string;
  entities: number;
  names: number;
  vocabulary: string[];
  extras: Extra[];
  trigrams: string[];
  phonetic: string[];
  initials: string[];
  /** Lengths of the flat arrays: nameTokens, trigrams, phonetic, initials. */
  lengths: [number, number, number, number];
  /** nameEntity, nameIndex, tokenStart, nameTokens, then start and flat of trigrams, phonetic, initials. */
  ints: string;
}

/** The index file of a version (built from its entities as the entities file holds them), and its manifest entry. */
export function encodeListIndex(
  list: string,
  version: string,
  entitiesFile: ListDerivedFile,
  entities: readonly ListEntity[],
): { bytes: Uint8Array; file: ListDerivedFile } {
  if (!littleEndian) throw new Error('the index file is written on little-endian machines only');
  const part = buildIndexPart(entities);
  const extras: Extra[] = [];
  part.normalised.forEach((n, i) => {
    if (n.native !== undefined)
      extras.push([i, [...n.forms], [...n.dropped], n.native.script, [...n.native.tokens]]);
    else if (n.forms.length > 0 || n.dropped.length > 0) extras.push([i, [...n.forms], [...n.dropped]]);
  });
  const sections = [
    part.nameEntity,
    part.nameIndex,
    part.tokenStart,
    part.nameTokens,
    part.trigrams.start,
    part.trigrams.flat,
    part.phonetic.start,
    part.phonetic.flat,
    part.initials.start,
    part.initials.flat,
  ];
  const ints = new Int32Array(sections.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of sections) {
    ints.set(s, at);
    at += s.length;
  }
  const doc: IndexDocument = {
    format: INDEX_FORMAT,
    list,
    version,
    entitiesSha256: entitiesFile.sha256,
    entities: entities.length,
    names: part.normalised.length,
    vocabulary: [...part.vocabulary],
    extras,
    trigrams: [...part.trigrams.keys],
    phonetic: [...part.phonetic.keys],
    initials: [...part.initials.keys],
    lengths: [
      part.nameTokens.length,
      part.trigrams.flat.length,
      part.phonetic.flat.length,
      part.initials.flat.length,
    ],
    ints: Buffer.from(ints.buffer, ints.byteOffset, ints.byteLength).toString('base64'),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(doc));
  return {
    bytes,
    file: { name: INDEX_FILE, format: INDEX_FORMAT, bytes: bytes.length, sha256: sha256Hex(bytes) },
  };
}

const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '');

/**
 * A version's index part from its index file: the bytes must be the ones the manifest names (sha-256 and
 * length), built from this version's entities file, and every number in range (ListVersionUnusable if not).
 */
export function decodeListIndex(
  manifest: ListVersionManifest,
  bytes: Uint8Array,
  entities: readonly ListEntity[],
): IndexPart {
  const { list, version } = manifest;
  const named = manifest.indexFile;
  if (named === undefined || !hasIndexFile(manifest))
    throw new ListVersionUnusable(list, version, 'malformed', 'the manifest names no index file');
  const bad = checkDerivedFile(manifest, 'index file', named, bytes);
  if (!littleEndian) return bad('read on a big-endian machine');
  let doc: IndexDocument;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as IndexDocument;
  } catch {
    return bad('not JSON');
  }
  if (typeof doc !== 'object' || doc === null || doc.format !== INDEX_FORMAT) return bad('not of format 1');
  if (doc.list !== list || doc.version !== version) return bad('written for another version');
  if (
    !hasEntitiesFile(manifest) ||
    doc.entitiesSha256 !== manifest.entitiesFile?.sha256 ||
    doc.entities !== entities.length
  )
    return bad('built from other entities');
  const n = doc.names;
  if (!Number.isSafeInteger(n) || n < 0) return bad('names');
  if (!isStrings(doc.vocabulary) || new Set(doc.vocabulary).size !== doc.vocabulary.length)
    return bad('vocabulary');
  const v = doc.vocabulary.length;
  for (const keys of [doc.trigrams, doc.phonetic, doc.initials])
    if (!isStrings(keys) || new Set(keys).size !== keys.length) return bad('keys');
  const lengths = doc.lengths;
  if (
    !Array.isArray(lengths) ||
    lengths.length !== 4 ||
    !lengths.every((l) => Number.isSafeInteger(l) && l >= 0)
  )
    return bad('lengths');
  const [tokens, trigramCount, phoneticCount, initialCount] = lengths;
  const sizes = [
    n,
    n,
    n + 1,
    tokens,
    doc.trigrams.length + 1,
    trigramCount,
    doc.phonetic.length + 1,
    phoneticCount,
    doc.initials.length + 1,
    initialCount,
  ];
  if (typeof doc.ints !== 'string') return bad('integers');
  const raw = Buffer.from(doc.ints, 'base64');
  if (raw.length !== sizes.reduce((s, x) => s + x, 0) * 4) return bad('integers');
  const ints = new Int32Array(raw.length / 4);
  new Uint8Array(ints.buffer).set(raw);
  let at = 0;
  const [nameEntity, nameIndex, tokenStart, nameTokens, ...postings] = sizes.map((size) => {
    const section = ints.subarray(at, at + size);
    at += size;
    return section;
  }) as [Int32Array, Int32Array, Int32Array, Int32Array, ...Int32Array[]];
  // names: in entity order, each an existing name of its entity, each with one word or more
  for (let i = 0; i < n; i++) {
    const e = nameEntity[i] as number;
    if (e < 0 || e >= entities.length || (i > 0 && e < (nameEntity[i - 1] as number)))
      return bad(`name ${i}`);
    const k = nameIndex[i] as number;
    if (k < 0 || k >= (entities[e] as ListEntity).names.length) return bad(`name ${i}`);
    if ((tokenStart[i + 1] as number) <= (tokenStart[i] as number)) return bad(`name ${i}: words`);
  }
  if (tokenStart[0] !== 0 || tokenStart[n] !== tokens) return bad('words');
  for (let i = 0; i < tokens; i++) {
    const w = nameTokens[i] as number;
    if (w < 0 || w >= v) return bad('words');
  }
  const flatOf = (keys: string[], start: Int32Array, flat: Int32Array, holders: number): FlatPostings => {
    if (start[0] !== 0 || start[keys.length] !== flat.length) return bad('postings');
    for (let k = 0; k < keys.length; k++) {
      const from = start[k] as number;
      const to = start[k + 1] as number;
      if (to <= from) return bad('postings');
      for (let i = from; i < to; i++) {
        const h = flat[i] as number;
        if (h < 0 || h >= holders || (i > from && h <= (flat[i - 1] as number))) return bad('postings');
      }
    }
    return { keys, start, flat };
  };
  const [tStart, tFlat, pStart, pFlat, iStart, iFlat] = postings as Int32Array[];
  const trigrams = flatOf(doc.trigrams, tStart as Int32Array, tFlat as Int32Array, v);
  const phonetic = flatOf(doc.phonetic, pStart as Int32Array, pFlat as Int32Array, v);
  const initials = flatOf(doc.initials, iStart as Int32Array, iFlat as Int32Array, n);
  // what the file leaves out: each name's words, letters and set-aside words, each word's names
  const extras = new Map<number, Extra>();
  if (!Array.isArray(doc.extras)) return bad('extras');
  for (const extra of doc.extras) {
    if (
      !Array.isArray(extra) ||
      !Number.isSafeInteger(extra[0]) ||
      extra[0] < 0 ||
      extra[0] >= n ||
      extras.has(extra[0]) ||
      !isStrings(extra[1]) ||
      !isStrings(extra[2]) ||
      !(extra.length === 3 || (extra.length === 5 && typeof extra[3] === 'string' && isStrings(extra[4])))
    )
      return bad('extras');
    extras.set(extra[0], extra);
  }
  const vocabulary = doc.vocabulary;
  const normalised: NormalisedName[] = new Array(n);
  const firstLetters = new Int32Array(n);
  const initialLetters = new Int32Array(n);
  const holderCounts = new Int32Array(v + 1);
  /** Per word, the last name counted as holding it (a word twice in a name is one holder). */
  const lastName = new Int32Array(v).fill(-1);
  for (let i = 0; i < n; i++) {
    const words: string[] = [];
    let starts = 0;
    let initialBits = 0;
    for (let k = tokenStart[i] as number; k < (tokenStart[i + 1] as number); k++) {
      const w = nameTokens[k] as number;
      const word = vocabulary[w] as string;
      words.push(word);
      const letter = letterBit(word.charCodeAt(0));
      starts |= letter;
      if (word.length === 1) initialBits |= letter;
      if (lastName[w] !== i) {
        lastName[w] = i;
        holderCounts[w + 1] = (holderCounts[w + 1] as number) + 1;
      }
    }
    firstLetters[i] = starts;
    initialLetters[i] = initialBits;
    const extra = extras.get(i);
    normalised[i] = {
      tokens: words,
      forms: extra ? extra[1] : NONE,
      dropped: extra ? extra[2] : NONE,
      native: extra?.length === 5 ? { script: extra[3], tokens: extra[4] } : undefined,
    };
  }
  for (let w = 0; w < v; w++)
    holderCounts[w + 1] = (holderCounts[w + 1] as number) + (holderCounts[w] as number);
  const holders = new Int32Array(holderCounts[v] as number);
  const fill = holderCounts.slice(0, v);
  for (let i = 0; i < n; i++) {
    for (let k = tokenStart[i] as number; k < (tokenStart[i + 1] as number); k++) {
      const w = nameTokens[k] as number;
      const to = fill[w] as number;
      if (to > (holderCounts[w] as number) && holders[to - 1] === i) continue;
      holders[to] = i;
      fill[w] = to + 1;
    }
  }
  for (let w = 0; w < v; w++)
    if (fill[w] !== holderCounts[w + 1] || fill[w] === holderCounts[w]) return bad('words');
  return {
    nameEntity,
    nameIndex,
    normalised,
    vocabulary,
    tokenStart,
    nameTokens,
    firstLetters,
    initialLetters,
    holders: { start: holderCounts, flat: holders },
    trigrams,
    phonetic,
    initials,
  };
}

/**
 * The screening index over the versions in force of `lists`, in order: their manifests read, then
 * `indexOfVersions`.
 */
export async function currentIndexFromFiles(
  store: Pick<ListStore, 'current' | 'readDerived'>,
  lists: readonly { readonly list: string }[],
): Promise<ScreeningIndex> {
  return indexOfVersions(store, await Promise.all(lists.map(({ list }) => store.current(list))));
}

/**
 * The screening index over these versions (a list with none in force: undefined, skipped), in order: each
 * version's entities file and index file, read together and checked (ListVersionUnusable when either fails),
 * the parts then laid out as one index. A version without an index file is indexed from its entities here.
 */
export async function indexOfVersions(
  store: Pick<ListStore, 'readDerived'>,
  manifests: readonly (ListVersionManifest | undefined)[],
): Promise<ScreeningIndex> {
  const read = await Promise.all(
    manifests.map(async (manifest) => {
      if (manifest === undefined) return undefined;
      const { list } = manifest;
      const [entities, indexBytes] = await Promise.all([
        entitiesOf(store, manifest),
        hasIndexFile(manifest) ? store.readDerived(list, manifest.version, INDEX_FILE) : undefined,
      ]);
      if (hasIndexFile(manifest) && indexBytes === undefined)
        throw new ListVersionUnusable(list, manifest.version, 'malformed', 'the index file is missing');
      const part =
        indexBytes === undefined ? buildIndexPart(entities) : decodeListIndex(manifest, indexBytes, entities);
      const ref: ListVersionRef = { list, version: manifest.version, sha256: manifest.sha256 };
      return { entities, part, ref };
    }),
  );
  const found = read.filter((r) => r !== undefined);
  return combineParts(
    found.map((r) => r.part),
    found.map((r) => r.entities.length),
    found.flatMap((r) => r.entities),
    found.map((r) => r.ref),
  );
}
