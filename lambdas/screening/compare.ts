// F2: the name comparison. Two normalised names are aligned token by token, order-insensitively: every pair
// of tokens (and every two adjacent tokens of one side joined, for "Mohammad Hasni" / "MOHAMMADHASNI") is
// scored (similarity.ts), and the best pairs are taken greedily, each token used once. The score is the
// weighted mean similarity of the aligned tokens over the weight of everything that could have aligned:
//  - a word left over on BOTH sides is a contradiction (Sergey IVANOV / Sergey Viktorovich LAVROV) and
//    weighs fully against the match;
//  - a word left over on one side only is a missing part (a middle name, a patronymic, "Group") and weighs
//    against it only lightly (EXTRA_WEIGHT);
//  - longer tokens weigh more than short ones (an initial identifies less than a surname).
// Legal forms count only as a small extra: equal forms agree, different ones mildly disagree.
// Every hit comes with the alignment, so a reviewer sees which word matched which, and how well.
import { isOrganisation, type NormalisedName, normaliseName, type Schema } from './normalise.js';
import { INITIAL_SCORE, type TokenRelation, type TokenSimilarity, tokenSimilarity } from './similarity.js';

/** The token similarity to use: `tokenSimilarity`, or a memo of it for one query (screen.ts). */
export type Similarity = (a: string, b: string) => TokenSimilarity;

export interface MatcherParams {
  /** Weight of a word present on one side only, relative to a contradicted word. */
  readonly extraWeight: number;
  /** Aligned pairs below this similarity are not aligned (they count as contradictions). */
  readonly minPair: number;
  /** The similarity of an aligned pair is raised to this power: near-misses cost more than linearly. */
  readonly sharpness: number;
  /** Weight of a word contradicted by a different word on the other side, relative to an aligned one. */
  readonly contradictionWeight: number;
}

export const MATCHER_PARAMS: MatcherParams = {
  extraWeight: 0.2,
  minPair: 0.7,
  sharpness: 2,
  contradictionWeight: 2,
};

export interface AlignedToken {
  readonly query: string;
  readonly candidate: string;
  readonly relation: TokenRelation | 'joined';
  readonly score: number;
}

export interface NameComparison {
  readonly score: number;
  readonly aligned: readonly AlignedToken[];
  /** Words of one name with no counterpart in the other. */
  readonly unmatchedQuery: readonly string[];
  readonly unmatchedCandidate: readonly string[];
}

/** Two adjacent words joined align with one word only when at least this alike. */
export const JOIN_MIN = 0.85;
/** A token's weight: longer words identify more (an initial 3, a word of eight letters or more 10). */
export const weightOf = (token: string) => Math.min(token.length, 8) + 2;

interface Pair {
  readonly q: readonly number[];
  readonly c: readonly number[];
  readonly score: number;
  readonly relation: TokenRelation | 'joined';
}

/** The lengths of two words alike at JOIN_MIN differ by at most 30 % (joined words are tested only then). */
const lengthsFit = (a: number, b: number) => Math.abs(a - b) <= 0.3 * Math.max(a, b);

function candidatePairs(
  q: readonly string[],
  c: readonly string[],
  minPair: number,
  tokenSimilarity: Similarity,
): Pair[] {
  const pairs: Pair[] = [];
  for (let i = 0; i < q.length; i++) {
    for (let j = 0; j < c.length; j++) {
      const sim = tokenSimilarity(q[i] as string, c[j] as string);
      if (sim.score >= minPair) pairs.push({ q: [i], c: [j], score: sim.score, relation: sim.relation });
    }
  }
  // Two adjacent words of one side written as one on the other.
  // (a join alike at JOIN_MIN differs in length by at most 30 %: the length check spares most comparisons)
  for (let i = 0; i + 1 < q.length; i++) {
    const length = (q[i] as string).length + (q[i + 1] as string).length;
    let joined: string | undefined;
    for (let j = 0; j < c.length; j++) {
      if (!lengthsFit(length, (c[j] as string).length)) continue;
      joined ??= `${q[i]}${q[i + 1]}`;
      const sim = tokenSimilarity(joined, c[j] as string);
      if (sim.score >= JOIN_MIN) pairs.push({ q: [i, i + 1], c: [j], score: sim.score, relation: 'joined' });
    }
  }
  for (let j = 0; j + 1 < c.length; j++) {
    const length = (c[j] as string).length + (c[j + 1] as string).length;
    let joined: string | undefined;
    for (let i = 0; i < q.length; i++) {
      if (!lengthsFit((q[i] as string).length, length)) continue;
      joined ??= `${c[j]}${c[j + 1]}`;
      const sim = tokenSimilarity(q[i] as string, joined);
      if (sim.score >= JOIN_MIN) pairs.push({ q: [i], c: [j, j + 1], score: sim.score, relation: 'joined' });
    }
  }
  // An abbreviation against the initials of adjacent words (PLA / People's Liberation Army, JC / Jean Claude).
  acronyms(q, c, false, pairs);
  acronyms(c, q, true, pairs);
  // Best first; among equals, the one covering more (a join beats two halves matched apart only if better).
  pairs.sort((a, b) => b.score - a.score || b.q.length + b.c.length - (a.q.length + a.c.length));
  return pairs;
}

