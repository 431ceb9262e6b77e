// The Node built-ins of the bundles (lib/functions.ts, BUILTIN_ALIASES): each shim is the real module, or a
// lazy stand-in for it that names every export of the running Node (the Lambda runtime's major version) and
// loads the module at the first access only.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../bench/bundle.js';
import { BUILTIN_ALIASES } from '../../lib/functions.js';

const require = createRequire(import.meta.url);
const SHIMS = join(REPO_ROOT, 'lambdas', 'kernel', 'runtime', 'builtins');
const shimOf = (name: string) => join(SHIMS, `${name.replace('/', '-')}.cjs`);
const builtins = Object.keys(BUILTIN_ALIASES).filter((k) => !k.startsWith('node:'));

describe('built-in shims', () => {
  it('every aliased built-in, bare and node:, maps to its own shim file', () => {
    for (const name of builtins) {
      expect(BUILTIN_ALIASES[`node:${name}`]).toBe(BUILTIN_ALIASES[name]);
      expect(existsSync(join(REPO_ROOT, BUILTIN_ALIASES[name] as string)), name).toBe(true);
    }
    const files = readdirSync(SHIMS).filter((f) => f !== 'lazy-builtin.cjs');
    expect(files.sort()).toEqual(builtins.map((n) => `${n.replace('/', '-')}.cjs`).sort());
  });

  it('each shim offers every export of the real module, and the same values', () => {
    for (const name of builtins) {
      const real = process.getBuiltinModule(`node:${name}`) as Record<string, unknown>;
      const shim = require(shimOf(name)) as Record<string, unknown>;
      expect(Object.getOwnPropertyNames(shim).sort(), name).toEqual(Object.getOwnPropertyNames(real).sort());
      for (const key of Object.getOwnPropertyNames(real)) {
        // Accessors of the real module may build a fresh object per read (crypto.webcrypto does not).
        if (typeof Object.getOwnPropertyDescriptor(real, key)?.get === 'function') continue;
        expect(shim[key], `${name}.${key}`).toBe(real[key]);
      }
    }
  });

  it('a lazy shim loads its module at the first access, and writes reach the real module', () => {
    const lazyBuiltin = require(join(SHIMS, 'lazy-builtin.cjs')) as (
      id: string,
      names: string[],
    ) => Record<string, unknown>;
    const loads: string[] = [];
    const original = process.getBuiltinModule;
    const fake = { answer: 42, other: 1 };
    process.getBuiltinModule = ((id: string) => {
      loads.push(id);
      return fake;
    }) as typeof process.getBuiltinModule;
    try {
      const shim = lazyBuiltin('node:fake', ['answer', 'other']);
      expect(loads).toEqual([]);
      expect(shim.answer).toBe(42);
      shim.other = 2;
      expect(fake.other).toBe(2);
      expect(loads).toEqual(['node:fake']);
    } finally {
      process.getBuiltinModule = original;
    }
  });
});
