// Keyed blind index (E2): equality lookups on encrypted values (login by email, duplicate phone) through an
// HMAC-SHA256 of the normalised value, with a key derived from a KMS data key unwrapped once per container.
import { createHmac, hkdf } from 'node:crypto';
import { promisify } from 'node:util';
import { ValidationError } from '../errors.js';
import type { EncryptionContext, KeyService } from '../ports/key-service.js';
import { BLIND_INDEX_PURPOSE, PURPOSE_CONTEXT_KEY } from './purposes.js';

export type BlindIndexKind = 'email' | 'phone' | 'document';

/** The context the index secret is wrapped under: KMS refuses to unwrap it for any other purpose. */
export const BLIND_INDEX_KEY_CONTEXT: EncryptionContext = Object.freeze({
  [PURPOSE_CONTEXT_KEY]: BLIND_INDEX_PURPOSE,
});

/** HKDF salt: versioned, so a new derivation can live beside the old one during a re-index. */
const HKDF_SALT = 'palisade/blind-index/v1';
const deriveKey = promisify(hkdf);

/** The canonical form indexed for each kind, so spelling variants of one value share an index. */
export function normalise(kind: BlindIndexKind, value: string): string {
  const text = value.normalize('NFKC').trim();
  switch (kind) {
    case 'email':
      return text.toLowerCase();
    case 'phone': {
      const digits = text.replace(/\D/g, '');
      // `0044 …` and `+44 …` are one number; E.164 writes it with a leading +.
      return digits ? `+${text.startsWith('+') ? digits : digits.replace(/^00/, '')}` : '';
    }
    case 'document':
      return text.replace(/\s+/g, '').toUpperCase();
  }
}

/** A fresh 32-byte index secret from KMS; returns only its wrapped form, which the caller stores. */
export async function createBlindIndexKey(keys: KeyService): Promise<Uint8Array> {
  const { plaintext, ciphertext } = await keys.generateDataKey(BLIND_INDEX_KEY_CONTEXT);
  plaintext.fill(0);
  return ciphertext;
}

export interface BlindIndexKeySource {
  /** The HMAC key for one kind: HKDF-SHA256 of the unwrapped secret, info `palisade:blind-index:<kind>`. */
  keyFor(kind: BlindIndexKind): Promise<Buffer>;
}

/** Unwraps the stored secret on first use and keeps the promise: one KMS Decrypt per container. */
export function blindIndexKeySource(keys: KeyService, wrapped: Uint8Array): BlindIndexKeySource {
  let secret: Promise<Uint8Array> | undefined;
  const derived = new Map<BlindIndexKind, Promise<Buffer>>();
  const unwrap = () => {
    if (!secret) {
      secret = keys.decryptDataKey(wrapped, BLIND_INDEX_KEY_CONTEXT);
      // A failed unwrap (throttling, network) is retried on the next call rather than cached.
      secret.catch(() => {
        secret = undefined;
        derived.clear();
      });
    }
    return secret;
  };
  return {
    keyFor(kind) {
      let key = derived.get(kind);
      if (!key) {
        key = unwrap().then(async (s) =>
          Buffer.from(await deriveKey('sha256', s, HKDF_SALT, `palisade:blind-index:${kind}`, 32)),
        );
        derived.set(kind, key);
      }
      return key;
    },
  };
}

export interface BlindIndexer {
  /** base64url HMAC-SHA256 of `<kind>:<normalised value>` under the kind's key. */
  index(kind: BlindIndexKind, value: string): Promise<string>;
}

export function blindIndexer(keys: KeyService, wrapped: Uint8Array): BlindIndexer {
  const source = blindIndexKeySource(keys, wrapped);
  return {
    async index(kind, value) {
      const normalised = normalise(kind, value);
      if (!normalised) throw new ValidationError(`Nothing to index in this ${kind}`);
      const key = await source.keyFor(kind);
      // The purpose prefix and the per-kind key both keep an email's index from ever equalling a phone's.
      return createHmac('sha256', key).update(`${kind}:${normalised}`, 'utf8').digest('base64url');
    },
  };
}
