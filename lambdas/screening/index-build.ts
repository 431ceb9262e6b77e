// F2: the screening index (screen.ts searches it), built in two steps so the costly one can be stored:
//   `buildIndexPart` normalises the names of ONE list's entities and lays out the postings of their distinct
//   words (trigrams, Double Metaphone keys, initials of adjacent words, the names holding each word) as flat
//   integer arrays: the list loader does it once per version and stores the result beside the entities
//   (list-index.ts), since it is most of what a cold screening function's first request used to cost;
//   `combineParts` lays one part or several (the lists in force, in order) out as the ScreeningIndex: the
//   same index, word for word and id for id, as one part built over all of their entities together.
// Pure.
import type { ListEntity } from './model.js';
import { type NormalisedName, normaliseName } from './normalise.js';
import { phoneticKeys } from './similarity.js';

export interface ListVersionRef {
  readonly list: string;
  readonly version: string;
  readonly sha256: string;
}

export interface NameRecord {
  readonly entity: number;
  readonly name: string;
  readonly kind: ListEntity['names'][number]['kind'];
  readonly normalised: NormalisedName;
}

export interface ScreeningIndex {
  readonly entities: readonly ListEntity[];
  readonly names: readonly NameRecord[];
  /** The distinct listed tokens (words), each once whatever the number of names holding it. */
  readonly vocabulary: readonly string[];
  /** Per distinct token, the names holding it (ascending ids). */
  readonly namesOfToken: readonly Int32Array[];
  /** Padded trigram → distinct tokens holding it (each token posted once per trigram). */
  readonly trigrams: ReadonlyMap<string, Int32Array>;
  /** Double Metaphone key → distinct tokens with that key. */
  readonly phonetic: ReadonlyMap<string, Int32Array>;
  /** Per name, its words as positions in `vocabulary`: name i holds nameTokens[tokenStart[i] … tokenStart[i + 1]). */
  readonly tokenStart: Int32Array;
  readonly nameTokens: Int32Array;
  /** Per distinct token, its first character code and its length. */
  readonly firstChar: Uint16Array;
  readonly tokenLength: Uint16Array;
  /** Per name, the first letters a–z of its words, and of its one-letter words (bit 0: a … bit 25: z). */
  readonly firstLetters: Int32Array;
  readonly initialLetters: Int32Array;
  /** The distinct token → its position in `vocabulary`. */
  readonly tokenIds: ReadonlyMap<string, number>;
  /** Initials of every run of two or more adjacent words of a name (`agricultural bank china` → `ab`, `abc`, `bc`) → names. */
  readonly initials: ReadonlyMap<string, Int32Array>;
  readonly listVersions: readonly ListVersionRef[];
}

/** Postings laid out flat: key k's holders are flat[start[k] … start[k + 1]), ascending. */
export interface FlatPostings {
  readonly keys: readonly string[];
  readonly start: Int32Array;
  readonly flat: Int32Array;
}

/** One list's share of an index (its entities numbered from 0), as stored (list-index.ts) and combined. */
export interface IndexPart {
  /** Per name: its entity, and its position in that entity's names. */
  readonly nameEntity: Int32Array;
  readonly nameIndex: Int32Array;
  readonly normalised: readonly NormalisedName[];
  readonly vocabulary: readonly string[];
  readonly tokenStart: Int32Array;
  readonly nameTokens: Int32Array;
  readonly firstLetters: Int32Array;
  readonly initialLetters: Int32Array;
  /** Per word (start has one entry per word and one more), the names holding it. */
  readonly holders: { readonly start: Int32Array; readonly flat: Int32Array };
  readonly trigrams: FlatPostings;
  readonly phonetic: FlatPostings;
  readonly initials: FlatPostings;
}

/** The Double Metaphone keys of a word (3 letters or more, no digit) that say something: distinct, 2+ characters. */
export function phoneticOf(token: string): string[] {
  if (token.length < 3 || /[0-9]/.test(token)) return [];
  const [primary, secondary] = phoneticKeys(token);
  return [primary, secondary].filter((k, i, all) => k.length > 1 && all.indexOf(k) === i);
}

/** The bit of a letter a–z in a name's letter sets (ScreeningIndex.firstLetters), 0 for any other character. */
export const letterBit = (code: number): number => (code >= 97 && code <= 122 ? 1 << (code - 97) : 0);

