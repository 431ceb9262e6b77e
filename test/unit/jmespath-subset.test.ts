// The JMESPath subset bundled in place of Powertools' engine (lambdas/kernel/runtime/jmespath-subset.ts) gives
// the engine's answers for the expressions it accepts, and refuses the others instead of guessing.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PowertoolsFunctions, search } from '../../lambdas/kernel/runtime/jmespath-subset.js';

// The engine is Powertools idempotency's own dependency (nested under it), resolved from there.
const fromIdempotency = createRequire(
  fileURLToPath(import.meta.resolve('@aws-lambda-powertools/idempotency')),
);
const engine = fromIdempotency('@aws-lambda-powertools/jmespath') as {
  search: (expression: string, data: unknown, options?: unknown) => unknown;
};
const { PowertoolsFunctions: EngineFunctions } = fromIdempotency(
  '@aws-lambda-powertools/jmespath/functions',
) as { PowertoolsFunctions: new () => unknown };

const DATA: unknown[] = [
  { userId: 'u-1', idempotencyKey: 'k-1', terms: { asset: 'BTC', amount: '0.1', speed: 'standard' } },
  { userId: 'u-1', idempotencyKey: '', terms: null },
  { userId: 'u-1' },
  { userId: undefined, idempotencyKey: 0, terms: [1, 2] },
  { terms: { nested: { deeper: 'x' } } },
  null,
  undefined,
  'text',
  42,
  [{ userId: 'u' }],
  {},
];
const EXPRESSIONS = [
  '[userId, idempotencyKey]',
  'terms',
  ' terms ',
  '[ userId,idempotencyKey ]',
  'terms.nested.deeper',
  'terms.asset',
  '[terms.nested, userId]',
  'missing',
];

describe('the bundled JMESPath subset', () => {
  it('C2 gives the engine’s answer for every accepted expression, on objects, missing fields, null, scalars and arrays', () => {
    const options = { customFunctions: new EngineFunctions() };
    for (const expression of EXPRESSIONS) {
      for (const data of DATA) {
        expect(search(expression, data), `${expression} on ${JSON.stringify(data)}`).toEqual(
          engine.search(expression, data, options),
        );
      }
    }
  });

  it('C2 refuses an expression outside the subset (filters, functions, projections, literals) naming the file', () => {
    for (const expression of ['[]', 'a[0]', 'a[*].b', 'length(a)', '`1`', 'a || b', '[?a]', 'a.*', '']) {
      expect(() => search(expression, { a: [1] }), expression).toThrow(/jmespath-subset\.ts/);
    }
    expect(new PowertoolsFunctions()).toBeInstanceOf(PowertoolsFunctions);
  });
});
