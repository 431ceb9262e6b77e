// F2: string similarity of two normalised tokens. Jaro-Winkler (prefix-friendly, good on typos in long
// words) averaged with a Levenshtein ratio (strict on short words, where Jaro-Winkler is too kind: "Tusk" /
// "Tesk"), raised to a phonetic floor when the Double Metaphone keys agree (Qaddafi / Gaddafi). Written here
// rather than imported: they are a few lines each, run in the innermost loop of every screening, and work on
// the ASCII the normaliser produces (docs/decisions.md).
import { doubleMetaphone } from 'double-metaphone';

/** Jaro-Winkler's match flags, reused across calls (allocated per call only for tokens over 256 characters). */
const flagsA = new Uint8Array(256);
const flagsB = new Uint8Array(256);

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  const matchedA = la <= 256 ? flagsA : new Uint8Array(la);
  const matchedB = lb <= 256 ? flagsB : new Uint8Array(lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (matchedB[j] === 0 && b.charCodeAt(j) === c) {
        matchedA[i] = 1;
        matchedB[j] = 1;
        matches++;
        break;
      }
    }
  }
  let transpositions = 0;
  if (matches > 0) {
    for (let i = 0, j = 0; i < la; i++) {
      if (matchedA[i] === 0) continue;
      while (matchedB[j] === 0) j++;
      if (a.charCodeAt(i) !== b.charCodeAt(j)) transpositions++;
      j++;
    }
  }
  // the flags are shared: cleared before returning
  matchedA.fill(0, 0, la);
  matchedB.fill(0, 0, lb);
  if (matches === 0) return 0;
  const jaro = (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

const row = new Uint16Array(256);

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (la === 0) return lb;
  if (lb === 0) return la;
  const prev = lb < 255 ? row : new Uint16Array(lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    let diagonal = prev[0] as number;
    prev[0] = i;
    const c = a.charCodeAt(i - 1);
    let left = i;
    for (let j = 1; j <= lb; j++) {
      const above = prev[j] as number;
      // the least of a substitution (or match), a deletion and an insertion
      let cell = b.charCodeAt(j - 1) === c ? diagonal : diagonal + 1;
      if (above + 1 < cell) cell = above + 1;
      if (left + 1 < cell) cell = left + 1;
      prev[j] = cell;
      left = cell;
      diagonal = above;
    }
  }
  return prev[lb] as number;
}

const phoneticCache = new Map<string, readonly [string, string]>();

/** The Double Metaphone keys of a token, cached (list tokens repeat across names). */
export function phoneticKeys(token: string): readonly [string, string] {
  let keys = phoneticCache.get(token);
  if (keys === undefined) {
    const [primary, secondary] = doubleMetaphone(token);
    keys = [primary, secondary];
    if (phoneticCache.size > 200_000) phoneticCache.clear();
    phoneticCache.set(token, keys);
  }
  return keys;
}

export type TokenRelation = 'equal' | 'initial' | 'phonetic' | 'similar' | 'number';

export interface TokenSimilarity {
  readonly score: number;
  readonly relation: TokenRelation;
}

export const NO_MATCH: TokenSimilarity = { score: 0, relation: 'similar' };

/** All digits (a non-empty token). */
const isNumber = (token: string): boolean => {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return token.length > 0;
};

/** How alike two tokens are, in [0, 1], and why. */
export function tokenSimilarity(a: string, b: string): TokenSimilarity {
  if (a === b) return { score: 1, relation: 'equal' };
  if (isNumber(a) || isNumber(b)) return { score: 0, relation: 'number' };
  if (a.length === 1 || b.length === 1) {
    return a[0] === b[0] ? { score: INITIAL_SCORE, relation: 'initial' } : NO_MATCH;
  }
  const edit = 1 - levenshtein(a, b) / Math.max(a.length, b.length);
  const score = (jaroWinkler(a, b) + edit) / 2;
  if (score < PHONETIC_SCORE && score >= PHONETIC_FLOOR && a.length > 2 && b.length > 2) {
    const [pa, sa] = phoneticKeys(a);
    const [pb, sb] = phoneticKeys(b);
    if (pa.length > 1 && (pa === pb || pa === sb || sa === pb))
      return { score: PHONETIC_SCORE, relation: 'phonetic' };
  }
  return { score, relation: 'similar' };
}

/** Below this, two spellings are too far apart for a shared sound to mean the same name. */
export const PHONETIC_FLOOR = 0.5;
/** An initial against a word that starts with it. */
export const INITIAL_SCORE = 0.9;
/** Two different spellings that sound the same. */
export const PHONETIC_SCORE = 0.88;