/** A growable list of 32-bit integers. */
class Ints {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  done(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Postings gathered as (key, holder) pairs, holders ascending and each posted once per key, then laid out
 * once by a counting sort: no array per key while building (~60,000 small arrays to grow, copy and collect).
 */
class Postings<K> {
  readonly slots = new Map<K, number>();
  private readonly keyOf = new Ints();
  private readonly holderOf = new Ints();
  /** Per key slot, the last holder posted (holders arrive ascending: a repeat equals the last). */
  private readonly last = new Ints();
  post(key: K, holder: number): void {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(key, slot);
      this.last.push(holder);
    } else if (this.last.data[slot] === holder) return;
    else this.last.data[slot] = holder;
    this.keyOf.push(slot);
    this.holderOf.push(holder);
  }
  flat(): { start: Int32Array; flat: Int32Array } {
    const slots = this.slots.size;
    const n = this.keyOf.length;
    const keyOf = this.keyOf.data;
    const holderOf = this.holderOf.data;
    const start = new Int32Array(slots + 1);
    for (let i = 0; i < n; i++) {
      const k = (keyOf[i] as number) + 1;
      start[k] = (start[k] as number) + 1;
    }
    for (let k = 0; k < slots; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
    const at = start.slice(0, slots);
    const flat = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = keyOf[i] as number;
      const to = at[k] as number;
      flat[to] = holderOf[i] as number;
      at[k] = to + 1;
    }
    return { start, flat };
  }
  keyed(name: (key: K) => string): FlatPostings {
    const keys: string[] = [];
    for (const key of this.slots.keys()) keys.push(name(key));
    return { keys, ...this.flat() };
  }
}

/** A padded trigram of three character codes as one number (codes under 256: a–z, 0–9, $), else as text. */
const trigramKey = (a: number, b: number, c: number, padded: string, i: number): number | string =>
  a < 256 && b < 256 && c < 256 ? (a << 16) | (b << 8) | c : padded.slice(i, i + 3);
const trigramText = (key: number | string): string =>
  typeof key === 'string' ? key : String.fromCharCode(key >> 16, (key >> 8) & 255, key & 255);

/**
 * Normalises every name of `entities` (one list's, or any) and indexes the distinct tokens (words) they are
 * made of: a word such as "muhammad" or "ltd" is indexed, and later compared with a query word, once, not
 * once per name holding it. A name whose words repeat another of the same entity's names is kept once.
 */
export function buildIndexPart(entities: readonly ListEntity[]): IndexPart {
  const nameEntity = new Ints();
  const nameIndex = new Ints();
  const normalisedNames: NormalisedName[] = [];
  const vocabulary: string[] = [];
  const tokenIds = new Map<string, number>();
  const holders = new Postings<number>();
  const trigrams = new Postings<number | string>();
  const phonetic = new Postings<string>();
  const initials = new Postings<string>();
  const tokenStart = new Ints();
  tokenStart.push(0);
  const firstLetters = new Ints();
  const initialLetters = new Ints();
  const nameTokens = new Ints();
  const tokenId = (token: string): number => {
    let id = tokenIds.get(token);
    if (id === undefined) {
      id = vocabulary.length;
      tokenIds.set(token, id);
      vocabulary.push(token);
      // each distinct trigram of `$$token$$` once (Postings drops the token's repeats)
      const padded = `$$${token}$$`;
      let a = 36;
      let b = 36;
      for (let i = 2; i < padded.length; i++) {
        const c = padded.charCodeAt(i);
        trigrams.post(trigramKey(a, b, c, padded, i - 2), id);
        a = b;
        b = c;
      }
      for (const k of phoneticOf(token)) phonetic.post(k, id);
    }
    return id;
  };
  const seen = new Set<string>();
  for (let e = 0; e < entities.length; e++) {
    const entity = entities[e] as ListEntity;
    seen.clear();
    for (let n = 0; n < entity.names.length; n++) {
      const normalised = normaliseName((entity.names[n] as ListEntity['names'][number]).name, entity.schema);
      const tokens = normalised.tokens;
      const key = tokens.join(' ');
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      const id = normalisedNames.length;
      nameEntity.push(e);
      nameIndex.push(n);
      normalisedNames.push(normalised);
      let starts = 0;
      let initialBits = 0;
      for (const token of tokens) {
        const letter = letterBit(token.charCodeAt(0));
        starts |= letter;
        if (token.length === 1) initialBits |= letter;
        const word = tokenId(token);
        nameTokens.push(word);
        holders.post(word, id);
      }
      tokenStart.push(nameTokens.length);
      firstLetters.push(starts);
      initialLetters.push(initialBits);
      // the initials of every run of 2–30 adjacent words whose initials are letters a–z (compare.ts's
      // abbreviations)
      for (let j = 0; j + 1 < tokens.length; j++) {
        let run = '';
        for (let k = j; k < tokens.length && k - j < 30; k++) {
          const c = (tokens[k] as string).charCodeAt(0);
          if (c < 97 || c > 122) break;
          run += String.fromCharCode(c);
          if (run.length >= 2) initials.post(run, id);
        }
      }
    }
  }
  return {
    nameEntity: nameEntity.done(),
    nameIndex: nameIndex.done(),
    normalised: normalisedNames,
    vocabulary,
    tokenStart: tokenStart.done(),
    nameTokens: nameTokens.done(),
    firstLetters: firstLetters.done(),
    initialLetters: initialLetters.done(),
    // a word's slot is its id: each word is posted as it is first met
    holders: holders.flat(),
    trigrams: trigrams.keyed(trigramText),
    phonetic: phonetic.keyed((k) => k),
    initials: initials.keyed((k) => k),
  };
}

/**
 * Keyed postings of several parts, in part order: the first part's lists as views of its own arrays, each
 * later part's holders renumbered by `map` (an array: −1 leaves a holder out, posted by an earlier part; a
 * number: added) and appended to the key's list, which so stays ascending. Later parts (the smaller lists)
 * cost what they hold; the first part is not copied.
 */
function mergePostings(
  first: FlatPostings,
  later: readonly { readonly postings: FlatPostings; readonly map: Int32Array | number }[],
): Map<string, Int32Array> {
  const added = new Map<string, number[]>();
  for (const { postings, map } of later) {
    const { keys, start, flat } = postings;
    for (let k = 0; k < keys.length; k++) {
      let list: number[] | undefined;
      for (let i = start[k] as number; i < (start[k + 1] as number); i++) {
        const h = flat[i] as number;
        const holder = typeof map === 'number' ? h + map : (map[h] as number);
        if (holder < 0) continue;
        if (list === undefined) {
          const key = keys[k] as string;
          list = added.get(key);
          if (list === undefined) {
            list = [];
            added.set(key, list);
          }
        }
        list.push(holder);
      }
    }
  }
  const out = new Map<string, Int32Array>();
  const { keys, start, flat } = first;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    const own = flat.subarray(start[k] as number, start[k + 1] as number);
    const more = added.get(key);
    if (more === undefined) out.set(key, own);
    else {
      const list = new Int32Array(own.length + more.length);
      list.set(own);
      list.set(more, own.length);
      out.set(key, list);
      added.delete(key);
    }
  }
  for (const [key, more] of added) out.set(key, Int32Array.from(more));
  return out;
}

