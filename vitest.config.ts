// Test runner setup: `fast` (unit, arch) and `infra` (CDK assertions), the two of `npm run test:fast`; `e2e`
// (every other test file: the local cloud over HTTP, and test/browser/, a web page in Debian's chromium); all
// three run by `npm test` and CI, on
// the Lambdas' Node.js major. Files run in parallel, two at a time on a 2-core machine (one per core
// otherwise), longest first (test/sequencer.ts); the README's Tests section gives the layout and its times.
import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { assertLambdaNode } from './local/node-runtime.js';
import { LongestFirst } from './test/sequencer.js';

assertLambdaNode('The test suite');

const UNIT = ['test/unit/**/*.test.ts', 'test/arch/**/*.test.ts'];
const INFRA = ['test/infra/**/*.test.ts'];

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one core less than the machine has: one file at a time on a 2-core CI machine,
    // where much of an e2e or cloud file is waiting (HTTP, workflows, worker threads).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: LongestFirst },
    projects: [
      { extends: true, test: { name: 'fast', include: UNIT } },
      // The CDK assertion files, without isolation: a worker keeps its modules (aws-cdk-lib loaded once) and the
      // one synthesis the files that only read it share (sharedSynth in test/infra/palisade-app.ts).
      { extends: true, test: { name: 'infra', include: INFRA, isolate: false } },
      // Everything else under test/, so a test file in a new folder is never left out of `npm test`.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...UNIT, ...INFRA],
          // Every answer of the local gateway is checked against the OpenAPI document.
          setupFiles: ['test/setup.ts', 'test/support/contract-setup.ts'],
        },
      },
    ],
  },
});
