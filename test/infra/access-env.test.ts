// Infra tests of the environment lib/ hands each function: the common variables, every variable its
// access needs (ACCESS_ENV, which the runtime checks at init), and its access list (I2).
import { beforeAll, describe, expect, it } from 'vitest';
import { allFunctions, DEPLOY_FUNCTIONS, type FunctionSpec } from '../../lambdas/catalogue.js';
import { ACCESS_VARIABLE, BASE_ENV, requiredEnv } from '../../lambdas/kernel/runtime/access-env.js';
import { logicalId, type Synthesised, sharedSynth } from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

const specs = [...new Map([...allFunctions(), ...DEPLOY_FUNCTIONS].map((spec) => [spec.id, spec])).values()];

function variablesOf(spec: FunctionSpec): Record<string, unknown> {
  const fn = s.primary.functions.get(spec.id);
  if (!fn) throw new Error(`function ${spec.id} was not built`);
  const resource = s.merged.findResources('AWS::Lambda::Function')[logicalId(fn.fn)];
  return (resource?.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
}

describe('function environment', () => {
  it('I2 every catalogue function (and each deploy-time function) is built', () => {
    expect(
      s.primary.functions
        .all()
        .map((fn) => fn.spec.id)
        .sort(),
    ).toEqual(specs.map((f) => f.id).sort());
  });

  it.each(specs.map((spec) => [spec.id, spec] as const))(
    'I2 %s holds every variable its access needs and the common ones',
    (_id, spec) => {
      const names = Object.keys(variablesOf(spec));
      expect(names).toEqual(expect.arrayContaining([...BASE_ENV, ...requiredEnv(spec.access)]));
    },
  );

  it.each(specs.map((spec) => [spec.id, spec] as const))('I2 %s knows its own access list', (_id, spec) => {
    expect(variablesOf(spec)[ACCESS_VARIABLE]).toBe(spec.access.join(','));
  });
});
