// `npm run bench`: bundles every Lambda and an empty handler, measures size and init, then the signed-rows
// read path and KMS calls (bench/integrity.ts), the head ledger's cost per request (bench/ledger.ts), and
// enforces the budgets.

import { rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { allFunctions } from '../lambdas/catalogue.js';
import { handlerVerdict, initVerdict, medianVerdict, sizeVerdict, speedFactor } from './budgets.js';
import { bundleFunction, EMPTY_ENTRY, EMPTY_ID, OUT_DIR, REPO_ROOT } from './bundle.js';
import { CALIBRATION_ID, calibrationProblem, writeCalibrationModule } from './calibration.js';
import { runCensus } from './census.js';
import { measureEncryption } from './encryption.js';
import { measureInit } from './init-time.js';
import { measureIntegrity } from './integrity.js';
import { measureLedger } from './ledger.js';
import { measureLogin } from './login.js';
import { loginRiskSection, measureLoginRiskSpeed } from './login-risk.js';
import { type BenchResult, type Row, renderMarkdown, renderText } from './report.js';
import { measureScreening } from './screening.js';

const RUNS = 20;
const EMPTY_NODE = '(empty node)';
const REPORT = join(REPO_ROOT, 'docs', 'benchmarks.md');

async function main(): Promise<number> {
  const started = Date.now();
  const problem = calibrationProblem();
  if (problem) throw new Error(problem);
  await rm(OUT_DIR, { recursive: true, force: true });
  const functions = allFunctions();
  const empty = await bundleFunction(EMPTY_ID, EMPTY_ENTRY);
  const bundles = await Promise.all(functions.map((f) => bundleFunction(f.id, f.entry)));
  const calibration = await writeCalibrationModule(OUT_DIR);
  console.log(`bundled ${bundles.length} functions + the empty handler into bench/.out/`);

  console.log(`timing init: ${RUNS} fresh node processes per bundle, one at a time …`);
  const timings = measureInit(
    [
      { key: EMPTY_NODE },
      { key: EMPTY_ID, file: empty.outfile },
      { key: CALIBRATION_ID, file: calibration },
      ...bundles.map((b) => ({ key: b.id, file: b.outfile })),
    ],
    RUNS,
  );
  const calibrationMs = timings.get(CALIBRATION_ID)?.importMs ?? Number.NaN;
  const speed = speedFactor(calibrationMs);
  const rowOf = (facts: typeof empty): Row => {
    const timing = timings.get(facts.id);
    if (!timing) throw new Error(`no timing for ${facts.id}`);
    return { facts, initMs: timing.importMs, wallMs: timing.wallMs };
  };
  const rows = bundles.map(rowOf);

  console.log('measuring E1 signed rows: read-path verification and KMS calls per operation …');
  const integrity = await measureIntegrity();
  console.log('measuring E1 head ledger: the replay check per request, against the same rows without it …');
  const ledger = await measureLedger();
  console.log('measuring E2 field-group encryption against raw AES-256-GCM …');
  const encryption = await measureEncryption();
  console.log('measuring A1–A9 complete logins through the local gateway …');
  const loginBench = await measureLogin();
  console.log(
    'measuring F2 screening: one name against every loaded list, blocked and exhaustive, one core …',
  );
  const screening = measureScreening();
  console.log('measuring G1 login-risk scoring: CPU per login against one ECDSA P-256 verify …');
  const loginRisk = measureLoginRiskSpeed();
  console.log('measuring the remote-call census and handler CPU of the journeys through the cloud harness …');
  // `npm run bench -- --update` also rewrites bench/census.json (as `npx tsx bench/census-run.ts --update`).
  const census = await runCensus({
    update: process.argv.includes('--update'),
    log: (l) => console.log(l),
    warmPasses: 3,
    measuredPasses: 3,
    profiledPasses: 3,
    profile: true,
  });

  const result: BenchResult = {
    command: 'npm run bench',
    date: new Date().toISOString().slice(0, 10),
    machine: {
      node: process.versions.node,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
      platform: `${process.platform}/${process.arch}`,
    },
    runs: RUNS,
    emptyNodeWallMs: timings.get(EMPTY_NODE)?.wallMs ?? Number.NaN,
    calibrationMs,
    speed,
    empty: rowOf(empty),
    rows,
    verdicts: [
      ...rows.flatMap((r) => [sizeVerdict(r.facts), initVerdict(r.facts.id, r.initMs, speed)]),
      medianVerdict(rows.map((r) => r.facts.bytes)),
      ...integrity.verdicts,
      ...ledger.verdicts,
      {
        id: 'F2 screening speed',
        budget: '≥ 1,000 screenings/s on one core (SDN + aliases + UN)',
        actual: `${Math.round(screening.fastPerCpuSecond)} screenings per CPU-second, ${Math.round(screening.fastPerSecond)}/s wall clock (${(screening.fastPerCpuSecond / screening.exhaustivePerCpuSecond).toFixed(0)}× the exhaustive scan)`,
        ok: screening.fastPerCpuSecond >= 1000,
      },
      {
        id: 'F2 screening recall',
        budget: 'the blocked path finds every labelled pair the exhaustive scan finds',
        actual: `${screening.recall.found}/${screening.recall.expected}${screening.recall.lost.length > 0 ? ` (lost: ${screening.recall.lost.join('; ')})` : ''}`,
        ok: screening.recall.found === screening.recall.expected,
      },
      {
        id: 'G1 login-risk scoring',
        budget: '< 1 ms of CPU per login on one core',
        actual: `${loginRisk.riskUs.toFixed(0)} µs (${(loginRisk.riskUs / loginRisk.ecdsaUs).toFixed(2)}× one ECDSA P-256 verify)`,
        ok: loginRisk.riskUs < 1000,
      },
      {
        id: 'I2 remote-call census',
        budget: 'every journey makes the calls and has the critical path of bench/census.json',
        actual: census.diff.length === 0 ? 'as recorded' : census.diff.join('; '),
        ok: census.diff.length === 0,
      },
      handlerVerdict(
        Object.entries(census.measured.journeys).flatMap(([journey, j]) =>
          j.requests
            .filter((r) => !r.request.startsWith('workflow:'))
            .map((r) => ({
              journey,
              request: r.request,
              handlerMs: r.functions.every((f) => f.handlerMs !== undefined)
                ? r.functions.reduce((t, f) => t + (f.handlerMs ?? 0), 0)
                : undefined,
            })),
        ),
        speed,
      ),
      {
        id: 'E2 encryption',
        budget: 'every sealed field group opens to its plaintext',
        actual: encryption.ok ? 'all round trips equal' : 'a round trip differed',
        ok: encryption.ok,
      },
    ],
    sections: [
      { text: integrity.text, markdown: integrity.markdown },
      { text: ledger.text, markdown: ledger.markdown },
      { text: encryption.text, markdown: encryption.markdown },
      { text: loginBench.text, markdown: loginBench.markdown },
      { text: screening.text, markdown: screening.markdown },
      { text: '', markdown: screening.quality },
      loginRiskSection(loginRisk),
      census.report,
    ],
  };
  await writeFile(REPORT, renderMarkdown(result));
  console.log(`\n${renderText(result)}\n`);
  console.log(`wrote docs/benchmarks.md in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  const breaches = result.verdicts.filter((v) => !v.ok);
  if (breaches.length > 0) {
    console.error(`\nBudget breached by ${breaches.length} measurement(s):`);
    for (const b of breaches) {
      console.error(`  ${b.id}: ${b.budget}, measured ${b.actual}${b.cause ? ` (${b.cause})` : ''}`);
    }
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
