// Unit tests of the duress password (A5): its slow hash, the one-hash-per-login rule and the set/change rule.
// Cheap argon2 parameters keep the suite fast; one test runs the production parameters.
import { argon2id } from 'hash-wasm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  assertDuressDiffers,
  assertPasswordIsNotDuress,
  DURESS_HASH_PARAMS,
  type DuressHashParams,
  hashDuress,
  parseDuressHash,
  verifyDuress,
} from '../../lambdas/auth/duress.js';
import { ValidationError } from '../../lambdas/kernel/errors.js';

// A spy around the real argon2id: counts the slow hashes without replacing them.
vi.mock('hash-wasm', async (importOriginal) => {
  const real = await importOriginal<typeof import('hash-wasm')>();
  return { ...real, argon2id: vi.fn(real.argon2id) };
});
const argon2 = vi.mocked(argon2id);

const CHEAP: DuressHashParams = { memoryKiB: 64, iterations: 1, parallelism: 1 };
const fast = { params: CHEAP };
const DURESS = 'blue whale at dawn';
const PASSWORD = 'correct horse battery staple';

beforeEach(() => {
  argon2.mockClear();
});

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).code;
  }
  return undefined;
};

describe('duress password hash', () => {
  it('A5 production parameters are OWASP argon2id (19 MiB, t=2, p=1) and a hash round-trips with them', async () => {
    expect(DURESS_HASH_PARAMS).toEqual({ memoryKiB: 19456, iterations: 2, parallelism: 1 });
    const stored = await hashDuress(DURESS);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyDuress(DURESS, stored)).toBe(true);
    expect(argon2).toHaveBeenCalledTimes(2);
    expect(argon2.mock.calls[1]?.[0]).toMatchObject({ memorySize: 19456, iterations: 2, parallelism: 1 });
  });

  it('A5 round trip; a wrong candidate is false; salts differ between hashes', async () => {
    const stored = await hashDuress(DURESS, fast);
    expect(await verifyDuress(DURESS, stored, fast)).toBe(true);
    expect(await verifyDuress('blue whale at dusk', stored, fast)).toBe(false);
    expect(await verifyDuress(PASSWORD, stored, fast)).toBe(false);
    const again = await hashDuress(DURESS, fast);
    expect(again).not.toBe(stored);
    expect(await verifyDuress(DURESS, again, fast)).toBe(true);
  });

  it('A5 the candidate is NFKC-normalised before hashing', async () => {
    const stored = await hashDuress('ｆｕｌｌ ｗｉｄｔｈ ｃａｆé', fast);
    expect(await verifyDuress('full width cafe\u0301', stored, fast)).toBe(true);
  });

  it('A5 parameters are read from the stored string, not from the options', async () => {
    const stored = await hashDuress(DURESS, { params: { memoryKiB: 128, iterations: 3, parallelism: 2 } });
    expect(parseDuressHash(stored)?.params).toEqual({ memoryKiB: 128, iterations: 3, parallelism: 2 });
    argon2.mockClear();
    expect(await verifyDuress(DURESS, stored, fast)).toBe(true);
    expect(argon2).toHaveBeenCalledOnce();
    expect(argon2.mock.calls[0]?.[0]).toMatchObject({ memorySize: 128, iterations: 3, parallelism: 2 });
  });

  it('A5 a stored value out of bounds or malformed is not accepted', () => {
    const salt = 'AAAAAAAAAAAAAAAAAAAAAA';
    const hash = 'A'.repeat(43);
    expect(parseDuressHash(`$argon2id$v=19$m=64,t=1,p=1$${salt}$${hash}`)).toBeDefined();
    for (const bad of [
      `$argon2id$v=19$m=1048576,t=1,p=1$${salt}$${hash}`, // 1 GiB of memory
      `$argon2id$v=19$m=64,t=1000,p=1$${salt}$${hash}`,
      `$argon2id$v=16$m=64,t=1,p=1$${salt}$${hash}`,
      `$argon2i$v=19$m=64,t=1,p=1$${salt}$${hash}`,
      `scrypt$131072$8$1$${salt}$${hash}`,
      '',
    ]) {
      expect(parseDuressHash(bad)).toBeUndefined();
    }
  });
});

