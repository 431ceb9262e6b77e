// The order `npm test` starts its files in. Two workers share the CI machine's two cores; the run ends when
// the later lane ends, so the longest files start first (a 3-minute file started last would be a lane of its
// own at the end). Vitest's own order needs the results cache of an earlier run, which a fresh clone lacks:
// LONGEST is the measured order (seconds, 2-core CI machine; the CI run of 2026-12 scaled by each file's
// measured saving from the test cost of the local scrypt), and every other file follows in Vitest's order.
// The cloud files and the browser file (worker-thread Lambdas, chromium: the timing-sensitive ones) alternate
// with files that mostly wait, so two of them rarely run side by side.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const LONGEST: readonly string[] = [
  'test/infra/bundling.test.ts', // ~220 s: CDK synth with every esbuild bundle
  'test/cloud/census.test.ts', // ~100 s: the production build when first, then 200 ms per emulated call
  'test/e2e/brute-force.test.ts', // ~40 s
  'test/cloud/admin.test.ts', // ~40 s
  'test/e2e/admin-approvals.test.ts', // ~40 s
  'test/browser/admin-console.test.ts', // ~40 s
  'test/e2e/screening.test.ts', // ~30 s
  'test/cloud/journeys.test.ts', // ~30 s
  'test/unit/screening-fast-path.test.ts', // ~25 s
  'test/cloud/record-retention.test.ts',
  'test/e2e/data-protection.test.ts',
  'test/cloud/login-defect.test.ts',
  'test/e2e/workflow-restart.test.ts',
  'test/browser/web-client.test.ts',
  'test/e2e/operator-commands.test.ts',
  'test/cloud/kyc-documents.test.ts',
  'test/e2e/addresses.test.ts',
  'test/e2e/withdrawals.test.ts',
  'test/infra/api.test.ts',
];

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // After the measured ones, the files of a project without isolation (`infra`) in one run: Vitest keeps a
    // non-isolated worker only while the next file in the queue is of the same project, and that worker's
    // modules and shared synthesis are what those files save.
    const rank = (spec: TestSpecification) => {
      const at = LONGEST.indexOf(relative(spec.project.config.root, spec.moduleId).replaceAll('\\', '/'));
      if (at >= 0) return at;
      return spec.project.config.isolate === false ? LONGEST.length : LONGEST.length + 1;
    };
    return sorted
      .map((spec, order) => ({ spec, order, rank: rank(spec) }))
      .sort((a, b) => a.rank - b.rank || a.order - b.order)
      .map(({ spec }) => spec);
  }
}
