// Signs rows on write (one KMS Sign call) and verifies them on read with the cached public key (no KMS call).

import { sha256, verifySignature } from '../crypto/verify-signature.js';
import { IntegrityError } from '../errors.js';
import type { KeyService } from '../ports/key-service.js';
import { canonicalItemBytes, type ItemKey, SIGNATURE_ATTRIBUTES } from './canonical-item.js';

export type SignatureAttributes = {
  sig: string;
  sigKeyId: string;
};

export type IntegrityFailureReason = 'unsigned' | 'unknown-key' | 'bad-signature';

export interface IntegrityFailure {
  table: string;
  key: ItemKey;
  reason: IntegrityFailureReason;
}

/** Told of every failed verification: raises the metric and writes the audit event. */
export type IntegrityAlarm = (failure: IntegrityFailure) => Promise<void>;

export class RowSigner {
  constructor(private readonly keys: Pick<KeyService, 'signDigest'>) {}

  async sign<T extends Record<string, unknown>>(
    table: string,
    key: ItemKey,
    item: T,
  ): Promise<T & SignatureAttributes> {
    const { signature, keyId } = await this.keys.signDigest(sha256(canonicalItemBytes(table, key, item)));
    return { ...item, sig: Buffer.from(signature).toString('base64'), sigKeyId: keyId };
  }
}

export class RowVerifier {
  private readonly publicKeys = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly keys: Pick<KeyService, 'getPublicKey'>,
    private readonly alarm: IntegrityAlarm,
  ) {}

  /** The key of every version that ever signed: rows signed before a key rotation still verify. */
  private publicKey(keyId: string): Promise<Uint8Array> {
    let spki = this.publicKeys.get(keyId);
    if (!spki) {
      spki = this.keys.getPublicKey(keyId).then((k) => k.spki);
      spki.catch(() => this.publicKeys.delete(keyId));
      this.publicKeys.set(keyId, spki);
    }
    return spki;
  }

  /** Returns the row without its signature attributes, or fails closed with IntegrityError. */
  async verify<T extends Record<string, unknown>>(
    table: string,
    key: ItemKey,
    row: Record<string, unknown>,
  ): Promise<T> {
    const { sig, sigKeyId } = row;
    if (typeof sig !== 'string' || typeof sigKeyId !== 'string') return this.fail(table, key, 'unsigned');
    let spki: Uint8Array;
    try {
      spki = await this.publicKey(sigKeyId);
    } catch {
      return this.fail(table, key, 'unknown-key');
    }
    let valid = false;
    try {
      valid = verifySignature(spki, canonicalItemBytes(table, key, row), Buffer.from(sig, 'base64'));
    } catch {
      valid = false;
    }
    if (!valid) return this.fail(table, key, 'bad-signature');
    const plain: Record<string, unknown> = { ...row };
    for (const name of SIGNATURE_ATTRIBUTES) delete plain[name];
    return plain as T;
  }

  private async fail(table: string, key: ItemKey, reason: IntegrityFailureReason): Promise<never> {
    await this.alarm({ table, key, reason });
    throw new IntegrityError(`Integrity check failed for an item of ${table}`);
  }
}
