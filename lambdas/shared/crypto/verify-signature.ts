// Verifies a KMS-format signature (DER ECDSA P-256 over SHA-256) with the public key alone: the one
// verification routine for signatures made by AWS KMS and by the local key service.
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

const keys = new Map<string, KeyObject>();

function publicKeyObject(spki: Uint8Array): KeyObject {
  const id = Buffer.from(spki).toString('base64');
  let key = keys.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    keys.set(id, key);
  }
  return key;
}

export const sha256 = (data: Uint8Array | string): Uint8Array => createHash('sha256').update(data).digest();

/** True when `signature` is the signing key's ECDSA_SHA_256 signature of `message`. */
export function verifySignature(spki: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return verify('sha256', message, { key: publicKeyObject(spki), dsaEncoding: 'der' }, signature);
}
