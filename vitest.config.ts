// Test runner setup: one suite, unit + infra + e2e, run by `npm test` and CI, on the Lambdas' Node.js major.
import { defineConfig } from 'vitest/config';
import { assertLambdaNode } from './local/node-runtime.js';

assertLambdaNode('The test suite');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
