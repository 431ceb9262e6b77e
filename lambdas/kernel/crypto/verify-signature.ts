// Verifies a KMS-format signature (DER ECDSA P-256 over SHA-256) with the public key alone: the one
// verification routine for signatures made by AWS KMS and by the local key service.
//
// Parsing the SPKI into a KeyObject costs several times a verification, so it happens once per key and
// container: KeyObjects are cached per SPKI array (a WeakMap; a hit only compares the ~91 bytes with the copy
// taken when the entry was made, so an array refilled with another key is never mistaken for the old one, and
// nothing is encoded per call), and arrays with the same bytes share one KeyObject (looked up by base64 only
// when an array is first seen). Callers that hold a KeyObject (`publicKeyObject`) can pass it directly.
import { createHash, createPublicKey, KeyObject, verify } from 'node:crypto';

interface Cached {
  /** The SPKI bytes as they were when parsed. */
  bytes: Uint8Array;
  key: KeyObject;
}

/** Per SPKI array, so a call neither encodes nor allocates for the key. */
const byArray = new WeakMap<Uint8Array, Cached>();
/** Per SPKI content: one KeyObject however many arrays carry the same key. Keys are few (one per version). */
const byContent = new Map<string, KeyObject>();

/** The parsed public key of a DER SubjectPublicKeyInfo, parsed once per key. */
export function publicKeyObject(spki: Uint8Array): KeyObject {
  const cached = byArray.get(spki);
  if (cached && sameBytes(cached.bytes, spki)) return cached.key;
  const bytes = Uint8Array.from(spki);
  const id = Buffer.from(bytes.buffer).toString('base64');
  let key = byContent.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.from(bytes), format: 'der', type: 'spki' });
    byContent.set(id, key);
  }
  byArray.set(spki, { bytes, key });
  return key;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const sha256 = (data: Uint8Array | string): Uint8Array => createHash('sha256').update(data).digest();

/**
 * True when `signature` is the signing key's ECDSA_SHA_256 signature of `message`. `publicKey` is the DER
 * SPKI as KMS GetPublicKey returns it, or a KeyObject from `publicKeyObject`.
 */
export function verifySignature(
  publicKey: Uint8Array | KeyObject,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const key = publicKey instanceof KeyObject ? publicKey : publicKeyObject(publicKey);
  return verify('sha256', message, { key, dsaEncoding: 'der' }, signature);
}
