// F2: `npm run -s screening:pairs -- FILE.csv`. Reads a CSV whose header names at least schema, name1 and
// name2 (any order, other columns ignored, quoted fields allowed) and prints one JSON line per row, in order:
// {"name1":…,"name2":…,"score":0.0–1.0,"match":true|false}, with the production matcher and threshold.
// Nothing else goes to stdout; a bad file is an error on stderr and exit status 1 (2 for a usage error).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { compareNames } from '../lambdas/screening/compare.js';
import { MATCH_THRESHOLD } from '../lambdas/screening/config.js';
import { schemaOf } from '../lambdas/screening/pairs.js';

const REQUIRED = ['schema', 'name1', 'name2'] as const;

function main(argv: readonly string[]): number {
  const files = argv.filter((a) => a !== '--');
  if (files.length !== 1) {
    process.stderr.write('usage: npm run -s screening:pairs -- FILE.csv\n');
    return 2;
  }
  const file = files[0] as string;
  let rows: string[][];
  try {
    rows = parse(readFileSync(file), {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }) as string[][];
  } catch (error) {
    process.stderr.write(`screening:pairs: ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    process.stderr.write(
      `screening:pairs: ${file}: the header lacks ${missing.join(', ')} (it has: ${header.join(', ') || 'nothing'})\n`,
    );
    return 1;
  }
  const [schemaAt, name1At, name2At] = REQUIRED.map((c) => header.indexOf(c)) as [number, number, number];
  const out: string[] = [];
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i] as string[];
    const name1 = row[name1At] ?? '';
    const name2 = row[name2At] ?? '';
    const score = compareNames(name1, name2, schemaOf(row[schemaAt] ?? '')).score;
    const rounded = Math.round(Math.min(1, Math.max(0, score)) * 10_000) / 10_000;
    out.push(JSON.stringify({ name1, name2, score: rounded, match: rounded >= MATCH_THRESHOLD }));
  }
  if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
