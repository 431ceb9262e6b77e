// Renders the bench results: the Markdown of docs/benchmarks.md and the plain table printed to stdout.

import { BUDGETS, CALIBRATION, KB, kb, type Verdict } from './budgets.js';
import { type BundleFacts, EMPTY_ID } from './bundle.js';
import { PRODUCTION_BUNDLING } from './bundle-options.js';

export interface Row {
  facts: BundleFacts;
  /** Median `await import(bundle)` in a fresh node: the init time over empty node. */
  initMs: number;
  /** Median wall time of the whole child process. */
  wallMs: number;
}

export interface Machine {
  node: string;
  cpus: number;
  cpuModel: string;
  platform: string;
}

export interface BenchResult {
  command: string;
  date: string;
  machine: Machine;
  runs: number;
  /** Median wall time of a child that imports nothing. */
  emptyNodeWallMs: number;
  /** Median import of the calibration module (bench/calibration.ts) in the same run. */
  calibrationMs: number;
  /** calibrationMs over CALIBRATION.referenceMs: how much slower than the reference this run's machine was. */
  speed: number;
  empty: Row;
  rows: Row[];
  /** Size and init of every function, then the budgets of the further sections. */
  verdicts: Verdict[];
  /** Further measurements (E1 signed rows, …): printed after the table, a `## …` section each in the Markdown. */
  sections: ReportSection[];
}

export interface ReportSection {
  text: string;
  /** Markdown starting with its own `## ` heading. */
  markdown: string;
}

const ms = (value: number) => value.toFixed(1);
const ratio = (value: number, base: number) => `${(value / base).toFixed(1)}×`;

const HEADER = [
  'function',
  'KB',
  '× empty',
  'init ms',
  'at ref. speed',
  'init − empty',
  '× empty',
  'wall ms',
];

function cells(row: Row, empty: Row, speed: number): string[] {
  const isEmpty = row.facts.id === EMPTY_ID;
  return [
    row.facts.id,
    (row.facts.bytes / KB).toFixed(1),
    ratio(row.facts.bytes, empty.facts.bytes),
    ms(row.initMs),
    ms(row.initMs / speed),
    isEmpty ? '—' : ms(row.initMs - empty.initMs),
    ratio(row.initMs, empty.initMs),
    ms(row.wallMs),
  ];
}

