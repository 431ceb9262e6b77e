// F2 screening speed and the fast path's recall (`npm run bench`, also alone: `npx tsx bench/screening.ts`).
// One core, one process: every loaded list (OFAC SDN with its aliases, UN consolidated) indexed once; then
// the same queries screened through the blocked index and by an exhaustive scan with the same scorer, in
// the same run. Recall: every labelled pair's second name is listed next to the lists; each first name is
// screened both ways; every pair the exhaustive scan finds at the production threshold must be found fast.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { compareNames } from '../lambdas/screening/compare.js';
import { MATCH_THRESHOLD } from '../lambdas/screening/config.js';
import { parseOfacSdn } from '../lambdas/screening/lists/ofac-sdn.js';
import { parseUnConsolidated } from '../lambdas/screening/lists/un.js';
import type { ListEntity } from '../lambdas/screening/model.js';
import { schemaOf } from '../lambdas/screening/pairs.js';
import { buildIndex, type ScreeningQuery, screen } from '../lambdas/screening/screen.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p));

export function loadRealLists(): ListEntity[] {
  const sdn = parseOfacSdn({
    sdn: read('data/lists/ofac-sdn/sdn.csv'),
    alt: read('data/lists/ofac-sdn/alt.csv'),
    add: read('data/lists/ofac-sdn/add.csv'),
    comments: read('data/lists/ofac-sdn/sdn_comments.csv'),
  });
  const un = parseUnConsolidated(read('data/lists/un/consolidated.xml').toString('utf8'));
  return [...sdn, ...un];
}

interface Pair {
  schema: string;
  name1: string;
  name2: string;
  is_match: string;
}

export interface ScreeningBench {
  readonly names: number;
  readonly entities: number;
  readonly queries: number;
  readonly fastPerSecond: number;
  readonly exhaustivePerSecond: number;
  readonly meanCandidates: number;
  readonly recall: { found: number; expected: number; lost: string[] };
  readonly text: string;
  readonly markdown: string;
  readonly ok: boolean;
  /** The matcher's precision, recall and F1 on the labelled pairs, as a markdown section. */
  readonly quality: string;
}

