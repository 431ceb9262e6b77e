// Signs rows on write (one KMS Sign call) and verifies them on read with the cached public key (no KMS call).

import { sha256, verifySignature } from '../crypto/verify-signature.js';
import { IntegrityError } from '../errors.js';
import type { KeyService } from '../ports/key-service.js';
import {
  canonicalItemBytes,
  canonicalItemText,
  type ItemKey,
  SIGNATURE_ATTRIBUTES,
} from './canonical-item.js';

export type SignatureAttributes = {
  sig: string;
  sigKeyId: string;
};

/**
 * `replayed`: an older version than one seen (the watermark) or recorded (the head ledger, E1); `removed`: a
 * ledgered row missing while its newest head says it exists; `bad-head`: an item in a row's head partition
 * that is not a head (signed-table.ts).
 */
export type IntegrityFailureReason =
  | 'unsigned'
  | 'unknown-key'
  | 'bad-signature'
  | 'replayed'
  | 'removed'
  | 'bad-head';

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

/** How many rows' highest versions a container remembers (least recently seen forgotten first). */
export const VERSION_WATERMARKS = 10_000;

/** How many verified signatures a container remembers with the bytes they cover (least recently used out). */
export const VERIFIED_SIGNATURES = 2_000;

export class RowVerifier {
  private readonly publicKeys = new Map<string, Promise<Uint8Array>>();
  /**
   * The highest version of each row this container has written or read consistently. A signature covers the
   * version, so an older copy of a row put back (a replay) still verifies; it is caught here instead.
   */
  private readonly watermarks = new Map<string, { version: number; tick: number }>();
  /** A logical clock: a read may only be held to watermarks set before it was sent. */
  private tick = 0;
  /**
   * Signatures already verified, with the canonical text each covers (key: the key id and the signature). A
   * row read again unchanged (the same version in the next request, a settings row every request reads) is
   * the very message and signature the ECDSA verification accepted: equal text, same key, same answer, so it
   * is not verified again. Anything else (other bytes, another signature, another key) takes the full check.
   * Only the signature check is spared: the watermark (replay) and the head ledger still apply to every read.
   */
  private readonly verified = new Map<string, string>();

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

  /** Records a version this container wrote or read: an older one read later is a replay. */
  observe(table: string, key: ItemKey, version: unknown): void {
    if (typeof version !== 'number') return;
    const id = watermarkId(table, key);
    const seen = this.watermarks.get(id);
    this.watermarks.delete(id);
    this.watermarks.set(id, seen && seen.version >= version ? seen : { version, tick: ++this.tick });
    if (this.watermarks.size > VERSION_WATERMARKS) {
      const oldest = this.watermarks.keys().next().value;
      if (oldest !== undefined) this.watermarks.delete(oldest);
    }
  }

  /** Marks the moment a read is sent: watermarks set after it (a concurrent write) do not apply to it. */
  readStarted(): number {
    return this.tick;
  }

  /**
   * Returns the row without its signature attributes, or fails closed with IntegrityError. `consistent`
   * says the read was strongly consistent, so a version below a watermark set before the read was sent
   * (`readStartedAt`) can only be a replay; an eventually consistent index read may lag and is not held to
   * the watermark.
   */
  async verify<T extends Record<string, unknown>>(
    table: string,
    key: ItemKey,
    row: Record<string, unknown>,
    consistent = true,
    readStartedAt = Number.POSITIVE_INFINITY,
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
      const text = canonicalItemText(table, key, row);
      const memo = `${sigKeyId}\u0000${sig}`;
      const known = this.verified.get(memo);
      if (known === text) {
        valid = true;
        this.verified.delete(memo);
        this.verified.set(memo, text);
      } else {
        valid = verifySignature(spki, Buffer.from(text, 'utf8'), Buffer.from(sig, 'base64'));
        if (valid) this.remember(memo, text);
      }
    } catch {
      valid = false;
    }
    if (!valid) return this.fail(table, key, 'bad-signature');
    if (consistent) {
      const seen = this.watermarks.get(watermarkId(table, key));
      const stale = seen && typeof row.version === 'number' && row.version < seen.version;
      if (stale && seen.tick <= readStartedAt) {
        return this.fail(table, key, 'replayed');
      }
      this.observe(table, key, row.version);
    }
    const plain: Record<string, unknown> = { ...row };
    for (const name of SIGNATURE_ATTRIBUTES) delete plain[name];
    return plain as T;
  }

  private remember(memo: string, text: string): void {
    this.verified.delete(memo);
    this.verified.set(memo, text);
    if (this.verified.size > VERIFIED_SIGNATURES) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
  }

  /** Raises the alarm and fails closed: the row under `key` is not to be trusted. */
  async fail(table: string, key: ItemKey, reason: IntegrityFailureReason): Promise<never> {
    await this.alarm({ table, key, reason });
    throw new IntegrityError(`Integrity check failed for an item of ${table}`);
  }
}

const watermarkId = (table: string, key: ItemKey) =>
  `${table}\u0000${Object.keys(key)
    .sort()
    .map((name) => `${name}=${key[name]}`)
    .join('\u0000')}`;
