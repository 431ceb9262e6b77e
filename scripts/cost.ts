// Issue 18: recomputes docs/cost.md (latency and the monthly AWS bill) from the remote-call census:
// `npm run -s cost [-- --census bench/census.json] [--measured bench/.out/census-measured.json] [--out docs/cost.md]`.
// Prints the census it read and the bill's summary.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCensus, loadMeasuredCpu } from '../bench/census-input.js';
import { scenarioBill, scenarios } from '../bench/cost-model.js';
import { renderCostReport } from '../bench/cost-report.js';
import { journeyLatency } from '../bench/latency-model.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURE = 'test/fixtures/census-sample.json';

const { values } = parseArgs({
  options: {
    census: { type: 'string', default: 'bench/census.json' },
    measured: { type: 'string', default: 'bench/.out/census-measured.json' },
    out: { type: 'string', default: 'docs/cost.md' },
  },
});

/** Minified bundle sizes (KB) from the bench's esbuild metafiles, else from the results table it committed. */
function bundleSizes(): { sizes: Map<string, number>; source: string } | undefined {
  const out = path.join(ROOT, 'bench/.out');
  const sizes = new Map<string, number>();
  if (existsSync(out)) {
    for (const dir of readdirSync(out)) {
      const meta = path.join(out, dir, 'index.meta.json');
      if (!existsSync(meta)) continue;
      const outputs = JSON.parse(readFileSync(meta, 'utf8')).outputs as Record<string, { bytes: number }>;
      const js = Object.entries(outputs).find(([file]) => file.endsWith('.mjs') || file.endsWith('.js'));
      if (js) sizes.set(dir, js[1].bytes / 1024);
    }
    if (sizes.size > 0)
      return { sizes, source: 'the esbuild metafiles of the last `npm run bench` (bench/.out)' };
  }
  const table = path.join(ROOT, 'docs/benchmarks.md');
  if (!existsSync(table)) return undefined;
  for (const line of readFileSync(table, 'utf8').split('\n')) {
    const match = /^\| ([A-Za-z][A-Za-z0-9]+) \| ([0-9.]+) \|/.exec(line);
    if (match?.[1] && match[2] && !sizes.has(match[1])) sizes.set(match[1], Number(match[2]));
  }
  return sizes.size > 0
    ? {
        sizes,
        source: 'the Results table of docs/benchmarks.md (a default of 450 KB for a function not in it)',
      }
    : undefined;
}

try {
  const censusPath = path.resolve(ROOT, values.census);
  const census = loadCensus(censusPath);
  const measuredPath = path.resolve(ROOT, values.measured);
  const measured = loadMeasuredCpu(measuredPath);
  const bundles = bundleSizes();
  const inputs = { ...(measured ? { measured } : {}), ...(bundles ? { bundleKb: bundles.sizes } : {}) };
  const relative = path.relative(ROOT, censusPath);
  const markdown = renderCostReport(census, inputs, {
    censusPath: relative,
    fixture: relative === FIXTURE,
    ...(measured ? { measuredPath: path.relative(ROOT, measuredPath) } : {}),
    ...(bundles ? { bundleSource: bundles.source } : {}),
  });
  const outPath = path.resolve(ROOT, values.out);
  writeFileSync(outPath, markdown);
  console.log(`census: ${relative}${relative === FIXTURE ? ' (fixture)' : ''}`);
  console.log(
    `handler CPU: ${measured ? path.relative(ROOT, measuredPath) : 'default (no measured census)'}`,
  );
  console.log(`wrote ${path.relative(ROOT, outPath)}`);
  for (const [id, journey] of Object.entries(census.journeys)) {
    const l = journeyLatency(id, journey, inputs);
    console.log(
      `  ${id.padEnd(24)} warm ${l.userWarmMs.toFixed(0).padStart(5)} ms  cold ${l.userColdMs.toFixed(0).padStart(5)} ms  critical path ${l.maxCriticalPath}`,
    );
  }
  for (const scenario of scenarios()) {
    const bill = scenarioBill(census, scenario, inputs);
    console.log(`  ${scenario.title}: $${bill.total.toFixed(2)}`);
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
