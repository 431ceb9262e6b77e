// F2: name normalisation for screening. One pipeline for both sides of every comparison (the customer's
// name and every listed name), so what is removed or rewritten is removed or rewritten on both:
//   Unicode NFKD and combining marks dropped → any-ascii transliteration (Cyrillic, Greek, Arabic, CJK,
//   Devanagari … to Latin; docs/decisions.md) → camel-case joins split (FridrichBuchenberg) → digits inside
//   words read as letters (Ig0r Sech1n) → case folded → punctuation to blanks → tokens, from which
//   honorifics, name particles and (for non-persons) legal forms are set aside.
// Pure: no I/O. What was set aside is kept, so an explanation can say why a word did not count.
import anyAscii from './any-ascii.js';

export type Schema = 'Person' | 'Company' | 'Organization' | 'LegalEntity' | 'Vessel' | 'Aircraft' | 'Other';

/** Honorifics and titles: not part of who someone is. */
const HONORIFICS = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'professor',
  'sir',
  'dame',
  'lord',
  'lady',
  'rev',
  'reverend',
  'gen',
  'general',
  'col',
  'colonel',
  'capt',
  'captain',
  'maj',
  'major',
  'lt',
  'hon',
  'herr',
  'frau',
  'sr',
  'jr',
  'sra',
  'sheikh',
  'shaikh',
  'sheik',
  'imam',
  'mullah',
  'maulana',
  'maulvi',
  'mawlawi',
  'hajji',
  'alhaji',
  'gospodin',
  'president',
  'prime',
  'minister',
  'king',
  'queen',
  'prince',
  'princess',
  'emir',
]);

/** Particles that join name parts in many languages; they carry almost no identity. */
const PARTICLES = new Set([
  'al',
  'el',
  'bin',
  'ibn',
  'ben',
  'bint',
  'binti',
  'bte',
  'de',
  'del',
  'della',
  'der',
  'den',
  'van',
  'von',
  'da',
  'di',
  'do',
  'dos',
  'das',
  'du',
  'la',
  'le',
  'y',
]);

/** Words that do not tell one organisation from another: articles and joining words. */
const ORG_STOPWORDS = new Set(['the', 'of', 'and', 'for', 'und', 'et', 'a', 'an']);

/**
 * Legal forms, each as the token sequence it appears as after normalisation, mapped to one canonical form so
 * "OAO", "OJSC" and "Open Joint Stock Company" are the same thing. Longest phrases first.
 */
const LEGAL_FORMS: ReadonlyArray<readonly [string, string]> = [
  ['obshchestvo s ogranichennoi otvetstvennostiu', 'llc'],
  ['obshchestvo s ogranichennoi otvetstvennostyu', 'llc'],
  ['otkrytoe aktsionernoe obshchestvo', 'ojsc'],
  ['zakrytoe aktsionernoe obshchestvo', 'cjsc'],
  ['publichnoe aktsionernoe obshchestvo', 'pjsc'],
  ['aktsionernoe obshchestvo', 'jsc'],
  ['tovaristvo z obmezhenoiu vidpovidalnistiu', 'llc'],
  ['tovaristvo z obmezhenoyu vidpovidalnistyu', 'llc'],
  ['open joint stock company', 'ojsc'],
  ['closed joint stock company', 'cjsc'],
  ['public joint stock company', 'pjsc'],
  ['joint stock company', 'jsc'],
  ['limited liability company', 'llc'],
  ['limited liability partnership', 'llp'],
  ['public limited company', 'plc'],
  ['private limited company', 'ltd'],
  ['sociedad anonima de capital variable', 'sa'],
  ['s a de c v', 'sa'],
  ['sa de cv', 'sa'],
  ['sp zoo', 'llc'],
  ['sp z o o', 'llc'],
  ['spolka z ograniczona odpowiedzialnoscia', 'llc'],
  ['gesellschaft mit beschrankter haftung', 'gmbh'],
  ['societe anonyme', 'sa'],
  ['sociedad anonima', 'sa'],
  ['societa per azioni', 'spa'],
  ['aktiengesellschaft', 'ag'],
  ['co ltd', 'ltd'],
  ['pty ltd', 'ltd'],
  ['s p a', 'spa'],
  ['s a s', 'sas'],
  ['s r l', 'srl'],
  ['s a', 'sa'],
  ['s l', 'sl'],
  ['b v', 'bv'],
  ['n v', 'nv'],
  ['a s', 'as'],
  ['a g', 'ag'],
  ['l p', 'lp'],
  ['l l c', 'llc'],
  ['incorporated', 'inc'],
  ['corporation', 'corp'],
  ['company', 'co'],
  ['limited', 'ltd'],
  ['oao', 'ojsc'],
  ['zao', 'cjsc'],
  ['pao', 'pjsc'],
  ['ooo', 'llc'],
  ['tov', 'llc'],
  ['ojsc', 'ojsc'],
  ['cjsc', 'cjsc'],
  ['pjsc', 'pjsc'],
  ['jsc', 'jsc'],
  ['ao', 'jsc'],
  ['llc', 'llc'],
  ['llp', 'llp'],
  ['ltd', 'ltd'],
  ['plc', 'plc'],
  ['gmbh', 'gmbh'],
  ['ag', 'ag'],
  ['kg', 'kg'],
  ['se', 'se'],
  ['inc', 'inc'],
  ['corp', 'corp'],
  ['co', 'co'],
  ['sa', 'sa'],
  ['sas', 'sas'],
  ['sarl', 'sarl'],
  ['srl', 'srl'],
  ['spa', 'spa'],
  ['bv', 'bv'],
  ['nv', 'nv'],
  ['as', 'as'],
  ['ab', 'ab'],
  ['oy', 'oy'],
  ['lp', 'lp'],
  ['fze', 'fze'],
  ['fzco', 'fzco'],
  ['fzc', 'fzc'],
  ['pte', 'pte'],
  ['bhd', 'bhd'],
  ['sdn', 'sdn'],
  ['tbk', 'tbk'],
];
const FORM_PHRASES = LEGAL_FORMS.map(([phrase, form]) => ({ words: phrase.split(' '), form }));
/** The phrases by their first word, in LEGAL_FORMS's order: the first that fits is the one `find` would meet. */
const PHRASES_BY_FIRST = new Map<string, (typeof FORM_PHRASES)[number][]>();
for (const phrase of FORM_PHRASES) {
  const first = phrase.words[0] as string;
  const same = PHRASES_BY_FIRST.get(first);
  if (same === undefined) PHRASES_BY_FIRST.set(first, [phrase]);
  else same.push(phrase);
}

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
};