export function renderMarkdown(result: BenchResult): string {
  const { machine, empty, rows, verdicts } = result;
  const table = [
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...[empty, ...rows].map((row) => `| ${cells(row, empty, result.speed).join(' | ')} |`),
  ];
  const breaches = verdicts.filter((v) => !v.ok);
  const verdictLines = verdicts.map(
    (v) =>
      `| ${v.id} | ${v.budget} | ${v.actual} | ${v.ok ? 'pass' : `**BREACH** (${v.cause ?? 'see table'})`} |`,
  );
  const weights = rows.flatMap((row) => [
    `- **${row.facts.id}** (\`${row.facts.entry}\`, ${kb(row.facts.bytes)})`,
    `  - packages: ${row.facts.topPackages.map((p) => `${p.name} ${kb(p.bytes)}`).join(', ')}`,
    `  - files: ${row.facts.topInputs.map((i) => `\`${i.name}\` ${kb(i.bytes)}`).join(', ')}`,
  ]);
  const sections = result.sections.map((s) => `\n${s.markdown.trim()}\n`).join('');
  return `# Benchmarks

What every Lambda costs before it handles its first request, next to an empty handler
(\`export const handler = async () => ({})\`, \`bench/empty-handler.ts\`) bundled the same way in the same run;
then what a signed row costs on the read path and in KMS calls (sections after the budgets).

What a request costs in AWS, its expected latency warm and cold and the monthly bill per million logins,
per million withdrawals and per 100,000 users, is in \`docs/cost.md\`, computed from the remote-call census by
\`npm run -s cost\`.

- **Size**: each function of \`allFunctions()\` (\`lambdas/catalogue.ts\`) is bundled with the production
  esbuild options (\`bench/bundle-options.ts\`: bundle, platform node, ESM, target ${PRODUCTION_BUNDLING.target} (from \`lib/functions.ts\`), minified,
  external source map, main fields module,main, the \`createRequire\` banner, AWS SDK bundled) into
  \`bench/.out/\`. KB is the minified bundle from the esbuild metafile (1 KB = 1024 bytes), the source map
  not counted. No tracing SDK is bundled: traces come from Lambda's active tracing (docs/decisions.md).
- **Init**: each bundle is imported in ${result.runs} fresh \`node\` processes, one at a time. The child
  times \`await import(bundle)\` itself with \`performance.now()\`, so node's own start is excluded:
  **init ms is the bundle import alone, i.e. the time over an empty node**, and the budget applies to it.
  "init − empty" subtracts the empty handler's import (the fixed cost of the ESM loader), "× empty" is the
  ratio to the empty handler's import, "wall ms" the whole child from spawn to exit. Medians of
  ${result.runs}. Handlers build their SDK clients on first request (\`lazyHandler\`), so that cost is not
  init and is not measured here. The children get a Lambda-like environment with the functions' own \`NODE_OPTIONS\`
  (\`--enable-source-maps\`, \`LAMBDA_NODE_OPTIONS\` in \`lib/functions.ts\`): Node 24 reads a source map only
  when it maps a stack, and imports measured the same with and without it (GetMe, Login, ScreenCustomer,
  PgpMailSigner, PersonalDataVault; 7 runs each).
- **Speed of the machine**: this machine is shared and its speed drifts by ~10 % between runs (the same
  GetMe bundle measured 44.8, 48.4 and 52.3 ms on one day). Each run also imports a calibration module
  (\`bench/calibration.ts\`: fixed synthetic code, ~190 KB of functions and a top level that defines classes
  and builds objects, closures and regular expressions), round-robin with the bundles. Its median over its
  median at the reference speed (${CALIBRATION.referenceMs} ms, ${CALIBRATION.measured}) is the run's speed
  factor; "at ref. speed" is init ms divided by it, and the init budget applies to that column. This run:
  calibration ${ms(result.calibrationMs)} ms, speed factor ${result.speed.toFixed(3)}.

Command: \`${result.command}\` · date: ${result.date} · machine: Node ${machine.node}, ${machine.cpus} cores
(${machine.cpuModel}), ${machine.platform}. Empty node (a child that imports nothing): ${ms(result.emptyNodeWallMs)} ms
wall. Lambda runs Node 24 on arm64; absolute times differ there, the ratios and the budgets' margins are
what to watch.

## Results

${table.join('\n')}

## Budgets

≤ ${kb(BUDGETS.maxBytes)} minified per handler (the documented exceptions of \`bench/budgets.ts\` aside), a median
≤ ${kb(BUDGETS.medianBytes)} over all bundles, init ≤ ${BUDGETS.maxInitMs} ms over empty node at reference speed (median of ${result.runs}); the budgets of the sections
below are listed here too. \`npm run bench\` exits non-zero on a breach.
${breaches.length === 0 ? 'All budgets pass.' : `**${breaches.length} breach(es).**`}

| function / measurement | budget | measured | verdict |
| --- | --- | ---: | --- |
${verdictLines.join('\n')}
${sections}
## What weighs most

Top 5 packages and top 5 input files per bundle, by minified bytes in the output (metafile
\`bytesInOutput\`); the full metafile is \`bench/.out/<function>/index.meta.json\` after a run.

${weights.join('\n')}
`;
}

export function renderText(result: BenchResult): string {
  const lines = [
    HEADER,
    ...[result.empty, ...result.rows].map((row) => cells(row, result.empty, result.speed)),
  ];
  const widths = HEADER.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  const pad = (line: string[]) =>
    line.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const verdicts = result.verdicts.map(
    (v) =>
      `${v.ok ? 'pass  ' : 'BREACH'}  ${v.id}: ${v.budget}, measured ${v.actual}${v.cause ? ` — ${v.cause}` : ''}`,
  );
  return [
    `Node ${result.machine.node}, ${result.machine.cpus} cores; empty node wall ${ms(result.emptyNodeWallMs)} ms; medians of ${result.runs}; calibration ${ms(result.calibrationMs)} ms, speed factor ${result.speed.toFixed(3)}`,
    '',
    ...lines.map(pad),
    '',
    ...result.sections.flatMap((s) => [s.text, '']),
    ...verdicts,
  ].join('\n');
}
