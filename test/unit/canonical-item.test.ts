// E1 the canonical form every row signature covers: the fast serialiser of canonical-item.ts must produce
// exactly the bytes of the `canonicalize` package (RFC 8785) for every item, and the cached public keys of
// verify-signature.ts must verify exactly as a freshly parsed key does.
import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { prng } from '../../bench/prng.js';
import { publicKeyObject, verifySignature } from '../../lambdas/kernel/crypto/verify-signature.js';
import { IntegrityError } from '../../lambdas/kernel/errors.js';
import {
  canonicalItemBytes,
  canonicalItemText,
  referenceCanonicalText,
} from '../../lambdas/kernel/integrity/canonical-item.js';

/** What the package makes of the item, as canonical-item.ts documents: no signature, no undefined. */
function expected(table: string, key: Record<string, string>, item: Record<string, unknown>): string {
  const attributes = Object.fromEntries(
    Object.entries(item).filter(
      ([name, value]) => name !== 'sig' && name !== 'sigKeyId' && value !== undefined,
    ),
  );
  const text = canonicalize({ table, key, attributes });
  if (text === undefined) throw new Error('no canonical form');
  return text;
}

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.1,
  0.2 + 0.1,
  1e21,
  1e20,
  1e-7,
  1e-6,
  123456789012345680000,
  5e-324,
  -5e-324,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  333333333.3333333,
  1e30,
  4.5,
  0.002,
  1e-27,
  -1.5e300,
  2 ** 53,
  Number('9007199254740993'),
  1 / 3,
  100,
  1234.5678,
];

/** Pieces strings are made of: ASCII, every JSON escape, C0/C1 controls, DEL, U+2028/9, BMP, astral pairs. */
const PIECES = [
  'a',
  'Z',
  '0',
  ' ',
  'USER#',
  '"',
  '\\',
  '/',
  "'",
  '\b',
  '\f',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u009f',
  '\u00e9',
  'ö',
  '€',
  '\u2028',
  '\u2029',
  '\ufb33',
  '\ufeff',
  '\uffff',
  '日本',
  'فاطمة',
  '😀',
  '\ud83d\ude00',
  '𝄞',
  '\u{10ffff}',
  'e\u0301',
  '\\u0041',
  '\\"',
  '</script>',
];

const KEY_NAMES = [
  'a',
  'b',
  'A',
  'aa',
  'a b',
  '',
  '1',
  '10',
  '2',
  '01',
  '-1',
  '1.5',
  'é',
  'e',
  '\u0080',
  '\r',
  '€',
  '😀',
  '\ufb33',
  'z',
  'key',
  'attributes',
  'table',
  'version',
  'sig',
  'sigKeyId',
  '__proto__x',
  'constructor',
];

function randomString(random: () => number, max = 12): string {
  let out = '';
  const length = Math.floor(random() * max);
  for (let i = 0; i < length; i++) out += PIECES[Math.floor(random() * PIECES.length)];
  return out;
}

function randomValue(random: () => number, depth: number): unknown {
  const roll = random();
  if (depth > 0 && roll < 0.12) {
    return Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random, depth - 1));
  }
  if (depth > 0 && roll < 0.24) return randomObject(random, depth - 1, 6);
  if (roll < 0.5) return randomString(random);
  if (roll < 0.65) return NUMBERS[Math.floor(random() * NUMBERS.length)];
  if (roll < 0.75) return (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
  if (roll < 0.82) return Math.floor((random() - 0.5) * 2 ** 40);
  if (roll < 0.9) return random() < 0.5;
  return null;
}

function randomObject(random: () => number, depth: number, size: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const count = Math.floor(random() * size);
  for (let i = 0; i < count; i++) {
    const name =
      random() < 0.7
        ? (KEY_NAMES[Math.floor(random() * KEY_NAMES.length)] as string)
        : randomString(random, 4);
    object[name] = randomValue(random, depth);
  }
  return object;
}

