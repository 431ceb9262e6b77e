// F2 the fast screening path (vocabulary index, blocking, bound) against the exhaustive scan on the real
// lists: for every query of the sample, the same hits in the same order with the same scores and
// explanations. The sample: every name of the labelled pairs (both sides, their schemas) and a few hundred
// listed names (every 37th entity's first two names), screened against every 10th listed entity plus the
// pairs' second names (the exhaustive side scores every listed name, so the whole lists would be slow here;
// the bench measures the full lists).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { loadRealLists } from '../../bench/screening.js';
import { compareNames } from '../../lambdas/screening/compare.js';
import { MATCH_THRESHOLD } from '../../lambdas/screening/config.js';
import type { ListEntity } from '../../lambdas/screening/model.js';
import { schemaOf } from '../../lambdas/screening/pairs.js';
import { buildIndex, type ScreeningQuery, screen } from '../../lambdas/screening/screen.js';

interface Pair {
  schema: string;
  name1: string;
  name2: string;
  is_match: string;
}

const pairs = parse(readFileSync(join(__dirname, '../../data/name-matching/name-pairs.csv')), {
  columns: true,
}) as Pair[];

describe('F2 screening fast path', () => {
  it('F2 the fast path returns exactly the hits and scores of the exhaustive scan (labelled names + listed names)', () => {
    const lists = loadRealLists();
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
    const index = buildIndex([...lists.filter((_, i) => i % 10 === 0), ...pairEntities], []);
    const queries: ScreeningQuery[] = [
      ...pairs.flatMap((p) => [
        { name: p.name1, schema: schemaOf(p.schema) },
        { name: p.name2, schema: schemaOf(p.schema) },
      ]),
      ...lists
        .filter((_, i) => i % 37 === 1)
        .flatMap((e) => e.names.slice(0, 2).map((n) => ({ name: n.name, schema: e.schema }))),
      // abbreviations and initials, which share no trigram with what they match
      { name: 'ABC', schema: 'Company' },
      { name: 'PLA', schema: 'Organization' },
      { name: 'J. Smith' },
    ];
    expect(queries.length).toBeGreaterThan(1000);
    let hits = 0;
    const differing: string[] = [];
    for (const query of queries) {
      const fast = screen(query, index);
      const slow = screen(query, index, { exhaustive: true });
      hits += slow.hits.length;
      if (JSON.stringify(fast.hits) !== JSON.stringify(slow.hits)) differing.push(query.name);
      expect(fast.scored).toBeLessThanOrEqual(slow.scored);
    }
    expect(differing).toEqual([]);
    expect(hits).toBeGreaterThan(1000);
  }, 300_000);

  it('F2 the production scores are unchanged: F1 0.893 on the labelled pairs at 0.77', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const p of pairs) {
      const hit = compareNames(p.name1, p.name2, schemaOf(p.schema)).score >= MATCH_THRESHOLD;
      const truth = p.is_match.trim() === 'true';
      if (hit && truth) tp++;
      else if (hit) fp++;
      else if (truth) fn++;
    }
    expect([tp, fp, fn]).toEqual([187, 20, 25]);
    expect(((2 * tp) / (2 * tp + fp + fn)).toFixed(3)).toBe('0.893');
  });
});
