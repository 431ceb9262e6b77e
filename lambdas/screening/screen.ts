// F2: screening one subject against every loaded list. `buildIndex` normalises every listed name once and
// indexes its tokens by padded character trigrams and Double Metaphone keys; `screen` finds candidates
// through that index (blocking) and scores only them with the production comparison (compare.ts).
//
// Why the blocking loses nothing it may not: a name reaches the threshold T only if some token pair is at
// least √T alike (the score is a weighted mean of squared token similarities, compare.ts). Two tokens that
// alike are either phonetically equal (a Metaphone key in common), or within k edits where k ≤ 0.33·L for a
// query token of length L; by the q-gram lemma they then share at least L + 2 − 3k trigrams of the token
// padded with two blanks each side. A
// listed name is a candidate when it reaches that count for one query token, or shares a phonetic key.
// Lost by construction: a query that is only an abbreviation shares too little with the words it abbreviates
// to be found (PLA / People's Liberation Army); with any other word in common, abbreviations count (JC Juncker). The bench measures the fast path against the exhaustive scan on the labelled pairs.
//
// Date of birth, nationality and entity type then adjust the score where both sides have them; they lower a
// hit or raise it, but never make a hit of a name that does not match. Pure.
import {
  compareNormalised,
  MATCHER_PARAMS,
  type MatcherParams,
  type NamePairResult,
  weightOf,
} from './compare.js';
import { MATCH_THRESHOLD } from './config.js';
import type { ListEntity } from './model.js';
import { isOrganisation, type NormalisedName, normaliseName, type Schema } from './normalise.js';
import { phoneticKeys, type TokenSimilarity, tokenSimilarity } from './similarity.js';

export interface ListVersionRef {
  readonly list: string;
  readonly version: string;
  readonly sha256: string;
}

interface NameRecord {
  readonly entity: number;
  readonly name: string;
  readonly kind: ListEntity['names'][number]['kind'];
  readonly normalised: NormalisedName;
}

export interface ScreeningIndex {
  readonly entities: readonly ListEntity[];
  readonly names: readonly NameRecord[];
  readonly trigrams: ReadonlyMap<string, Int32Array>;
  readonly phonetic: ReadonlyMap<string, Int32Array>;
  readonly listVersions: readonly ListVersionRef[];
}

function trigramsOf(token: string): string[] {
  const padded = `$$${token}$$`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
}

function phoneticOf(token: string): string[] {
  if (token.length < 3 || /[0-9]/.test(token)) return [];
  const [primary, secondary] = phoneticKeys(token);
  return [primary, secondary].filter((k, i, all) => k.length > 1 && all.indexOf(k) === i);
}

const schemaOfEntity = (e: ListEntity): Schema => e.schema;

/** Normalises and indexes every name of every entity; done once per list version. */
export function buildIndex(
  entities: readonly ListEntity[],
  listVersions: readonly ListVersionRef[],
): ScreeningIndex {
  const names: NameRecord[] = [];
  const trigramLists = new Map<string, number[]>();
  const phoneticLists = new Map<string, number[]>();
  const post = (map: Map<string, number[]>, key: string, id: number) => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [id]);
    else if (list[list.length - 1] !== id) list.push(id);
  };
  entities.forEach((entity, e) => {
    const seen = new Set<string>();
    for (const { name, kind } of entity.names) {
      const normalised = normaliseName(name, schemaOfEntity(entity));
      const key = normalised.tokens.join(' ');
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      const id = names.length;
      names.push({ entity: e, name, kind, normalised });
      // each trigram posted once per name (the count below is of distinct shared trigrams)
      const grams = new Set(normalised.tokens.flatMap(trigramsOf));
      for (const g of grams) post(trigramLists, g, id);
      for (const token of normalised.tokens) for (const k of phoneticOf(token)) post(phoneticLists, k, id);
    }
  });
  const freeze = (m: Map<string, number[]>) =>
    new Map([...m].map(([k, v]) => [k, Int32Array.from(v)] as const));
  return { entities, names, trigrams: freeze(trigramLists), phonetic: freeze(phoneticLists), listVersions };
}

