// The audit chain's arithmetic: a record's hash, and an offline check of a run of records (chain links and
// signatures) that needs nothing but the public keys and names the first broken link.

import { sha256, verifySignature } from '../crypto/verify-signature.js';
import { canonicalItemBytes } from '../integrity/canonical-item.js';
import { AUDIT_LOGICAL_TABLE, GENESIS_HASH } from './audit-record.js';

type StoredRecord = Record<string, unknown> & { pk: string; sk: string; seq: number; prevHash: string };

/** The hash the next record links to: SHA-256 of exactly the bytes the record's signature covers. */
export function recordHash(record: Record<string, unknown> & { pk: string; sk: string }): string {
  const bytes = canonicalItemBytes(AUDIT_LOGICAL_TABLE, { pk: record.pk, sk: record.sk }, record);
  return Buffer.from(sha256(bytes)).toString('hex');
}

export type ChainBreak =
  | { seq: number; reason: 'bad-signature' | 'unknown-key' | 'unsigned' }
  | { seq: number; reason: 'broken-link'; expected: string; found: string }
  | { seq: number; reason: 'gap'; expectedSeq: number };

export interface ChainReport {
  ok: boolean;
  checked: number;
  firstSeq?: number;
  lastSeq?: number;
  headHash?: string;
  firstBreak?: ChainBreak;
}

/**
 * Verifies records of one chain in sequence order. `previousHash` is the hash of the record before the
 * first one given: the genesis value for a run from sequence 1; for a later run without it, the first
 * record's link is taken as the anchor (its signature is still checked).
 */
export function verifyChain(
  records: readonly StoredRecord[],
  publicKeys: ReadonlyMap<string, Uint8Array>,
  previousHash?: string,
  /** Told the number of records verified so far, every `progressEvery` records (an operator's progress). */
  onProgress?: (checked: number) => void,
  progressEvery = 10_000,
): ChainReport {
  const first = records[0];
  let expectedPrev = previousHash ?? (first && first.seq > 1 ? first.prevHash : GENESIS_HASH);
  let expectedSeq = first?.seq;
  let checked = 0;
  for (const record of records) {
    const report = (firstBreak: ChainBreak): ChainReport => ({
      ok: false,
      checked,
      firstSeq: records[0]?.seq,
      lastSeq: record.seq,
      firstBreak,
    });
    if (record.seq !== expectedSeq)
      return report({ seq: record.seq, reason: 'gap', expectedSeq: expectedSeq ?? 1 });
    const { sig, sigKeyId } = record;
    if (typeof sig !== 'string' || typeof sigKeyId !== 'string')
      return report({ seq: record.seq, reason: 'unsigned' });
    const spki = publicKeys.get(sigKeyId);
    if (!spki) return report({ seq: record.seq, reason: 'unknown-key' });
    const bytes = canonicalItemBytes(AUDIT_LOGICAL_TABLE, { pk: record.pk, sk: record.sk }, record);
    let valid = false;
    try {
      valid = verifySignature(spki, bytes, Buffer.from(sig, 'base64'));
    } catch {
      valid = false;
    }
    if (!valid) return report({ seq: record.seq, reason: 'bad-signature' });
    if (record.prevHash !== expectedPrev) {
      return report({
        seq: record.seq,
        reason: 'broken-link',
        expected: expectedPrev,
        found: record.prevHash,
      });
    }
    expectedPrev = Buffer.from(sha256(bytes)).toString('hex');
    expectedSeq = record.seq + 1;
    checked += 1;
    if (onProgress && checked % progressEvery === 0) onProgress(checked);
  }
  return {
    ok: true,
    checked,
    ...(records.length
      ? { firstSeq: records[0]?.seq, lastSeq: records.at(-1)?.seq, headHash: expectedPrev }
      : {}),
  };
}

/**
 * The links alone of records whose signatures were verified as they were read (SignedTable returns them
 * without their signature attributes): consecutive sequence numbers from `expectedSeq`, each `prevHash` the
 * hash of the record before, the first one's `previousHash`. Returns the last record's hash.
 */
export function checkLinks(
  records: readonly StoredRecord[],
  previousHash: string,
  expectedSeq: number,
): { ok: true; headHash: string } | { ok: false; firstBreak: ChainBreak } {
  let expectedPrev = previousHash;
  let seq = expectedSeq;
  for (const record of records) {
    if (record.seq !== seq)
      return { ok: false, firstBreak: { seq: record.seq, reason: 'gap', expectedSeq: seq } };
    if (record.prevHash !== expectedPrev) {
      return {
        ok: false,
        firstBreak: {
          seq: record.seq,
          reason: 'broken-link',
          expected: expectedPrev,
          found: record.prevHash,
        },
      };
    }
    expectedPrev = recordHash(record);
    seq += 1;
  }
  return { ok: true, headHash: expectedPrev };
}
