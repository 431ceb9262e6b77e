// Issue 18's census held: the journeys' remote calls, Lambda invocations, Step Functions transitions and
// critical paths, measured through the cloud harness (bench/census.ts), equal bench/census.json. A change that
// adds a call to a journey (or a hop to its critical path) fails here until the census is updated on purpose.
import { beforeAll, describe, expect, it } from 'vitest';
import { censusDiff, expectedOf, measureCensus, readCensus, UPDATE_COMMAND } from '../../bench/census.js';
import { allFunctions, DEPLOY_FUNCTIONS } from '../../lambdas/catalogue.js';
import { productionBundles, synthesisedTemplate } from './harness/cache.js';

// The harness's inputs first (on a fresh clone: the journeys' template and the catalogue's production build,
// minutes on two busy cores), so the test's own time limit bounds the journeys alone.
beforeAll(async () => {
  await synthesisedTemplate({ name: 'journeys', context: { addressCoolingHours: 0 } });
  await productionBundles([...allFunctions(), ...DEPLOY_FUNCTIONS]);
}, 600_000);

describe('I2 the remote-call census of the journeys', () => {
  it('I2 A1 A2 A6 A7 A8 C1 C2 C3 D2 every request of the journeys makes the calls and has the critical path bench/census.json says', async () => {
    const expected = await readCensus();
    const measured = await measureCensus();
    const diff = censusDiff(expected, expectedOf(measured));
    expect(
      diff,
      `The journeys' remote calls differ from bench/census.json. If the change is intended, run \`${UPDATE_COMMAND}\` and commit bench/census.json (and the figures in docs/benchmarks.md):\n  ${diff.join('\n  ')}`,
    ).toEqual([]);
  }, 240_000);
});
