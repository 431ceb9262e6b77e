// The local composition root runs exactly the catalogue's functions, each from its own handler module.
import { describe, expect, it } from 'vitest';
import { allFunctions } from '../../lambdas/catalogue.js';
import { LOCAL_HANDLERS } from '../../local/handlers.js';

describe('I2 local composition root', () => {
  it('I2 lists one handler module per catalogue function, and no other', () => {
    const ids = [...new Set(allFunctions().map((f) => f.id))].sort();
    expect(Object.keys(LOCAL_HANDLERS).sort()).toEqual(ids);
  });

  it('I2 each listed module is the entry the catalogue names for that function', async () => {
    for (const spec of allFunctions()) {
      const module = await import(`../../${spec.entry}`);
      expect(module.makeHandler, spec.id).toBe(
        LOCAL_HANDLERS[spec.id as keyof typeof LOCAL_HANDLERS].makeHandler,
      );
    }
  });
});