export interface ScreeningQuery {
  readonly name: string;
  /** Person unless said otherwise. */
  readonly schema?: Schema;
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
  readonly birthDate?: string;
  /** Country names or ISO codes, any case. */
  readonly nationalities?: readonly string[];
}

export interface ScreeningOptions {
  readonly threshold?: number;
  /** Score every listed name instead of the blocked candidates (the bench's reference). */
  readonly exhaustive?: boolean;
  readonly params?: MatcherParams;
  /** At most this many hits, best first. */
  readonly limit?: number;
}

export interface Adjustment {
  readonly factor: number;
  readonly reason: string;
}

export interface ScreeningHit {
  readonly entityId: string;
  readonly list: string;
  readonly schema: Schema;
  /** The listed name that matched best, and whether it is the primary name or an alias. */
  readonly matchedName: string;
  readonly nameKind: ListEntity['names'][number]['kind'];
  /** The name comparison alone, then after the adjustments. */
  readonly nameScore: number;
  readonly score: number;
  readonly explanation: {
    readonly tokens: NamePairResult['aligned'];
    readonly unmatchedQuery: readonly string[];
    readonly unmatchedCandidate: readonly string[];
    readonly legalForms: NamePairResult['forms'];
    readonly adjustments: readonly Adjustment[];
  };
}

export interface ScreeningResult {
  readonly hits: readonly ScreeningHit[];
  /** The list versions this decision used: recorded with every screening decision. */
  readonly listVersions: readonly ListVersionRef[];
  /** How many listed names were scored. */
  readonly scored: number;
}

/** The blocking's bound: edits allowed to a token of length L that is still √T alike, and trigrams then shared. */
function trigramsNeeded(length: number, threshold: number): number {
  const minSim = Math.sqrt(threshold);
  // sim ≤ (1 + (1 − k/maxLen)) / 2 and maxLen ≤ L + k ⇒ k ≤ r·L/(1 − r) with r = 2(1 − minSim)
  const r = 2 * (1 - minSim);
  const k = Math.floor((r * length) / (1 - r) + 1e-9);
  return Math.max(1, length + 2 - 3 * k);
}

let tokenStamp = new Int32Array(0);
let queryStamp = new Int32Array(0);
let counts = new Int32Array(0);
let masks = new Int32Array(0);
let tokenGeneration = 0;
let queryGeneration = 0;

/**
 * The names that can reach `threshold` against `query`. Per query token, the names holding a token close
 * enough to it (shared trigrams, or a phonetic key); then, per name, an upper bound of its score from which
 * query tokens could align at all and how many of its own tokens must then stay unaligned (compare.ts's
 * formula with every similarity 1 and every weight at its most favourable): names below the threshold
 * even so are not scored. A query word with no near-equal listed word counts as left over there, though it
 * could still align weakly (0.7–0.88): a close heuristic, not a proof; the bench measures what it loses.
 */