describe('E1 canonical form (RFC 8785) of signed rows', () => {
  it('E1 the fast serialiser is byte-identical to canonicalize over 5,000 varied items', () => {
    const random = prng(8785);
    for (let n = 0; n < 5000; n++) {
      const item = randomObject(random, 4, 20);
      if (random() < 0.3) item.sig = 'MEUCIQ==';
      if (random() < 0.3) item.sigKeyId = 'arn:aws:kms:eu-west-1:1:key/k';
      if (random() < 0.2) item.gone = undefined;
      const key = { pk: `USER#${randomString(random, 4)}`, sk: randomString(random, 4) };
      const table = random() < 0.8 ? 'Accounts' : randomString(random, 6);
      const text = expected(table, key, item);
      expect(canonicalItemText(table, key, item)).toBe(text);
      expect(Buffer.from(canonicalItemBytes(table, key, item)).equals(Buffer.from(text, 'utf8'))).toBe(true);
    }
  });

  it('E1 numbers, strings and key order follow the RFC 8785 examples', () => {
    const key = { pk: 'p', sk: 's' };
    const item = {
      numbers: [
        Number('333333333.33333329'),
        1e30,
        4.5,
        2e-3,
        0.000000000000000000000000001,
        -0,
        1e21,
        0.1,
        1e-7,
      ],
      string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/',
      literals: [null, true, false],
      sorting: {
        '\u20ac': 'Euro',
        '\r': 'CR',
        '\ufb33': 'Hebrew',
        '1': 'One',
        '\ud83d\ude00': 'Smiley',
        '\u0080': 'Ctl',
        '\u00f6': 'ö',
      },
    };
    expect(canonicalItemText('T', key, item)).toBe(
      '{"attributes":{"literals":[null,true,false],' +
        '"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27,0,1e+21,0.1,1e-7],' +
        '"sorting":{"\\r":"CR","1":"One","\u0080":"Ctl","ö":"ö","€":"Euro","😀":"Smiley","\ufb33":"Hebrew"},' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"},"key":{"pk":"p","sk":"s"},"table":"T"}',
    );
    expect(canonicalItemText('T', key, item)).toBe(expected('T', key, item));
  });

  it('E1 deep nesting, empty containers and numeric-looking keys match canonicalize', () => {
    const key = { pk: 'USER#1', sk: 'ACCOUNT' };
    const item = {
      '10': 1,
      '2': 2,
      '01': 3,
      nested: { z: [[], {}, [{ b: [1, { a: null }], a: '' }]], a: { c: { b: { a: [-0, 0.1, 1e21] } } } },
      version: 7,
    };
    expect(canonicalItemText('Accounts', key, item)).toBe(expected('Accounts', key, item));
  });

  it('E1 items outside plain JSON take the reference path and fail as before', () => {
    const key = { pk: 'p', sk: 's' };
    const cases: Record<string, unknown>[] = [
      { n: Number.NaN },
      { n: { deep: [Number.POSITIVE_INFINITY] } },
      { s: new Set(['a']) },
      { b: new Uint8Array([1]) },
      { d: new Date(0) },
      { nested: { gone: undefined } },
      { list: [1, undefined] },
      { f: () => 1 },
      { big: 1n },
      { lone: 'a\ud800b' },
      { 'lone\udc00': 1 },
      { nested: { pair: 'ok 😀', lone: '\ude00' } },
    ];
    for (const item of cases) {
      const reference = (() => {
        try {
          return referenceCanonicalText('T', key, item);
        } catch (error) {
          return error;
        }
      })();
      expect(reference).toBeInstanceOf(Error);
      expect(() => canonicalItemText('T', key, item)).toThrow((reference as Error).message);
      expect(() => canonicalItemBytes('T', key, item)).toThrow((reference as Error).message);
    }
    expect(() => canonicalItemText('T', key, { n: Number.NaN })).toThrow(IntegrityError);
  });

  it('E1 unusual but valid inputs take the reference path and match it', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 'x' });
    expect(canonicalItemText('T', { pk: 'p', sk: 's' }, bare)).toBe(
      '{"attributes":{"a":"x","b":1},"key":{"pk":"p","sk":"s"},"table":"T"}',
    );
    const holeyKey = { pk: 'p', sk: undefined } as unknown as Record<string, string>;
    expect(canonicalItemText('T', holeyKey, { a: 1 })).toBe(referenceCanonicalText('T', holeyKey, { a: 1 }));
  });
});

describe('E1 public keys parsed once', () => {
  const pair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spkiOf = (k: ReturnType<typeof pair>) =>
    new Uint8Array(k.publicKey.export({ type: 'spki', format: 'der' }));
  const message = Buffer.from('{"attributes":{},"key":{},"table":"T"}');

  it('E1 verifySignature gives the same answer for the SPKI, a copy of it and its KeyObject', () => {
    const keys = pair();
    const spki = spkiOf(keys);
    const signature = sign('sha256', message, { key: keys.privateKey, dsaEncoding: 'der' });
    const reference = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    expect(publicKeyObject(spki).equals(reference)).toBe(true);
    expect(publicKeyObject(Uint8Array.from(spki))).toBe(publicKeyObject(spki));
    for (const key of [spki, Uint8Array.from(spki), publicKeyObject(spki)]) {
      expect(verifySignature(key, message, signature)).toBe(true);
      expect(verifySignature(key, Buffer.from('tampered'), signature)).toBe(false);
    }
  });

  it('E1 an SPKI array refilled with another key verifies against the new key, not the cached one', () => {
    const first = pair();
    const second = pair();
    const spki = spkiOf(first);
    const byFirst = sign('sha256', message, { key: first.privateKey, dsaEncoding: 'der' });
    const bySecond = sign('sha256', message, { key: second.privateKey, dsaEncoding: 'der' });
    expect(verifySignature(spki, message, byFirst)).toBe(true);
    spki.set(spkiOf(second));
    expect(verifySignature(spki, message, byFirst)).toBe(false);
    expect(verifySignature(spki, message, bySecond)).toBe(true);
  });
});