describe('one hash per login', () => {
  it('A5 with no duress password set, verify still runs exactly one hash, with the same parameters', async () => {
    expect(await verifyDuress(PASSWORD, undefined, fast)).toBe(false);
    expect(argon2).toHaveBeenCalledOnce();
    expect(argon2.mock.calls[0]?.[0]).toMatchObject({ memorySize: 64, iterations: 1, parallelism: 1 });

    argon2.mockClear();
    expect(await verifyDuress(PASSWORD, undefined)).toBe(false);
    expect(argon2).toHaveBeenCalledOnce();
    expect(argon2.mock.calls[0]?.[0]).toMatchObject({ memorySize: 19456, iterations: 2, parallelism: 1 });
  });

  it('A5 one hash whether the duress password matches, does not match, or the stored value is unreadable', async () => {
    const stored = await hashDuress(DURESS, fast);
    for (const [candidate, value, expected] of [
      [DURESS, stored, true],
      [PASSWORD, stored, false],
      [DURESS, 'garbage', false],
    ] as const) {
      argon2.mockClear();
      expect(await verifyDuress(candidate, value, fast)).toBe(expected);
      expect(argon2).toHaveBeenCalledOnce();
    }
  });
});

describe('the duress password differs from the password', () => {
  it('A5 equal values are refused both ways round, distinct ones pass', () => {
    expect(codeOf(() => assertDuressDiffers(PASSWORD, PASSWORD))).toBe('DURESS_EQUALS_PASSWORD');
    expect(codeOf(() => assertDuressDiffers(DURESS, PASSWORD))).toBeUndefined();
    expect(codeOf(() => assertDuressDiffers(PASSWORD, DURESS))).toBeUndefined();
  });

  it.each([
    ['composed vs decomposed', 'caf\u00e9-latte-42', 'cafe\u0301-latte-42'],
    ['full-width vs ASCII', 'ｐａｓｓｗｏｒｄ１２３', 'password123'],
    ['ligature vs letters', '\ufb01sh-and-chips', 'fish-and-chips'],
  ])('A5 Unicode variants that NFKC makes equal are refused (%s), both ways round', (_what, a, b) => {
    expect(codeOf(() => assertDuressDiffers(a, b))).toBe('DURESS_EQUALS_PASSWORD');
    expect(codeOf(() => assertDuressDiffers(b, a))).toBe('DURESS_EQUALS_PASSWORD');
  });

  it('A5 case is significant: a case variant is a different password', () => {
    expect(codeOf(() => assertDuressDiffers('Correct Horse', 'correct horse'))).toBeUndefined();
  });

  it('A5 empty and short values are refused (min 8 characters after normalisation)', () => {
    expect(codeOf(() => assertDuressDiffers('', PASSWORD))).toBe('DURESS_PASSWORD_INVALID');
    expect(codeOf(() => assertDuressDiffers('7 chars', PASSWORD))).toBe('DURESS_PASSWORD_INVALID');
    expect(codeOf(() => assertDuressDiffers('x'.repeat(257), PASSWORD))).toBe('DURESS_PASSWORD_INVALID');
    expect(codeOf(() => assertDuressDiffers(DURESS, 'short'))).toBe('PASSWORD_INVALID');
    expect(codeOf(() => assertDuressDiffers('8 chars!', PASSWORD))).toBeUndefined();
    // Counted in code points: seven whales (fourteen UTF-16 units) are too short, eight are enough.
    expect(codeOf(() => assertDuressDiffers('🐳🐳🐳🐳🐳🐳🐳', PASSWORD))).toBe('DURESS_PASSWORD_INVALID');
    expect(codeOf(() => assertDuressDiffers('🐳🐳🐳🐳🐳🐳🐳🐳', PASSWORD))).toBeUndefined();
  });

  it('A5 a new password is checked against the stored duress hash (one hash, also when none is set)', async () => {
    const stored = await hashDuress(DURESS, fast);
    argon2.mockClear();
    await expect(assertPasswordIsNotDuress('blue whale at dawn', stored, fast)).rejects.toMatchObject({
      code: 'DURESS_EQUALS_PASSWORD',
    });
    await expect(assertPasswordIsNotDuress(PASSWORD, stored, fast)).resolves.toBeUndefined();
    await expect(assertPasswordIsNotDuress(PASSWORD, undefined, fast)).resolves.toBeUndefined();
    expect(argon2).toHaveBeenCalledTimes(3);
    await expect(assertPasswordIsNotDuress('short', stored, fast)).rejects.toMatchObject({
      code: 'PASSWORD_INVALID',
    });
  });
});
