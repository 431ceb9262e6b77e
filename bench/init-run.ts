// `npx tsx bench/init-run.ts [--runs N] [--profile] [ids…]`: the init part of `npm run bench` for a chosen
// set of functions (all of them without ids), without the other sections. Bundles them with the production
// options into bench/.out/, then imports each in fresh node processes round-robin with the empty baselines
// (an empty node and the empty handler), and prints a summary: median import wall time, median CPU time of
// the import (what a loaded machine inflates least), the ratio to the empty handler, the verdict.
// --profile also writes a V8 CPU profile of one import per function and prints its self time by source
// package / own file, mapped back through the bundle's source map (bench/init-profile.ts).
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { allFunctions } from '../lambdas/catalogue.js';
import { BUDGETS, CALIBRATION, INIT_EXCEPTIONS, initLimit, initVerdict, speedFactor } from './budgets.js';
import { bundleFunction, EMPTY_ENTRY, EMPTY_ID, OUT_DIR } from './bundle.js';
import { CALIBRATION_ID, calibrationProblem, writeCalibrationModule } from './calibration.js';
import { profileImport, renderModuleTimes, renderProfile, timeModules } from './init-profile.js';
import { measureInit } from './init-time.js';

const EMPTY_NODE = '(empty node)';

interface Args {
  runs: number;
  profile: boolean;
  /** --json FILE: the medians as JSON too (id → importMs, cpuMs, wallMs, KB). */
  json?: string;
  ids: string[];
}

function parseArgs(argv: string[]): Args {
  // --runs 0 with --profile: the profiles alone.
  const args: Args = { runs: 20, profile: false, ids: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--runs') args.runs = Number(argv[++i]);
    else if (arg === '--profile') args.profile = true;
    else if (arg === '--json') args.json = argv[++i];
    else args.ids.push(arg);
  }
  if (!Number.isInteger(args.runs) || args.runs < 0) throw new Error('--runs takes a positive integer');
  return args;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<number> {
  const { runs, profile, ids, json } = parseArgs(process.argv.slice(2));
  const catalogue = allFunctions();
  const chosen = ids.length === 0 ? catalogue : ids.map((id) => catalogue.find((f) => f.id === id) ?? id);
  const unknown = chosen.filter((c) => typeof c === 'string');
  if (unknown.length > 0) throw new Error(`not in the catalogue: ${unknown.join(', ')}`);
  const functions = chosen.filter((c) => typeof c !== 'string');

  const problem = calibrationProblem();
  if (problem) console.warn(`warning: ${problem}; judging at this machine's speed (factor 1)`);
  const empty = await bundleFunction(EMPTY_ID, EMPTY_ENTRY);
  const calibration = await writeCalibrationModule(OUT_DIR);
  const bundles = await Promise.all(functions.map((f) => bundleFunction(f.id, f.entry)));
  console.log(`bundled ${bundles.length} function(s) + the empty handler into bench/.out/`);

  if (profile) {
    for (const f of functions) {
      console.log(`\nprofiling one import of ${f.id} …`);
      console.log(renderProfile(await profileImport(f.id, f.entry)));
      console.log(renderModuleTimes(await timeModules(f.id, f.entry)));
    }
  }

  if (runs === 0) return 0;
  const loadBefore = load();
  console.log(
    `\ntiming init: ${runs} fresh node processes per bundle, round-robin; load average ${loadBefore}`,
  );
  const timings = measureInit(
    [
      { key: EMPTY_NODE },
      { key: EMPTY_ID, file: empty.outfile },
      { key: CALIBRATION_ID, file: calibration },
      ...bundles.map((b) => ({ key: b.id, file: b.outfile })),
    ],
    runs,
    1,
    (round, total) => process.stdout.write(`\r  round ${round}/${total}`),
  );
  process.stdout.write('\n');
  const emptyNode = timings.get(EMPTY_NODE);
  const emptyHandler = timings.get(EMPTY_ID);
  const calibrated = timings.get(CALIBRATION_ID);
  if (!emptyNode || !emptyHandler || !calibrated) throw new Error('no baseline timing');
  const speed = problem ? 1 : speedFactor(calibrated.importMs);

  const header = [
    'function',
    'KB',
    'init ms',
    'at ref.',
    'cpu ms',
    '− empty',
    '× empty',
    'wall ms',
    'budget',
    '',
  ];
  const rows = [
    [EMPTY_NODE, '—', '—', '—', '—', '—', '—', emptyNode.wallMs.toFixed(1), '', ''],
    [
      CALIBRATION_ID,
      '—',
      calibrated.importMs.toFixed(1),
      (calibrated.importMs / speed).toFixed(1),
      calibrated.cpuMs.toFixed(1),
      '—',
      '—',
      calibrated.wallMs.toFixed(1),
      '',
      '',
    ],
    [
      EMPTY_ID,
      (empty.bytes / 1024).toFixed(1),
      emptyHandler.importMs.toFixed(1),
      '—',
      emptyHandler.cpuMs.toFixed(1),
      '—',
      '1.0×',
      emptyHandler.wallMs.toFixed(1),
      '',
      '',
    ],
  ];
  let breaches = 0;
  for (const b of bundles) {
    const t = timings.get(b.id);
    if (!t) throw new Error(`no timing for ${b.id}`);
    const verdict = initVerdict(b.id, t.importMs, speed);
    if (!verdict.ok) breaches++;
    rows.push([
      b.id,
      (b.bytes / 1024).toFixed(1),
      t.importMs.toFixed(1),
      (t.importMs / speed).toFixed(1),
      t.cpuMs.toFixed(1),
      (t.importMs - emptyHandler.importMs).toFixed(1),
      `${(t.importMs / emptyHandler.importMs).toFixed(1)}×`,
      t.wallMs.toFixed(1),
      `${initLimit(b.id)}${INIT_EXCEPTIONS[b.id] ? '*' : ''}`,
      verdict.ok ? 'ok' : 'BREACH',
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  console.log(`\n${line(header)}\n${rows.map(line).join('\n')}`);
  console.log(
    `\nmedians of ${runs}; init = await import() wall time in the child (node's start excluded), cpu = its ` +
      `user+system CPU; at ref. = init ÷ the run's speed factor ${speed.toFixed(3)} (calibration ` +
      `${calibrated.importMs.toFixed(1)} ms against ${CALIBRATION.referenceMs} ms at reference speed); budget ` +
      `${BUDGETS.maxInitMs} ms at ref. (* a documented exception); load average ${loadBefore} before, ${load()} after`,
  );
  if (json) {
    const out = Object.fromEntries(
      [...timings].map(([key, t]) => {
        const b = bundles.find((x) => x.id === key) ?? (key === EMPTY_ID ? empty : undefined);
        return [
          key,
          { importMs: t.importMs, cpuMs: t.cpuMs, wallMs: t.wallMs, kb: b ? b.bytes / 1024 : null },
        ];
      }),
    );
    await writeFile(json, JSON.stringify({ runs, speed, load: [loadBefore, load()], timings: out }, null, 2));
  }
  return breaches > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`init-run failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
