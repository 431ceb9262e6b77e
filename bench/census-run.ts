// The census alone (`npm run bench` runs it too): `npx tsx bench/census-run.ts` prints the tables, writes
// bench/.out/census-measured.json, and exits non-zero when the journeys differ from bench/census.json;
// `--update` rewrites bench/census.json from this run; `--profile` adds a profiled pass and the handler's own
// CPU without its AWS calls (bench/cpu-attribution.ts); `--warm=N` runs N warm-up passes first (default 1);
// `--passes=N` runs N measured passes and, with --profile, N profiled ones (default 1; `npm run bench` runs 3).
// With CENSUS_PROFILE_DIR=DIR the profiles stay in DIR; `npx tsx bench/profile-top.ts DIR` reads them.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCensus, UPDATE_COMMAND } from './census.js';

const update = process.argv.includes('--update');
const warm = process.argv.find((a) => a.startsWith('--warm='));
const warmPasses = warm ? Number(warm.slice('--warm='.length)) : 1;
if (!Number.isInteger(warmPasses) || warmPasses < 1) throw new Error('--warm=N needs a whole number ≥ 1');
const passArg = process.argv.find((a) => a.startsWith('--passes='));
const passes = passArg ? Number(passArg.slice('--passes='.length)) : 1;
if (!Number.isInteger(passes) || passes < 1) throw new Error('--passes=N needs a whole number ≥ 1');
const { diff, report } = await runCensus({
  update,
  log: (line) => console.log(line),
  warmPasses,
  measuredPasses: passes,
  profiledPasses: passes,
  profile: process.argv.includes('--profile'),
});
console.log(`\n${report.text}\n`);
// The section `npm run bench` puts into docs/benchmarks.md.
await writeFile(join(import.meta.dirname, '.out', 'census.md'), report.markdown);
if (update) console.log('wrote bench/census.json');
else if (diff.length > 0) {
  console.error(`The journeys differ from bench/census.json (${UPDATE_COMMAND} if intended):`);
  for (const line of diff) console.error(`  ${line}`);
  process.exitCode = 1;
}