function acronyms(short: readonly string[], long: readonly string[], swapped: boolean, pairs: Pair[]): void {
  for (let i = 0; i < short.length; i++) {
    const token = short[i] as string;
    if (token.length < 2 || token.length > long.length || !/^[a-z]+$/.test(token)) continue;
    for (let j = 0; j + token.length <= long.length; j++) {
      let k = 0;
      while (k < token.length && long[j + k]?.[0] === token[k]) k++;
      if (k < token.length) continue;
      const span = Array.from({ length: token.length }, (_, n) => j + n);
      pairs.push(
        swapped
          ? { q: span, c: [i], score: INITIAL_SCORE, relation: 'initial' }
          : { q: [i], c: span, score: INITIAL_SCORE, relation: 'initial' },
      );
    }
  }
}

/** Compares two already normalised token lists. */
export function compareTokens(
  q: readonly string[],
  c: readonly string[],
  params: MatcherParams = MATCHER_PARAMS,
  similarity: Similarity = tokenSimilarity,
): NameComparison {
  if (q.length === 0 || c.length === 0)
    return { score: 0, aligned: [], unmatchedQuery: [...q], unmatchedCandidate: [...c] };
  const usedQ = new Uint8Array(q.length);
  const usedC = new Uint8Array(c.length);
  const aligned: AlignedToken[] = [];
  let agreed = 0;
  let alignedWeight = 0;
  for (const pair of candidatePairs(q, c, params.minPair, similarity)) {
    if (pair.q.some((i) => usedQ[i] === 1) || pair.c.some((j) => usedC[j] === 1)) continue;
    for (const i of pair.q) usedQ[i] = 1;
    for (const j of pair.c) usedC[j] = 1;
    const qText = pair.q.map((i) => q[i]).join('');
    const cText = pair.c.map((j) => c[j]).join('');
    const weight = (weightOf(qText) + weightOf(cText)) / 2;
    alignedWeight += weight;
    agreed += weight * pair.score ** params.sharpness;
    aligned.push({
      query: pair.q.map((i) => q[i]).join(' '),
      candidate: pair.c.map((j) => c[j]).join(' '),
      relation: pair.relation,
      score: pair.score,
    });
  }
  const unmatchedQuery = q.filter((_, i) => usedQ[i] === 0);
  const unmatchedCandidate = c.filter((_, j) => usedC[j] === 0);
  const leftQ = unmatchedQuery.reduce((s, t) => s + weightOf(t), 0);
  const leftC = unmatchedCandidate.reduce((s, t) => s + weightOf(t), 0);
  const contradicted = Math.min(leftQ, leftC);
  const extra = Math.max(leftQ, leftC) - contradicted;
  const denominator = alignedWeight + params.contradictionWeight * contradicted + params.extraWeight * extra;
  const score = denominator === 0 ? 0 : agreed / denominator;
  return { score, aligned, unmatchedQuery, unmatchedCandidate };
}

export interface NamePairResult extends NameComparison {
  readonly forms: { readonly query: readonly string[]; readonly candidate: readonly string[] };
}

/** Legal forms: equal forms or one side without a form change nothing; different forms cost a little. */
const FORM_MISMATCH = 0.97;

/** Compares two normalised names of one schema. */
export function compareNormalised(
  q: NormalisedName,
  c: NormalisedName,
  schema: Schema,
  params: MatcherParams = MATCHER_PARAMS,
  similarity: Similarity = tokenSimilarity,
): NamePairResult {
  const base = compareTokens(q.tokens, c.tokens, params, similarity);
  let score = base.score;
  // Two names in the same non-Latin script are also compared as written.
  if (q.native !== undefined && c.native !== undefined && q.native.script === c.native.script) {
    // Transliteration can merge letters that differ (高石 / 高市 read alike): the names must agree as written
    // too, so the lower of the two views counts. (Never raising the score also keeps the blocked search exact.)
    score = Math.min(score, compareTokens(q.native.tokens, c.native.tokens, params).score);
  }
  if (
    isOrganisation(schema) &&
    q.forms.length > 0 &&
    c.forms.length > 0 &&
    !q.forms.some((f) => c.forms.includes(f))
  ) {
    score *= FORM_MISMATCH;
  }
  return {
    score,
    aligned: base.aligned,
    unmatchedQuery: base.unmatchedQuery,
    unmatchedCandidate: base.unmatchedCandidate,
    forms: { query: q.forms, candidate: c.forms },
  };
}

/** Compares two raw names of one schema. */
export function compareNames(
  a: string,
  b: string,
  schema: Schema,
  params: MatcherParams = MATCHER_PARAMS,
): NamePairResult {
  return compareNormalised(normaliseName(a, schema), normaliseName(b, schema), schema, params);
}
