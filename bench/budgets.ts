// The bench's budgets and their verdicts: minified size from the esbuild metafile, init time over empty node.
import type { BundleFacts } from './bundle.js';

export const KB = 1024;

export const BUDGETS = {
  /** Any handler, the X-Ray tracer included. */
  maxBytes: 600 * KB,
  /** A handler without @aws-lambda-powertools/tracer. */
  maxBytesWithoutTracer: 400 * KB,
  /** Median `await import(bundle)` in a fresh node process, node's own start excluded. */
  maxInitMs: 120,
} as const;

export interface Verdict {
  id: string;
  budget: string;
  actual: string;
  ok: boolean;
  /** On a breach: what weighs most, so the regression can be explained. */
  cause?: string;
}

export const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

export function sizeLimit(facts: Pick<BundleFacts, 'hasTracer'>): number {
  return facts.hasTracer ? BUDGETS.maxBytes : BUDGETS.maxBytesWithoutTracer;
}

export function sizeVerdict(facts: BundleFacts): Verdict {
  const limit = sizeLimit(facts);
  const ok = facts.bytes <= limit;
  return {
    id: facts.id,
    budget: `size ≤ ${kb(limit)} (${facts.hasTracer ? 'with' : 'without'} tracer)`,
    actual: kb(facts.bytes),
    ok,
    ...(ok ? {} : { cause: facts.topPackages.map((p) => `${p.name} ${kb(p.bytes)}`).join(', ') }),
  };
}

export function initVerdict(id: string, initMs: number): Verdict {
  return {
    id,
    budget: `init ≤ ${BUDGETS.maxInitMs} ms over empty node`,
    actual: `${initMs.toFixed(1)} ms`,
    ok: initMs <= BUDGETS.maxInitMs,
  };
}
