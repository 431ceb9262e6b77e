// The canonical bytes a row signature covers: RFC 8785 JSON of the table, the key and every attribute but
// the signature's own, so a valid row copied under another key or into another table no longer verifies.
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

export function canonicalItemBytes(table: string, key: ItemKey, item: Record<string, unknown>): Uint8Array {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if ((SIGNATURE_ATTRIBUTES as readonly string[]).includes(name) || value === undefined) continue;
    attributes[name] = value;
  }
  assertJsonValue(attributes, 'item');
  const text = canonicalize({ table, key, attributes });
  if (text === undefined) throw new IntegrityError('Item has no canonical form');
  return Buffer.from(text, 'utf8');
}