const scriptOf = (text: string): string => {
  if (/\p{Script=Cyrillic}/u.test(text)) return 'Cyrillic';
  if (/\p{Script=Arabic}/u.test(text)) return 'Arabic';
  if (/[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'CJK';
  if (/[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(text)) return 'other';
  return 'Latin';
};

/** P/R/F1 at the production threshold, all pairs and per schema and script (scripts/screening-eval.ts has more). */
function pairQuality(pairs: readonly Pair[]): string {
  const scored = pairs.map((p) => ({
    p,
    truth: p.is_match.trim() === 'true',
    hit: compareNames(p.name1, p.name2, schemaOf(p.schema)).score >= MATCH_THRESHOLD,
  }));
  const row = (label: string, items: typeof scored) => {
    const tp = items.filter((i) => i.hit && i.truth).length;
    const fp = items.filter((i) => i.hit && !i.truth).length;
    const fn = items.filter((i) => !i.hit && i.truth).length;
    const p = tp + fp === 0 ? Number.NaN : tp / (tp + fp);
    const r = tp + fn === 0 ? Number.NaN : tp / (tp + fn);
    const f = (x: number) => (Number.isNaN(x) ? '—' : x.toFixed(3));
    return `| ${label} | ${items.length} | ${tp} | ${fp} | ${fn} | ${f(p)} | ${f(r)} | ${f((2 * p * r) / (p + r))} |`;
  };
  const groups = (key: (s: (typeof scored)[number]) => string) =>
    [...new Set(scored.map(key))].sort().map((k) =>
      row(
        k,
        scored.filter((s) => key(s) === k),
      ),
    );
  return [
    '## Screening (F2): the name matcher on the labelled pairs',
    '',
    `The production matcher at its one threshold ${MATCH_THRESHOLD} on \`data/name-matching/name-pairs.csv\` (anchor: OpenSanctions`,
    'logic-v2, P 0.74 R 0.82 F1 0.78). `npx tsx scripts/screening-eval.ts` adds a two-fold cross-validation',
    '(threshold chosen on one half, measured on the other, 20 splits: mean F1 0.884 when last run) and every miss.',
    '',
    '| set | n | TP | FP | FN | P | R | F1 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    row('**all**', scored),
    ...groups((s) => s.p.schema),
    ...groups((s) => `script: ${scriptOf(s.p.name1 + s.p.name2)}`),
  ].join('\n');
}

export function measureScreening(): ScreeningBench {
  const lists = loadRealLists();
  const pairs = parse(read('data/name-matching/name-pairs.csv'), { columns: true }) as Pair[];
  const index = buildIndex(lists, []);
  // queries: the labelled first names and a sample of listed names themselves (hits guaranteed)
  const queries: ScreeningQuery[] = [
    ...pairs.map((p) => ({ name: p.name1, schema: schemaOf(p.schema) })),
    ...lists.filter((_, i) => i % 50 === 0).map((e) => ({ name: e.names[0]?.name ?? '', schema: e.schema })),
  ];
  const time = (exhaustive: boolean, sample: readonly ScreeningQuery[], rounds: number) => {
    let candidates = 0;
    const started = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++)
      for (const q of sample) candidates += screen(q, index, { exhaustive }).scored;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      perSecond: (sample.length * rounds) / seconds,
      meanCandidates: candidates / (sample.length * rounds),
    };
  };
  time(false, queries, 1); // warm-up
  const fast = time(false, queries, 3);
  // the exhaustive scan takes ~0.3 s a screening: every 20th query
  const exhaustive = time(
    true,
    queries.filter((_, i) => i % 20 === 0),
    1,
  );

  // recall of the fast path against the exhaustive one, the pairs' second names listed among the lists
  const pairEntities: ListEntity[] = pairs.map((p, i) => ({
    id: `pairs:${i}`,
    list: 'pairs',
    schema: schemaOf(p.schema),
    names: [{ name: p.name2, kind: 'primary' }],
    birthDates: [],
    nationalities: [],
    addresses: [],
    cryptoAddresses: [],
    programs: [],
  }));
  const withPairs = buildIndex([...lists, ...pairEntities], []);
  // the exhaustive scan scores each listed name on its own, so whether it finds a pair's second name is the
  // same as screening against that name alone
  let expected = 0;
  let found = 0;
  const lost: string[] = [];
  pairs.forEach((p, i) => {
    const q = { name: p.name1, schema: schemaOf(p.schema) };
    const target = `pairs:${i}`;
    const alone = buildIndex([pairEntities[i] as ListEntity], []);
    const slow = screen(q, alone, { exhaustive: true }).hits.some((h) => h.entityId === target);
    if (!slow) return;
    expected += 1;
    if (screen(q, withPairs).hits.some((h) => h.entityId === target)) found += 1;
    else lost.push(`${p.name1} / ${p.name2}`);
  });

  const f0 = (x: number) => Math.round(x).toLocaleString('en-GB');
  const ratio = fast.perSecond / exhaustive.perSecond;
  const lines = [
    `${index.names.length} listed names of ${lists.length} entities (OFAC SDN + aliases, UN consolidated), threshold ${MATCH_THRESHOLD}, ${queries.length} queries, one core`,
    `fast (blocked) path: ${f0(fast.perSecond)} screenings/s, ${fast.meanCandidates.toFixed(0)} names scored per screening`,
    `exhaustive scan, same scorer: ${exhaustive.perSecond.toFixed(1)} screenings/s — the fast path is ${ratio.toFixed(0)}× faster`,
    `recall of the fast path against the exhaustive scan on the labelled pairs: ${found}/${expected}${lost.length > 0 ? ` (lost: ${lost.join('; ')})` : ''}`,
  ];
  const ok = fast.perSecond >= 1000 && found === expected;
  const quality = pairQuality(pairs);
  const markdown = [
    '## Screening (F2): one name against every loaded list',
    '',
    'Alone: `npx tsx bench/screening.ts`. One process, one core; the index is built once, then every query is',
    'screened through the blocked index and (every 20th query) by an exhaustive scan of every listed name with the',
    "same scorer. Recall: the labelled pairs' second names are listed next to the lists and each first name is",
    'screened both ways (docs/screening.md explains the blocking and what it can lose).',
    '',
    '| measure | value |',
    '| --- | --- |',
    `| listed names (entities) | ${index.names.length} (${lists.length}) |`,
    `| queries per pass | ${queries.length} (the ${pairs.length} labelled first names + every 50th listed entity's name) |`,
    `| fast path | **${f0(fast.perSecond)} screenings/s**, ${fast.meanCandidates.toFixed(0)} names scored per screening |`,
    `| exhaustive scan, same scorer | ${exhaustive.perSecond.toFixed(1)} screenings/s |`,
    `| speed-up | ${ratio.toFixed(0)}× |`,
    `| recall of the fast path vs exhaustive (labelled pairs) | ${found}/${expected}${lost.length > 0 ? ` — lost: ${lost.join('; ')}` : ''} |`,
  ].join('\n');
  return {
    quality,
    names: index.names.length,
    entities: lists.length,
    queries: queries.length,
    fastPerSecond: fast.perSecond,
    exhaustivePerSecond: exhaustive.perSecond,
    meanCandidates: fast.meanCandidates,
    recall: { found, expected, lost },
    text: lines.join('\n'),
    markdown,
    ok,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = measureScreening();
  console.log(result.text);
}
