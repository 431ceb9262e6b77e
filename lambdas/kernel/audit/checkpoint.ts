// D3: a checkpoint anchors the audit chain's head. The chain alone proves that no record between two others
// changed (each links to the hash of the one before it); it cannot prove where it ends, so deleting the last
// records, or rewriting the last one and signing it again, leaves a chain that verifies. A checkpoint, made
// every few minutes and stored where nothing can rewrite it (S3 Object Lock in AWS, an append-only file
// locally; kernel/ports/checkpoint-store.ts), says: at this time the chain had `seq` records and the last
// one's hash was `headHash`. It is signed by the platform signing key, so a copy verifies offline.
import * as z from 'zod/mini';
import { sha256, verifySignature } from '../crypto/verify-signature.js';
import { canonicalItemBytes } from '../integrity/canonical-item.js';
import type { KeyService } from '../ports/key-service.js';

export const CHECKPOINT_VERSION = 1;

/**
 * The name signed into a checkpoint, where a row carries its table's: no table is called this, so a
 * checkpoint's signature never verifies as a row's, nor a row's as a checkpoint's.
 */
export const CHECKPOINT_SIGNED_NAME = 'AuditCheckpoint';

/** Where the checkpoints are, in the AWS bucket: IAM grants and the bucket policy name this prefix. */
export const CHECKPOINT_PREFIX = 'audit-checkpoints/';

/** One seq at most 12 digits, as the chain's sort key (`seqSortKey`). */
export const MAX_SEQ = 999_999_999_999;

export const checkpointSchema = z.object({
  v: z.literal(CHECKPOINT_VERSION),
  chain: z.string().check(z.regex(/^[a-z0-9-]{1,64}$/)),
  seq: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_SEQ)),
  /** SHA-256 (hex) of the signed bytes of the record at `seq`: what the next record links to. */
  headHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  /** When the checkpoint was made. */
  at: z.iso.datetime(),
  /** The signing key (its KMS ARN, or the local key's id) and the DER signature, base64. */
  keyId: z.string().check(z.minLength(1), z.maxLength(2048)),
  sig: z.string().check(z.regex(/^[A-Za-z0-9+/]+={0,2}$/), z.maxLength(256)),
});
export type AuditCheckpoint = z.infer<typeof checkpointSchema>;
export type CheckpointFields = Omit<AuditCheckpoint, 'v' | 'keyId' | 'sig'>;

/** The bytes a checkpoint's signature covers: RFC 8785 JSON, as a row's (canonical-item.ts). */
export function checkpointBytes(fields: CheckpointFields): Uint8Array {
  return canonicalItemBytes(
    CHECKPOINT_SIGNED_NAME,
    { chain: fields.chain, seq: String(fields.seq) },
    { v: CHECKPOINT_VERSION, chain: fields.chain, seq: fields.seq, headHash: fields.headHash, at: fields.at },
  );
}

/** Signs a checkpoint with the platform signing key (one KMS Sign). */
export async function signCheckpoint(
  keys: Pick<KeyService, 'signDigest'>,
  fields: CheckpointFields,
): Promise<AuditCheckpoint> {
  const { signature, keyId } = await keys.signDigest(sha256(checkpointBytes(fields)));
  return {
    v: CHECKPOINT_VERSION,
    chain: fields.chain,
    seq: fields.seq,
    headHash: fields.headHash,
    at: fields.at,
    keyId,
    sig: Buffer.from(signature).toString('base64'),
  };
}

export type CheckpointSignature = 'valid' | 'bad-signature' | 'unknown-key';

/** Checks a checkpoint's signature with the public keys alone. */
export function checkpointSignature(
  checkpoint: AuditCheckpoint,
  publicKeys: ReadonlyMap<string, Uint8Array>,
): CheckpointSignature {
  const spki = publicKeys.get(checkpoint.keyId);
  if (!spki) return 'unknown-key';
  try {
    return verifySignature(spki, checkpointBytes(checkpoint), Buffer.from(checkpoint.sig, 'base64'))
      ? 'valid'
      : 'bad-signature';
  } catch {
    return 'bad-signature';
  }
}

/**
 * A stored checkpoint as a store reads it back: `ref` names where it is (an S3 key, a line of the local
 * file); `checkpoint` is absent, and `error` says why, when the stored bytes are not a checkpoint.
 */
export type CheckpointEntry =
  | { ref: string; checkpoint: AuditCheckpoint; error?: undefined }
  | { ref: string; checkpoint?: undefined; error: string };

/** Parses stored bytes (JSON text) into an entry; never throws. */
export function parseCheckpoint(ref: string, text: string): CheckpointEntry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ref, error: 'not JSON' };
  }
  const parsed = z.safeParse(checkpointSchema, json);
  if (!parsed.success) {
    return { ref, error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  return { ref, checkpoint: parsed.data };
}

/** The text a store keeps: one JSON object, keys in a fixed order. */
export const checkpointText = (c: AuditCheckpoint): string =>
  JSON.stringify({
    v: c.v,
    chain: c.chain,
    seq: c.seq,
    headHash: c.headHash,
    at: c.at,
    keyId: c.keyId,
    sig: c.sig,
  });
