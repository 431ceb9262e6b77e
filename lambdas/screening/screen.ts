// F2: screening one subject against every loaded list. `buildIndex` normalises every listed name once and
// indexes the distinct words they are made of (padded character trigrams and Double Metaphone keys → words,
// word → names, initials of adjacent words → names); `screen` finds candidates through that index
// (blocking), prunes them with two upper bounds of the score, and scores the rest with the production
// comparison (compare.ts): the scores are never computed any other way.
//
// Why the blocking loses nothing it may not: a name reaches the threshold T only if some token pair is at
// least √T alike (the score is a weighted mean of squared token similarities, compare.ts). Two tokens that
// alike are either phonetically equal (a Metaphone key in common), or within k edits where k ≤ 0.33·L for a
// query token of length L; by the q-gram lemma they then share at least L + 2 − 3k trigrams of the token
// padded with two blanks each side. Abbreviations (PLA / People's Liberation Army) and initials (J / John),
// which share no trigram with what they match, reach names through the initials index and the first letters.
// test/unit/screening-fast-path.test.ts checks the fast path against the exhaustive scan; the bench measures
// its recall on the labelled pairs (docs/screening.md, Speed).
//
// Date of birth, nationality and entity type then adjust the score where both sides have them; they lower a
// hit or raise it, but never make a hit of a name that does not match. Pure.
import {
  compareNormalised,
  JOIN_MIN,
  MATCHER_PARAMS,
  type MatcherParams,
  type NamePairResult,
  type Similarity,
  weightOf,
} from './compare.js';
import { MATCH_THRESHOLD } from './config.js';
import {
  type ListVersionRef,
  letterBit,
  type NameRecord,
  phoneticOf,
  type ScreeningIndex,
} from './index-build.js';
import type { ListEntity } from './model.js';
import { isOrganisation, type NormalisedName, normaliseName, type Schema } from './normalise.js';
import { type TokenSimilarity, tokenSimilarity } from './similarity.js';

export type { ListVersionRef, ScreeningIndex } from './index-build.js';
export { buildIndex } from './index-build.js';