function candidatesOf(
  index: ScreeningIndex,
  query: NormalisedName,
  threshold: number,
  params: MatcherParams,
): number[] {
  const n = index.names.length;
  if (counts.length < n) {
    tokenStamp = new Int32Array(n);
    queryStamp = new Int32Array(n);
    counts = new Int32Array(n);
    masks = new Int32Array(n);
    tokenGeneration = 0;
    queryGeneration = 0;
  }
  const tokens = query.tokens.slice(0, 30);
  queryGeneration += 1;
  const touched: number[] = [];
  const mark = (id: number, bit: number) => {
    if (queryStamp[id] !== queryGeneration) {
      queryStamp[id] = queryGeneration;
      masks[id] = 0;
      touched.push(id);
    }
    masks[id] = (masks[id] as number) | bit;
  };
  tokens.forEach((token, t) => {
    tokenGeneration += 1;
    const bit = 1 << t;
    const need = trigramsNeeded(token.length, threshold);
    for (const gram of new Set(trigramsOf(token))) {
      const postings = index.trigrams.get(gram);
      if (postings === undefined) continue;
      for (let i = 0; i < postings.length; i++) {
        const id = postings[i] as number;
        if (tokenStamp[id] !== tokenGeneration) {
          tokenStamp[id] = tokenGeneration;
          counts[id] = 0;
        }
        counts[id] = (counts[id] as number) + 1;
        if (counts[id] === need) mark(id, bit);
      }
    }
    for (const key of phoneticOf(token)) {
      const postings = index.phonetic.get(key);
      if (postings !== undefined) for (let i = 0; i < postings.length; i++) mark(postings[i] as number, bit);
    }
  });
  const weights = tokens.map(weightOf);
  const out: number[] = [];
  for (const id of touched) {
    let mask = masks[id] as number;
    const listed = (index.names[id] as NameRecord).normalised.tokens;
    // abbreviations against initials (JC / Jean Claude), either way, as compare.ts aligns them
    let acronymCover = 0;
    for (let t = 0; t < tokens.length; t++) {
      const token = tokens[t] as string;
      if ((mask & (1 << t)) === 0 && initialsAt(listed, token) >= 0) {
        mask |= 1 << t;
        acronymCover += token.length - 2;
      }
    }
    for (const abbreviation of listed) {
      const at = initialsAt(tokens, abbreviation);
      for (let k = 0; at >= 0 && k < abbreviation.length; k++) mask |= 1 << (at + k);
    }
    let aligned = 0;
    let leftQuery = 0;
    let alignable = 0;
    for (let t = 0; t < tokens.length; t++) {
      if ((mask & (1 << t)) !== 0) {
        aligned += ((weights[t] as number) + MAX_WEIGHT) / 2;
        alignable += 1;
      } else leftQuery += weights[t] as number;
    }
    // each query token aligns one listed token, or two joined, or an abbreviation's worth
    const leftCandidate = MIN_WEIGHT * Math.max(0, listed.length - 2 * alignable - acronymCover);
    const contradicted = Math.min(leftQuery, leftCandidate);
    const extra = Math.max(leftQuery, leftCandidate) - contradicted;
    const bound =
      aligned / (aligned + params.contradictionWeight * contradicted + params.extraWeight * extra);
    if (bound >= threshold) out.push(id);
  }
  return out;
}

/** Where in `words` a run of words starts whose initials spell `abbreviation` (2–30 letters), or -1. */
function initialsAt(words: readonly string[], abbreviation: string): number {
  if (
    abbreviation.length < 2 ||
    abbreviation.length > words.length ||
    abbreviation.length > 30 ||
    !/^[a-z]+$/.test(abbreviation)
  ) {
    return -1;
  }
  for (let j = 0; j + abbreviation.length <= words.length; j++) {
    let k = 0;
    while (k < abbreviation.length && words[j + k]?.[0] === abbreviation[k]) k++;
    if (k === abbreviation.length) return j;
  }
  return -1;
}

const MAX_WEIGHT = weightOf('xxxxxxxxxxxx');
const MIN_WEIGHT = weightOf('x');

const sameTokens = (a: NormalisedName, b: NormalisedName) =>
  a.tokens.length === b.tokens.length && a.tokens.every((t, i) => t === b.tokens[i]);

const norm = (s: string) => s.trim().toLowerCase();

