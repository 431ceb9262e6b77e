// The init bench's yardstick: a synthetic module of fixed content whose import is timed in the same run as the
// bundles, round-robin with them, so that the init budget can be judged at one machine speed. This shared
// machine's speed drifts by ~10 % between runs (the same GetMe bundle: 44.8, 48.4, 52.3 ms on one day), so a
// budget in absolute milliseconds measures the machine as much as the code; the ratio of a bundle's import to
// this module's, both from the same run, does not.
//
// The module does what a bundle's import does, in the same proportions: V8 pre-parses ~200 KB of minified-
// style code (functions whose bodies run only when called), compiles and runs the top level, which defines
// classes and builds a registry of objects, closures and regular expressions (as schema and table
// definitions do). Its text is generated from constants alone, so it is byte-for-byte the same in every run;
// `calibrationDigest` is checked against the reference so a change to it cannot pass unnoticed.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CALIBRATION } from './budgets.js';
import { prng } from './prng.js';

export const CALIBRATION_ID = '(calibration)';

/** Groups of definitions in the module: ~330 bytes each. */
const GROUPS = 500;

export function calibrationSource(): string {
  const random = prng(0x1e17);
  const int = (n: number) => Math.floor(random() * n);
  const parts: string[] = ['const R=new Map;const L=[];'];
  for (let i = 0; i < GROUPS; i++) {
    const k = int(97) + 3;
    const m = int(10_000);
    const w = int(8) + 2;
    parts.push(
      `function f${i}(a,b){const x=a*${k}+b;if(x>${m})return g${i % 50}(x,"s${i}");` +
        `return[x,a,b].map(v=>v+${i}).join("-")}`,
      `class C${i}{constructor(v){this.v=v;this.k="k${i}"}m1(){return this.v+${k}}` +
        `get m2(){return f${i}(this.v,${w})}static of(v){return new C${i}(v)}}`,
      `const o${i}={id:"id${i}",n:${m},tags:["a${int(1000)}","b${int(1000)}"],re:/^[a-z]{2,${w}}$/,` +
        `make:v=>C${i}.of(v),check(s){return this.re.test(s)&&s.length<${w}}};`,
    );
    if (i % 4 === 0)
      parts.push(`R.set(o${i}.id,o${i}.make(${i}));L.push(o${i}.tags.concat([String(${m})]));`);
    if (i < 50) parts.push(`function g${i}(x,s){return s.repeat(x%3)+x.toString(${(i % 35) + 2})}`);
  }
  parts.push('export const size=R.size+L.length;');
  return parts.join('\n');
}

export function calibrationDigest(): string {
  return createHash('sha256').update(calibrationSource()).digest('hex').slice(0, 16);
}

/** Writes the module under `dir` (the bench's output folder) and returns its path. */
export async function writeCalibrationModule(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'calibration.mjs');
  await writeFile(file, calibrationSource());
  return file;
}

/**
 * The module must be the one `CALIBRATION.referenceMs` was measured with, and that figure must exist: the
 * problem, or undefined.
 */
export function calibrationProblem(): string | undefined {
  const digest = calibrationDigest();
  if (digest === CALIBRATION.digest && CALIBRATION.referenceMs > 0) return undefined;
  return (
    `the calibration module (digest ${digest}) is not the one of bench/budgets.ts's CALIBRATION ` +
    `(${CALIBRATION.digest}, ${CALIBRATION.referenceMs} ms): measure its import on a quiet machine ` +
    '(`npx tsx bench/init-run.ts --runs 20 GetMe`) and record both'
  );
}