function trigramsOf(token: string): string[] {
  const padded = `$$${token}$$`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
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
let counts = new Int32Array(0);
let queryStamp = new Int32Array(0);
let masks = new Int32Array(0);
/** Per name, the query words its initials spell (bit per query word). */
let abbreviated = new Int32Array(0);
/** Per distinct token, whether (stamp) and where a run of query words starts whose initials spell it. */
let runStamp = new Int32Array(0);
let runStart = new Int32Array(0);
/** Per query word position: which listed words were near it in this query (stamp) and how alike. */
const nearStamp: Int32Array[] = [];
const nearSim: Float64Array[] = [];
let tokenGeneration = 0;
let queryGeneration = 0;

/**
 * The names that can reach `threshold` against `query`. Per query token, the distinct listed tokens close
 * enough to it (shared trigrams, or a phonetic key), and the names holding them; then, per name, an upper
 * bound of its score from which query tokens could align at all and how many of its own tokens must then
 * stay unaligned (compare.ts's formula with every similarity 1 and every weight at its most favourable):
 * names below the threshold even so are not scored. A query word with no near-equal listed word counts as
 * left over there, though it could still align weakly (0.7–0.88): a close heuristic, not a proof; the bench
 * measures what it loses.
 */
function candidatesOf(
  index: ScreeningIndex,
  query: NormalisedName,
  threshold: number,
  params: MatcherParams,
  similarity: Similarity,
): number[] {
  const n = index.names.length;
  const v = index.vocabulary.length;
  if (counts.length < v || masks.length < n) {
    // scratch space sized for the largest index seen; the generations restart with it
    tokenStamp = new Int32Array(v);
    counts = new Int32Array(v);
    runStamp = new Int32Array(v);
    runStart = new Int32Array(v);
    queryStamp = new Int32Array(n);
    masks = new Int32Array(n);
    abbreviated = new Int32Array(n);
    nearStamp.length = 0;
    nearSim.length = 0;
    tokenGeneration = 0;
    queryGeneration = 0;
  }
  const tokens = query.tokens.slice(0, 30);
  queryGeneration += 1;
  const touched: number[] = [];
  const near: number[] = [];
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t] as string;
    tokenGeneration += 1;
    near.length = 0;
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
        const c = (counts[id] as number) + 1;
        counts[id] = c;
        if (c === need) near.push(id);
      }
    }
    for (const key of phoneticOf(token)) {
      const postings = index.phonetic.get(key);
      if (postings === undefined) continue;
      for (let i = 0; i < postings.length; i++) {
        const id = postings[i] as number;
        if (tokenStamp[id] !== tokenGeneration) {
          tokenStamp[id] = tokenGeneration;
          counts[id] = 0;
        }
        if ((counts[id] as number) < need) {
          counts[id] = need;
          near.push(id);
        }
      }
    }
    const bit = 1 << t;
    // the exact similarity of this query word to each near listed word, once per query (the bound below)
    let stamps = nearStamp[t];
    let sims = nearSim[t];
    if (stamps === undefined || sims === undefined || stamps.length < v) {
      stamps = new Int32Array(v);
      sims = new Float64Array(v);
      nearStamp[t] = stamps;
      nearSim[t] = sims;
    }
    for (const word of near) {
      stamps[word] = queryGeneration;
      sims[word] = -1; // computed when a name needs it
    }
    for (const word of near) {
      const holders = index.namesOfToken[word] as Int32Array;
      for (let i = 0; i < holders.length; i++) {
        const id = holders[i] as number;
        if (queryStamp[id] !== queryGeneration) {
          queryStamp[id] = queryGeneration;
          masks[id] = 0;
          touched.push(id);
        }
        masks[id] = (masks[id] as number) | bit;
      }
    }
  }
  // abbreviations (compare.ts aligns them at 0.9 with no trigram in common): a query word spelled by the
  // initials of adjacent listed words (ABC / Agricultural Bank of China), and a listed word spelled by the
  // initials of adjacent query words; the bound below sets their bits
  const touch = (holders: Int32Array | undefined, bit: number) => {
    if (holders === undefined) return;
    for (let i = 0; i < holders.length; i++) {
      const id = holders[i] as number;
      if (queryStamp[id] !== queryGeneration) {
        queryStamp[id] = queryGeneration;
        masks[id] = 0;
        abbreviated[id] = 0;
        touched.push(id);
      }
      abbreviated[id] = (abbreviated[id] as number) | bit;
    }
  };
  for (const id of touched) abbreviated[id] = 0;
  tokens.forEach((token, t) => {
    if (token.length >= 2 && /^[a-z]+$/.test(token)) touch(index.initials.get(token), 1 << t);
  });
  // where in the query a run of words starts whose initials spell a word (initialsAt(tokens, word))
  const runsAt = new Map<string, number>();
  for (let j = 0; j < tokens.length; j++) {
    let run = '';
    for (let k = j; k < tokens.length && k - j < 30; k++) {
      const c = tokens[k]?.charCodeAt(0) ?? 0;
      if (c < 97 || c > 122) break;
      run += String.fromCharCode(c);
      if (run.length >= 2 && !runsAt.has(run)) runsAt.set(run, j);
    }
  }
  let runs = 0;
  for (const [run, at] of runsAt) {
    const word = index.tokenIds.get(run);
    if (word === undefined) continue;
    runStamp[word] = queryGeneration;
    runStart[word] = at;
    runs += 1;
    touch(index.namesOfToken[word], 0);
  }
  const firstOfQuery = tokens.map((token) => token.charCodeAt(0));
  const letterOfQuery = firstOfQuery.map(letterBit);
  const rootThreshold = Math.sqrt(threshold);
  const weights = tokens.map(weightOf);
  // the lengths of this word joined with the one before / after it (0: no such word)
  const joinBeforeLength = tokens.map((token, t) =>
    t > 0 ? (tokens[t - 1] as string).length + token.length : 0,
  );
  const joinAfterLength = tokens.map((token, t) =>
    t + 1 < tokens.length ? token.length + (tokens[t + 1] as string).length : 0,
  );
  const bestOf = new Float64Array(tokens.length);
  const out: number[] = [];
  for (const id of touched) {
    let mask = masks[id] as number;
    const from = index.tokenStart[id] as number;
    const to = index.tokenStart[id + 1] as number;
    const listedCount = to - from;
    // an initial against a word starting with it, either way (J / John: 0.9, no trigram in common)
    const starts = index.firstLetters[id] as number;
    const initials = index.initialLetters[id] as number;
    for (let t = 0; t < tokens.length; t++) {
      if ((mask & (1 << t)) !== 0) continue;
      const single = (tokens[t] as string).length === 1;
      const letter = letterOfQuery[t] as number;
      if (letter !== 0) {
        if (((single ? starts : initials) & letter) !== 0) mask |= 1 << t;
        continue;
      }
      const first = firstOfQuery[t] as number;
      for (let k = from; k < to; k++) {
        const word = index.nameTokens[k] as number;
        if (index.firstChar[word] === first && (single || index.tokenLength[word] === 1)) {
          mask |= 1 << t;
          break;
        }
      }
    }
    // abbreviations against initials (JC / Jean Claude), either way, as compare.ts aligns them
    let acronymCover = 0;
    const spelled = abbreviated[id] as number;
    for (let t = 0; spelled !== 0 && t < tokens.length; t++) {
      if ((mask & (1 << t)) === 0 && (spelled & (1 << t)) !== 0) {
        mask |= 1 << t;
        acronymCover += (tokens[t] as string).length - 2;
      }
    }
    let runBits = 0;
    for (let k = from; runs > 0 && k < to; k++) {
      const word = index.nameTokens[k] as number;
      if (runStamp[word] !== queryGeneration) continue;
      const at = runStart[word] as number;
      for (let j = 0; j < (index.tokenLength[word] as number); j++) runBits |= 1 << (at + j);
    }
    mask |= runBits;
    let aligned = 0;
    let leftQuery = 0;
    let alignable = 0;
    for (let t = 0; t < tokens.length; t++) {
      if ((mask & (1 << t)) === 0) leftQuery += weights[t] as number;
      else {
        aligned += ((weights[t] as number) + MAX_WEIGHT) / 2;
        alignable += 1;
      }
    }
    // each query token aligns one listed token, or two joined, or an abbreviation's worth
    const leftCandidate = MIN_WEIGHT * Math.max(0, listedCount - 2 * alignable - acronymCover);
    const contradicted = Math.min(leftQuery, leftCandidate);
    const extra = Math.max(leftQuery, leftCandidate) - contradicted;
    const bound =
      aligned / (aligned + params.contradictionWeight * contradicted + params.extraWeight * extra);
    if (bound < threshold) continue;
    // what each aligned query word can gain at best: Σ w·(s^p − T) over aligned pairs must cover T times
    // the weight left over (the score's formula, rearranged). s is at most the exact similarity to a near
    // listed word, √T to any other (the blocking's lemma), 0.9 as an initial, 1 in a join or abbreviation.
    // The joins are the costly part (each an exact similarity of two strings made for it), so they are
    // decided last and only where they decide: first with every join that fits by length counted as made
    // (too little even so: not a candidate), then with none made (enough already: a candidate); only a
    // name between the two has its joins tested, and it is then decided exactly as if they had been first.
    const need = threshold * (params.contradictionWeight * contradicted + params.extraWeight * extra) - 1e-9;
    let upper = 0;
    let lower = 0;
    let undecided = 0;
    for (let t = 0; t < tokens.length; t++) {
      if ((mask & (1 << t)) === 0) continue;
      const length = (tokens[t] as string).length;
      let best = (spelled & (1 << t)) !== 0 || (runBits & (1 << t)) !== 0 ? 1 : 0;
      let joinFits = false;
      const beforeLength = joinBeforeLength[t] as number;
      const afterLength = joinAfterLength[t] as number;
      for (let k = from; best < 1 && k < to; k++) {
        const word = index.nameTokens[k] as number;
        const wordLength = index.tokenLength[word] as number;
        // joins (compare.ts: lengths within 30 % and alike at JOIN_MIN): this word with the one before or
        // after it against the listed word, or this word against the listed word and the next one
        if (
          !joinFits &&
          ((beforeLength > 0 && fits(beforeLength, wordLength)) ||
            (afterLength > 0 && fits(afterLength, wordLength)) ||
            (k + 1 < to &&
              fits(length, wordLength + (index.tokenLength[index.nameTokens[k + 1] as number] as number))))
        )
          joinFits = true;
        let sim = rootThreshold;
        if ((nearStamp[t] as Int32Array)[word] === queryGeneration) {
          const sims = nearSim[t] as Float64Array;
          sim = sims[word] as number;
          if (sim < 0) {
            sim = similarity(tokens[t] as string, index.vocabulary[word] as string).score;
            sims[word] = sim;
          }
        }
        if ((length === 1 || wordLength === 1) && index.firstChar[word] === firstOfQuery[t])
          sim = Math.max(sim, 0.9);
        if (sim > best) best = sim;
      }
      const without = gainOf(best, weights[t] as number, threshold, params.sharpness);
      bestOf[t] = best;
      lower += without;
      if (best < 1 && joinFits) {
        upper += MAX_WEIGHT * (1 - threshold);
        undecided |= 1 << t;
      } else upper += without;
    }
    if (upper < need) continue;
    if (lower >= need) {
      out.push(id);
      continue;
    }
    let gain = 0;
    for (let t = 0; t < tokens.length; t++) {
      if ((mask & (1 << t)) === 0) continue;
      let best = bestOf[t] as number;
      if ((undecided & (1 << t)) !== 0 && joinMade(index, tokens, t, from, to, similarity)) best = 1;
      gain += gainOf(best, weights[t] as number, threshold, params.sharpness);
    }
    if (gain >= need) out.push(id);
  }
  // in list order, as the exhaustive scan meets them: ties between equal scores resolve the same way
  return out.sort((a, b) => a - b);
}

