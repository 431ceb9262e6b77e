// Module init time in fresh node processes: the child times its own import, the parent the process wall time.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAMBDA_NODE_OPTIONS } from '../lib/functions.js';
import { REPO_ROOT } from './bundle.js';

const PROBE = join(REPO_ROOT, 'bench', 'import-probe.mjs');

/**
 * What a Lambda container has at init, and nothing of this shell's (the functions' NODE_OPTIONS, not this
 * shell's, so no tsx loader):
 * modules that read the environment at import see a plausible one.
 */
export const CHILD_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
  AWS_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'palisade-bench',
  // The init-time environment check (lambdas/kernel/http.ts) runs with no access, so every bundle can load
  // here without its deploy-time variables; the check itself is a few property reads.
  PALISADE_ACCESS: '',
  PALISADE_REQUIRED_ENV: '',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
  NODE_ENV: 'production',
};

export interface Sample {
  /** `await import(bundle)` measured inside the child with performance.now(). */
  importMs: number;
  /** CPU time (user + system, every thread of the child) spent in that import: what load does not inflate. */
  cpuMs: number;
  /** Spawn to exit, measured by the parent: node's own start included. */
  wallMs: number;
}

export interface InitTiming {
  importMs: number;
  cpuMs: number;
  wallMs: number;
  samples: Sample[];
}

export interface InitTarget {
  key: string;
  /** Bundle to import; undefined is an empty node that imports nothing. */
  file?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function runProbe(file?: string): Sample {
  const args = [PROBE, ...(file ? [pathToFileURL(file).href] : [])];
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { env: CHILD_ENV, encoding: 'utf8', timeout: 30_000 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) {
    const why = child.error?.message ?? child.stderr.trim().split('\n').slice(0, 5).join('\n');
    throw new Error(`importing ${file ?? '(nothing)'} failed (exit ${child.status}): ${why}`);
  }
  const { importMs, cpuMs } = JSON.parse(child.stdout) as { importMs: number; cpuMs: number };
  return { importMs, cpuMs, wallMs };
}

/**
 * Children run one at a time (a 2-core machine measures noise otherwise), round-robin over the targets so
 * that a slow spell of the machine spreads over all of them; the warm-up rounds fill the file cache.
 */
export function measureInit(
  targets: readonly InitTarget[],
  runs: number,
  warmups = 1,
  progress?: (round: number, rounds: number) => void,
): Map<string, InitTiming> {
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.key, []]));
  for (let round = 0; round < warmups + runs; round++) {
    progress?.(round + 1, warmups + runs);
    for (const target of targets) {
      const sample = runProbe(target.file);
      if (round >= warmups) samples.get(target.key)?.push(sample);
    }
  }
  return new Map(
    [...samples].map(([key, s]) => [
      key,
      {
        importMs: median(s.map((x) => x.importMs)),
        cpuMs: median(s.map((x) => x.cpuMs)),
        wallMs: median(s.map((x) => x.wallMs)),
        samples: s,
      },
    ]),
  );
}