/** DOB, nationality and type, where both sides have them. */
function adjustmentsOf(query: ScreeningQuery, schema: Schema, entity: ListEntity): Adjustment[] {
  const out: Adjustment[] = [];
  const personQuery = schema === 'Person';
  const personEntity = entity.schema === 'Person';
  if (query.schema !== undefined && entity.schema !== 'Other' && personQuery !== personEntity) {
    out.push({ factor: 0.7, reason: `entity type differs (${schema} / ${entity.schema})` });
  }
  if (query.birthDate !== undefined && entity.birthDates.length > 0) {
    const q = query.birthDate;
    // agreement at the precision both sides have: 1961 agrees with 1961-04-17
    const agrees = entity.birthDates.some((d) => d.startsWith(q) || q.startsWith(d));
    const sameYear = entity.birthDates.some((d) => d.slice(0, 4) === q.slice(0, 4));
    if (agrees) out.push({ factor: 1.1, reason: `date of birth agrees (${q})` });
    else if (sameYear) out.push({ factor: 0.95, reason: 'date of birth: same year, other day' });
    else
      out.push({
        factor: 0.8,
        reason: `date of birth differs (listed: ${entity.birthDates.slice(0, 3).join(', ')})`,
      });
  }
  if (
    query.nationalities !== undefined &&
    query.nationalities.length > 0 &&
    entity.nationalities.length > 0
  ) {
    const mine = query.nationalities.map(norm);
    const agrees = entity.nationalities.some((n) => mine.includes(norm(n)));
    out.push(
      agrees
        ? { factor: 1.05, reason: 'nationality agrees' }
        : { factor: 0.9, reason: 'nationality differs' },
    );
  }
  return out;
}

/** Screens one subject: the hits at or above the threshold, best first, each explained. */
export function screen(
  query: ScreeningQuery,
  index: ScreeningIndex,
  options: ScreeningOptions = {},
): ScreeningResult {
  const threshold = options.threshold ?? MATCH_THRESHOLD;
  const params = options.params ?? MATCHER_PARAMS;
  const schema = query.schema ?? 'Person';
  // the query is normalised once as a person and once as an organisation: each listed name is compared in
  // its own entity's form (legal forms are set aside for organisations only)
  const asPerson = normaliseName(query.name, isOrganisation(schema) ? 'Other' : schema);
  const asOrganisation = normaliseName(query.name, 'Company');
  const candidates = options.exhaustive
    ? index.names.map((_, i) => i)
    : sameTokens(asPerson, asOrganisation)
      ? candidatesOf(index, asPerson, threshold, params)
      : [
          ...new Set([
            ...candidatesOf(index, asPerson, threshold, params),
            ...candidatesOf(index, asOrganisation, threshold, params),
          ]),
        ];
  // token pairs recur across listed names (Muhammad, Ltd …): each is compared once per screening
  const memo = new Map<string, Map<string, TokenSimilarity>>();
  const similarity = (a: string, b: string): TokenSimilarity => {
    let row = memo.get(a);
    if (row === undefined) {
      row = new Map();
      memo.set(a, row);
    }
    let sim = row.get(b);
    if (sim === undefined) {
      sim = tokenSimilarity(a, b);
      row.set(b, sim);
    }
    return sim;
  };
  const best = new Map<number, ScreeningHit>();
  for (const id of candidates) {
    const record = index.names[id] as NameRecord;
    const entity = index.entities[record.entity] as ListEntity;
    const organisation = isOrganisation(entity.schema);
    const result = compareNormalised(
      organisation ? asOrganisation : asPerson,
      record.normalised,
      entity.schema,
      params,
      similarity,
    );
    if (result.score < threshold) continue;
    const adjustments = adjustmentsOf(query, schema, entity);
    const score = Math.min(
      1,
      adjustments.reduce((s, a) => s * a.factor, result.score),
    );
    const previous = best.get(record.entity);
    if (previous !== undefined && previous.score >= score) continue;
    best.set(record.entity, {
      entityId: entity.id,
      list: entity.list,
      schema: entity.schema,
      matchedName: record.name,
      nameKind: record.kind,
      nameScore: result.score,
      score,
      explanation: {
        tokens: result.aligned,
        unmatchedQuery: result.unmatchedQuery,
        unmatchedCandidate: result.unmatchedCandidate,
        legalForms: result.forms,
        adjustments,
      },
    });
  }
  const hits = [...best.values()].filter((h) => h.score >= threshold).sort((a, b) => b.score - a.score);
  return {
    hits: options.limit === undefined ? hits : hits.slice(0, options.limit),
    listVersions: index.listVersions,
    scored: candidates.length,
  };
}
