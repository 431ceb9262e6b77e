// The canonical bytes a row signature covers: RFC 8785 JSON of the table, the key and every attribute but
// the signature's own, so a valid row copied under another key or into another table no longer verifies.
//
// Every read pays for this, so the common case takes a single-pass serialiser that validates as it writes
// (plain JSON values only). It produces exactly what the `canonicalize` package does for such values
// (test/unit/canonical-item.test.ts proves byte-equality over many varied items): object keys sorted by
// UTF-16 code units (Array#sort's default order, as RFC 8785 §3.2.3 requires), strings and numbers in
// ECMAScript's JSON.stringify / Number#toString form (RFC 8785 §3.2.2), no whitespace. Anything outside that
// (a lone surrogate, a non-finite number, a Set, binary, a class instance, a nested undefined) falls back
// to the original validate-then-`canonicalize` path, which throws the same errors as before.
import canonicalize from 'canonicalize';
import { IntegrityError } from '../errors.js';

/** Attributes the signature is stored in; they are not part of what is signed. */
export const SIGNATURE_ATTRIBUTES = ['sig', 'sigKeyId'] as const;

export type ItemKey = Record<string, string>;

function assertJsonValue(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new IntegrityError(`Unsignable number at ${path}`);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) assertJsonValue(v, `${path}[${i}]`);
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) assertJsonValue(v, `${path}.${k}`);
    return;
  }
  // Sets, binary and class instances have no single JSON form: signed rows keep to plain JSON values.
  throw new IntegrityError(`Unsignable value at ${path}`);
}

const isSignatureAttribute = (name: string) => name === 'sig' || name === 'sigKeyId';

/** The reference path: validate, then the `canonicalize` package. Slow, with precise error messages. */
export function referenceCanonicalText(table: string, key: ItemKey, item: Record<string, unknown>): string {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (isSignatureAttribute(name) || value === undefined) continue;
    attributes[name] = value;
  }
  assertJsonValue(attributes, 'item');
  const text = canonicalize({ table, key, attributes });
  if (text === undefined) throw new IntegrityError('Item has no canonical form');
  return text;
}

/** Thrown by the fast path on anything it does not take; never escapes this module. */
const NOT_PLAIN = Symbol('not plain JSON');

/** A character JSON.stringify escapes (`"`, backslash, C0 controls) or a surrogate: strings it must see. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the C0 controls are exactly what JSON escapes.
const NEEDS_CARE = /[\u0000-\u001f"\\\uD800-\uDFFF]/;
/** A surrogate that is not half of a pair (in `u` mode a valid pair is one astral code point). */
const LONE_SURROGATE = /\p{Cs}/u;

function plainString(value: string): string {
  // Without anything to escape, JSON.stringify's output is the string between quotes (U+2028, U+2029 and
  // DEL are not escaped in ES2019+ JSON): skip the call for the common case.
  if (!NEEDS_CARE.test(value)) return `"${value}"`;
  if (LONE_SURROGATE.test(value)) throw NOT_PLAIN;
  return JSON.stringify(value);
}

function plainValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return plainString(value);
    case 'number':
      // Number#toString is RFC 8785's number form (-0 → "0", 1e21 → "1e+21"); NaN and ±Infinity are not JSON.
      if (!Number.isFinite(value)) throw NOT_PLAIN;
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        const length = value.length;
        if (length === 0) return '[]';
        let out = `[${plainValue(value[0])}`;
        for (let i = 1; i < length; i++) out += `,${plainValue(value[i])}`;
        return `${out}]`;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) throw NOT_PLAIN;
      return plainObject(value as Record<string, unknown>, false);
    }
    default:
      // undefined, functions, symbols, bigints.
      throw NOT_PLAIN;
  }
}

/** `{"k":v,…}` in UTF-16 code-unit order of the keys; `top` skips the signature and undefined attributes. */
function plainObject(object: Record<string, unknown>, top: boolean): string {
  const names = Object.keys(object).sort();
  let out = '{';
  for (const name of names) {
    const value = object[name];
    if (top && (value === undefined || isSignatureAttribute(name))) continue;
    out += `${out.length === 1 ? '' : ','}${plainString(name)}:${plainValue(value)}`;
  }
  return `${out}}`;
}

/** The canonical JSON text: the fast single pass, or the reference path for anything unusual. */
export function canonicalItemText(table: string, key: ItemKey, item: Record<string, unknown>): string {
  try {
    if (typeof table !== 'string' || Object.getPrototypeOf(item) !== Object.prototype) throw NOT_PLAIN;
    // Top-level keys in code-unit order: "attributes" < "key" < "table".
    return `{"attributes":${plainObject(item, true)},"key":${plainValue(key)},"table":${plainString(table)}}`;
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    return referenceCanonicalText(table, key, item);
  }
}

export function canonicalItemBytes(table: string, key: ItemKey, item: Record<string, unknown>): Uint8Array {
  return Buffer.from(canonicalItemText(table, key, item), 'utf8');
}