const MAX_WEIGHT = weightOf('xxxxxxxxxxxx');

/** What a query word of weight `weight` aligned at `best` can gain at most (candidatesOf's bound). */
function gainOf(best: number, weight: number, threshold: number, sharpness: number): number {
  // a pair spanning several query words weighs at most MAX_WEIGHT
  if (best >= 1) return MAX_WEIGHT * (1 - threshold);
  return ((weight + MAX_WEIGHT) / 2) * Math.max(0, best ** sharpness - threshold);
}

/**
 * Whether query word t joins as compare.ts joins (lengths within 30 %, alike at JOIN_MIN) with a word of the
 * listed name nameTokens[from … to): joined with the query word before or after it against a listed word, or
 * alone against a listed word joined with the next one.
 */
function joinMade(
  index: ScreeningIndex,
  tokens: readonly string[],
  t: number,
  from: number,
  to: number,
  similarity: Similarity,
): boolean {
  const token = tokens[t] as string;
  const before = t > 0 ? `${tokens[t - 1]}${token}` : undefined;
  const after = t + 1 < tokens.length ? `${token}${tokens[t + 1]}` : undefined;
  for (let k = from; k < to; k++) {
    const word = index.nameTokens[k] as number;
    const wordLength = index.tokenLength[word] as number;
    const listedWord = index.vocabulary[word] as string;
    if (
      before !== undefined &&
      fits(before.length, wordLength) &&
      similarity(before, listedWord).score >= JOIN_MIN
    )
      return true;
    if (
      after !== undefined &&
      fits(after.length, wordLength) &&
      similarity(after, listedWord).score >= JOIN_MIN
    )
      return true;
    if (k + 1 < to) {
      const next = index.nameTokens[k + 1] as number;
      if (
        fits(token.length, wordLength + (index.tokenLength[next] as number)) &&
        similarity(token, `${listedWord}${index.vocabulary[next]}`).score >= JOIN_MIN
      )
        return true;
    }
  }
  return false;
}
/** compare.ts's join test on lengths: a join alike at 0.85 differs in length by at most 30 %. */
const fits = (a: number, b: number) => Math.abs(a - b) <= 0.3 * Math.max(a, b);
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
  const candidates = options.exhaustive
    ? index.names.map((_, i) => i)
    : sameTokens(asPerson, asOrganisation)
      ? candidatesOf(index, asPerson, threshold, params, similarity)
      : [
          ...new Set([
            ...candidatesOf(index, asPerson, threshold, params, similarity),
            ...candidatesOf(index, asOrganisation, threshold, params, similarity),
          ]),
        ].sort((a, b) => a - b);
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