const concat = (arrays: readonly Int32Array[], offsets: readonly number[]): Int32Array => {
  let length = 0;
  for (const a of arrays) length += a.length;
  const out = new Int32Array(length);
  let at = 0;
  arrays.forEach((a, p) => {
    const offset = offsets[p] as number;
    for (let i = 0; i < a.length; i++) out[at++] = (a[i] as number) + offset;
  });
  return out;
};

/**
 * The index over several parts, in order (`entities` is every part's entities one after the other, each
 * part's entities counted by `entityCounts`): the index buildIndexPart would make of all those entities at
 * once. Words met again in a later part keep the id they had; words new to it are numbered after the rest.
 */
export function combineParts(
  parts: readonly IndexPart[],
  entityCounts: readonly number[],
  entities: readonly ListEntity[],
  listVersions: readonly ListVersionRef[],
): ScreeningIndex {
  const names: NameRecord[] = [];
  const vocabulary: string[] = [];
  const tokenIds = new Map<string, number>();
  /** Per part, its word ids → the index's (its first part's ids are the index's). */
  const wordMaps: Int32Array[] = [];
  /** Per part, the first of its words' index ids that are new to it (lower ids were met earlier). */
  const firstNew: number[] = [];
  const nameOffsets: number[] = [];
  const tokenOffsets: number[] = [];
  let entityOffset = 0;
  parts.forEach((part, p) => {
    nameOffsets.push(names.length);
    tokenOffsets.push(p === 0 ? 0 : (tokenOffsets[p - 1] as number) + (parts[p - 1]?.nameTokens.length ?? 0));
    for (let i = 0; i < part.normalised.length; i++) {
      const entity = entityOffset + (part.nameEntity[i] as number);
      const named = (entities[entity] as ListEntity).names[
        part.nameIndex[i] as number
      ] as ListEntity['names'][number];
      names.push({
        entity,
        name: named.name,
        kind: named.kind,
        normalised: part.normalised[i] as NormalisedName,
      });
    }
    entityOffset += entityCounts[p] as number;
    firstNew.push(vocabulary.length);
    const map = new Int32Array(part.vocabulary.length);
    part.vocabulary.forEach((word, w) => {
      let id = tokenIds.get(word);
      if (id === undefined) {
        id = vocabulary.length;
        tokenIds.set(word, id);
        vocabulary.push(word);
      }
      map[w] = id;
    });
    wordMaps.push(map);
  });
  const nameTokens =
    parts.length === 1 && parts[0] !== undefined
      ? parts[0].nameTokens
      : concat(
          parts.map((part, p) => {
            const map = wordMaps[p] as Int32Array;
            return part.nameTokens.map((w) => map[w] as number);
          }),
          parts.map(() => 0),
        );
  // a word's names: every part's holders of it, renumbered, in part order (the first part's not copied)
  const first = parts[0];
  const namesOfToken: Int32Array[] = new Array(vocabulary.length);
  if (first !== undefined) {
    const { start, flat } = first.holders;
    for (let w = 0; w < first.vocabulary.length; w++)
      namesOfToken[w] = flat.subarray(start[w] as number, start[w + 1] as number);
  }
  for (let p = 1; p < parts.length; p++) {
    const part = parts[p] as IndexPart;
    const map = wordMaps[p] as Int32Array;
    const offset = nameOffsets[p] as number;
    const { start, flat } = part.holders;
    for (let w = 0; w < part.vocabulary.length; w++) {
      const id = map[w] as number;
      const from = start[w] as number;
      const to = start[w + 1] as number;
      const before = namesOfToken[id];
      const had = before?.length ?? 0;
      const list = new Int32Array(had + to - from);
      if (before !== undefined) list.set(before);
      for (let i = from; i < to; i++) list[had + i - from] = (flat[i] as number) + offset;
      namesOfToken[id] = list;
    }
  }
  // a word's trigrams and Metaphone keys are its own: posted by the first part that has the word
  const newWords = (p: number) => {
    const from = firstNew[p] as number;
    return (wordMaps[p] as Int32Array).map((id) => (id >= from ? id : -1));
  };
  const later = parts.slice(1);
  const none: FlatPostings = { keys: [], start: new Int32Array(1), flat: new Int32Array(0) };
  const wordPostings = (of: (part: IndexPart) => FlatPostings) =>
    mergePostings(
      first === undefined ? none : of(first),
      later.map((part, p) => ({ postings: of(part), map: newWords(p + 1) })),
    );
  return {
    entities,
    names,
    vocabulary,
    namesOfToken,
    trigrams: wordPostings((part) => part.trigrams),
    phonetic: wordPostings((part) => part.phonetic),
    tokenStart: concat(
      parts.map((part, p) => (p === 0 ? part.tokenStart : part.tokenStart.subarray(1))),
      tokenOffsets,
    ),
    nameTokens,
    firstChar: Uint16Array.from(vocabulary, (t) => t.charCodeAt(0)),
    tokenLength: Uint16Array.from(vocabulary, (t) => Math.min(t.length, 65535)),
    firstLetters: concat(
      parts.map((part) => part.firstLetters),
      parts.map(() => 0),
    ),
    initialLetters: concat(
      parts.map((part) => part.initialLetters),
      parts.map(() => 0),
    ),
    tokenIds,
    initials: mergePostings(
      first === undefined ? none : first.initials,
      later.map((part, p) => ({ postings: part.initials, map: nameOffsets[p + 1] as number })),
    ),
    listVersions,
  };
}

/** The index of `entities` (any lists, in order), built here and now (tests, the bench, a version stored without its index file). */
export function buildIndex(
  entities: readonly ListEntity[],
  listVersions: readonly ListVersionRef[],
): ScreeningIndex {
  return combineParts([buildIndexPart(entities)], [entities.length], entities, listVersions);
}