export interface NormalisedName {
  /** The tokens that identify: compared one by one. */
  readonly tokens: readonly string[];
  /** Legal forms found (canonical), for organisations. */
  readonly forms: readonly string[];
  /** Words set aside (honorifics, particles, joining words), for explanations. */
  readonly dropped: readonly string[];
  /** For a name written in one non-Latin script: that script and the name's words in it (CJK: characters). */
  readonly native?: { readonly script: string; readonly tokens: readonly string[] };
}

export const isOrganisation = (schema: Schema): boolean =>
  schema === 'Company' || schema === 'Organization' || schema === 'LegalEntity';

/** Whether every character of `text` is ASCII: its lower and upper case are a–z and A–Z, NFKD leaves it as is. */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Script-neutral, lower-case ASCII words of `raw`, before any word is set aside. */
export function words(raw: string): string[] {
  // a lower-case letter followed by an upper-case one is a join of two words (FridrichBuchenberg), split in
  // the text as written: after transliteration a capital can stand for one letter (Щ → Shch)
  // ASCII text (most listed names) skips what leaves it as it is: NFKD, combining marks, transliteration
  const split = (
    isAscii(raw)
      ? raw.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
      : anyAscii(
          raw
            .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
            .toLowerCase()
            .normalize('NFKD')
            .replace(/\p{M}+/gu, ''),
        ).toLowerCase()
  )
    .replace(/&/g, ' and ')
    // apostrophes inside words are transliteration marks (Ba'asyir, Hyo'k): joined, not split
    .replace(/['`’‘ʼʻ]/g, '');
  const out: string[] = [];
  // letters written apart (A.B.C., J. C.) are one abbreviation: "a b c" → "abc"
  let letters = '';
  const flush = () => {
    if (letters !== '') out.push(letters);
    letters = '';
  };
  for (const word of split.split(/[^a-z0-9]+/)) {
    if (word === '') continue;
    if (word.length === 1 && word >= 'a' && word <= 'z') {
      letters += word;
      continue;
    }
    flush();
    // digits inside a word of letters are letters typed as digits (Ig0r); numbers alone stay numbers
    out.push(
      /[a-z]/.test(word) && /[0-9]/.test(word) ? word.replace(/[0134578]/g, (d) => LEET[d] ?? d) : word,
    );
  }
  flush();
  return out;
}

const SCRIPTS: ReadonlyArray<readonly [string, RegExp]> = [
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Han', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u],
];

/** The one non-Latin script `raw` is written in, if any (a name mixing scripts has none). */
export function nativeScript(raw: string): string | undefined {
  // ASCII is Latin or common punctuation, digits and blanks: none of SCRIPTS
  if (isAscii(raw) || /\p{Script=Latin}/u.test(raw)) return undefined;
  const found = SCRIPTS.filter(([, re]) => re.test(raw));
  return found.length === 1 ? found[0]?.[0] : undefined;
}

function nativeTokens(raw: string, script: string): string[] {
  const text = raw.normalize('NFKC').toLowerCase();
  // Han and Hangul names are written without blanks: each character is a syllable, compared one by one.
  if (script === 'Han' || script === 'Hangul') return [...text.replace(/[^\p{L}\p{N}]/gu, '')];
  return text.split(/[^\p{L}\p{N}\p{M}]+/u).filter((t) => t !== '');
}

/** The comparison form of a name of `schema`. */
export function normaliseName(raw: string, schema: Schema): NormalisedName {
  const all = words(raw);
  const organisation = isOrganisation(schema);
  const tokens: string[] = [];
  const forms: string[] = [];
  const dropped: string[] = [];
  for (let i = 0; i < all.length; ) {
    if (organisation) {
      const phrase = PHRASES_BY_FIRST.get(all[i] as string)?.find((p) =>
        p.words.every((w, k) => all[i + k] === w),
      );
      if (phrase) {
        forms.push(phrase.form);
        i += phrase.words.length;
        continue;
      }
    }
    const word = all[i] as string;
    i += 1;
    if (HONORIFICS.has(word) || (organisation ? ORG_STOPWORDS.has(word) : PARTICLES.has(word))) {
      dropped.push(word);
      continue;
    }
    tokens.push(word);
  }
  // A name made only of set-aside words keeps them: "Al" alone, "The Company" alone still has a name.
  const script = nativeScript(raw);
  const native = script === undefined ? undefined : { script, tokens: nativeTokens(raw, script) };
  if (tokens.length === 0) return { tokens: all.length > 0 ? all : [], forms: [], dropped: [], native };
  return { tokens, forms, dropped, native };
}
