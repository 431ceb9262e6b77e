// F2: measures the name matcher on data/name-matching/name-pairs.csv (and any CSV of the same shape):
// precision, recall and F1 at the production threshold, per schema and per script, and a two-fold
// cross-validated figure (threshold chosen on one half, measured on the other). `npx tsx scripts/screening-eval.ts [FILE] [--sweep]`
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { compareNames, MATCHER_PARAMS, type MatcherParams } from '../lambdas/screening/compare.js';
import { MATCH_THRESHOLD } from '../lambdas/screening/config.js';
import { schemaOf } from '../lambdas/screening/pairs.js';

interface Row {
  schema: string;
  name1: string;
  name2: string;
  is_match: string;
}
const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'data/name-matching/name-pairs.csv';
const rows = parse(readFileSync(file), { columns: true, skip_empty_lines: true }) as Row[];

export function scriptOf(text: string): string {
  if (/\p{Script=Cyrillic}/u.test(text)) return 'Cyrillic';
  if (/\p{Script=Arabic}/u.test(text)) return 'Arabic';
  if (/[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'CJK';
  if (/\p{Script=Greek}/u.test(text)) return 'Greek';
  if (/[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(text)) return 'other';
  return 'Latin';
}

function prf(items: { score: number; truth: boolean }[], t: number) {
  let tp = 0,
    fp = 0,
    fn = 0;
  for (const i of items) {
    const m = i.score >= t;
    if (m && i.truth) tp++;
    else if (m) fp++;
    else if (i.truth) fn++;
  }
  const p = tp + fp === 0 ? 1 : tp / (tp + fp);
  const r = tp + fn === 0 ? 1 : tp / (tp + fn);
  return { n: items.length, tp, fp, fn, p, r, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}
const bestT = (items: { score: number; truth: boolean }[]) => {
  let best = { t: 0.5, f1: -1 };
  for (let t = 0.5; t <= 0.95; t += 0.005) {
    const f = prf(items, t).f1;
    if (f > best.f1) best = { t, f1: f };
  }
  return best;
};

function score(params: MatcherParams) {
  return rows.map((r) => ({
    row: r,
    truth: r.is_match.trim().toLowerCase() === 'true',
    score: compareNames(r.name1, r.name2, schemaOf(r.schema), params).score,
  }));
}

const f = (x: number) => x.toFixed(3);
if (process.argv.includes('--sweep')) {
  for (const extraWeight of [0.1, 0.2, 0.3])
    for (const minPair of [0.6, 0.7])
      for (const sharpness of [1, 2, 3])
        for (const contradictionWeight of [1, 1.5, 2, 3]) {
          const s = score({ extraWeight, minPair, sharpness, contradictionWeight });
          const b = bestT(s);
          console.log(extraWeight, minPair, sharpness, contradictionWeight, f(b.t), f(b.f1));
        }
  process.exit(0);
}
const scored = score(MATCHER_PARAMS);
const all = prf(scored, MATCH_THRESHOLD);
console.log(
  `all @${MATCH_THRESHOLD}: n ${all.n} P ${f(all.p)} R ${f(all.r)} F1 ${f(all.f1)} (best threshold on this set: ${JSON.stringify(bestT(scored))})`,
);
const groups = (key: (s: (typeof scored)[number]) => string) => {
  const m = new Map<string, typeof scored>();
  for (const s of scored) m.set(key(s), [...(m.get(key(s)) ?? []), s]);
  for (const [k, v] of [...m].sort()) {
    const x = prf(v, MATCH_THRESHOLD);
    console.log(`  ${k}: n ${x.n} TP ${x.tp} FP ${x.fp} FN ${x.fn} P ${f(x.p)} R ${f(x.r)} F1 ${f(x.f1)}`);
  }
};
console.log('per schema');
groups((s) => s.row.schema);
console.log('per script');
groups((s) => scriptOf(s.row.name1 + s.row.name2));
// Two-fold cross-validation, repeated over 20 random splits: threshold from one half, F1 on the other.
let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const f1s: number[] = [];
for (let k = 0; k < 20; k++) {
  const idx = scored.map((_, i) => i).sort(() => rand() - 0.5);
  const a = idx.slice(0, idx.length / 2).map((i) => scored[i] as (typeof scored)[number]);
  const b = idx.slice(idx.length / 2).map((i) => scored[i] as (typeof scored)[number]);
  f1s.push(prf(b, bestT(a).t).f1, prf(a, bestT(b).t).f1);
}
console.log(
  `2-fold CV (20 splits): mean F1 ${f(f1s.reduce((x, y) => x + y) / f1s.length)}, min ${f(Math.min(...f1s))}`,
);
if (process.argv.includes('--errors'))
  for (const s of scored)
    if (s.score >= MATCH_THRESHOLD !== s.truth)
      console.log(s.truth ? 'FN' : 'FP', f(s.score), s.row.schema, '|', s.row.name1, '|', s.row.name2);
