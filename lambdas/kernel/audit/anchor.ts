// D3: the audit chain checked against its checkpoints, offline (scripts/audit-verify.ts). verifyChain
// (chain.ts) proves the records link and are signed; this proves the chain still reaches every checkpoint and
// still has, at each checkpointed sequence, the record that was there when the checkpoint was made. What it
// cannot prove is the unanchored tail: the records after the last checkpoint, which it counts.

import { recordHash } from './chain.js';
import { type AuditCheckpoint, type CheckpointEntry, checkpointSignature } from './checkpoint.js';

type StoredRecord = Record<string, unknown> & { pk: string; sk: string; seq: number; prevHash: string };

/** A checkpoint as a report names it. */
export interface CheckpointRef {
  ref: string;
  seq: number;
  at: string;
}

/** A record as a report names it: its sequence, its key (`pk/sk`) and what it says it was. */
export interface RecordRef {
  seq: number;
  id: string;
  action?: string;
  at?: string;
  requestId?: string;
}

export type AnchorFinding =
  /** Stored bytes that are not a checkpoint. */
  | { kind: 'unreadable-checkpoint'; ref: string; error: string }
  /** A checkpoint whose signature does not verify (or whose key is unknown): not counted as an anchor. */
  | { kind: 'forged-checkpoint'; checkpoint: CheckpointRef; reason: 'bad-signature' | 'unknown-key' }
  /** The chain ends before a checkpoint's sequence: records `missingFrom..missingTo` were deleted. */
  | { kind: 'truncated'; checkpoint: CheckpointRef; lastSeq: number; missingFrom: number; missingTo: number }
  /** The record at a checkpoint's sequence is not the one checkpointed: rewritten (and signed again). */
  | { kind: 'rewritten'; checkpoint: CheckpointRef; record: RecordRef; expected: string; found: string }
  /** Within the range, no record at a checkpoint's sequence (the chain check reports the gap too). */
  | { kind: 'missing'; checkpoint: CheckpointRef }
  /** Records and no valid checkpoint at all: nothing anchors the chain. */
  | { kind: 'not-anchored'; records: number };

export interface AnchorReport {
  ok: boolean;
  /** Valid checkpoints compared with the records. */
  checked: number;
  /** Valid checkpoints outside the records given (a partial export): not compared. */
  outOfRange: number;
  /** The valid checkpoint of the highest sequence. */
  latest?: CheckpointRef;
  /** The highest sequence a valid checkpoint confirmed. */
  anchoredTo?: number;
  /** The records after the latest checkpoint: what a deletion or rewrite could still touch unseen. */
  tail?: { count: number; fromSeq: number; toSeq: number; firstAt?: string; lastAt?: string };
  findings: AnchorFinding[];
}

export interface AnchorOptions {
  /** The records run to the chain's end (no upper bound asked): a checkpoint beyond the last is truncation. */
  complete: boolean;
  /** Records without any checkpoint pass (a new deployment before its first checkpoint). */
  allowUnanchored?: boolean;
}

export const checkpointRef = (ref: string, c: AuditCheckpoint): CheckpointRef => ({
  ref,
  seq: c.seq,
  at: c.at,
});

export function recordRef(record: StoredRecord): RecordRef {
  const { action, at, requestId } = record;
  return {
    seq: record.seq,
    id: `${record.pk}/${record.sk}`,
    ...(typeof action === 'string' ? { action } : {}),
    ...(typeof at === 'string' ? { at } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
  };
}

/**
 * Compares records of one chain, in sequence order and already checked by verifyChain, with the chain's
 * checkpoints. Every valid checkpoint within the records must match the record at its sequence; with
 * `complete`, one beyond the last record means the chain was cut short.
 */
export function checkAnchors(
  records: readonly StoredRecord[],
  entries: readonly CheckpointEntry[],
  publicKeys: ReadonlyMap<string, Uint8Array>,
  options: AnchorOptions,
): AnchorReport {
  const findings: AnchorFinding[] = [];
  const valid: { ref: string; checkpoint: AuditCheckpoint }[] = [];
  for (const entry of entries) {
    if (!entry.checkpoint) {
      findings.push({ kind: 'unreadable-checkpoint', ref: entry.ref, error: entry.error });
      continue;
    }
    const signature = checkpointSignature(entry.checkpoint, publicKeys);
    if (signature !== 'valid') {
      findings.push({
        kind: 'forged-checkpoint',
        checkpoint: checkpointRef(entry.ref, entry.checkpoint),
        reason: signature,
      });
      continue;
    }
    valid.push({ ref: entry.ref, checkpoint: entry.checkpoint });
  }
  valid.sort((a, b) => a.checkpoint.seq - b.checkpoint.seq);

  const bySeq = new Map(records.map((r) => [r.seq, r]));
  const firstSeq = records[0]?.seq;
  const lastSeq = records.at(-1)?.seq;
  let checked = 0;
  let outOfRange = 0;
  let anchoredTo: number | undefined;
  let beyond: { ref: string; checkpoint: AuditCheckpoint } | undefined;
  for (const item of valid) {
    const { checkpoint } = item;
    if (lastSeq === undefined || firstSeq === undefined || checkpoint.seq > lastSeq) {
      if (options.complete) beyond = item;
      else outOfRange += 1;
      continue;
    }
    if (checkpoint.seq < firstSeq) {
      outOfRange += 1;
      continue;
    }
    const record = bySeq.get(checkpoint.seq);
    if (!record) {
      findings.push({ kind: 'missing', checkpoint: checkpointRef(item.ref, checkpoint) });
      continue;
    }
    const found = recordHash(record);
    if (found !== checkpoint.headHash) {
      findings.push({
        kind: 'rewritten',
        checkpoint: checkpointRef(item.ref, checkpoint),
        record: recordRef(record),
        expected: checkpoint.headHash,
        found,
      });
      continue;
    }
    checked += 1;
    anchoredTo = checkpoint.seq;
  }
  if (beyond) {
    const last = lastSeq ?? 0;
    findings.push({
      kind: 'truncated',
      checkpoint: checkpointRef(beyond.ref, beyond.checkpoint),
      lastSeq: last,
      missingFrom: last + 1,
      missingTo: beyond.checkpoint.seq,
    });
  }
  if (records.length > 0 && valid.length === 0 && !options.allowUnanchored) {
    findings.push({ kind: 'not-anchored', records: records.length });
  }

  const latestItem = valid.at(-1);
  const latest = latestItem ? checkpointRef(latestItem.ref, latestItem.checkpoint) : undefined;
  const unanchored = records.filter((r) => r.seq > (latest?.seq ?? 0));
  const head = unanchored[0];
  const end = unanchored.at(-1);
  const tail =
    head && end
      ? {
          count: unanchored.length,
          fromSeq: head.seq,
          toSeq: end.seq,
          ...(typeof head.at === 'string' ? { firstAt: head.at } : {}),
          ...(typeof end.at === 'string' ? { lastAt: end.at } : {}),
        }
      : undefined;
  return {
    ok: findings.length === 0,
    checked,
    outOfRange,
    ...(latest ? { latest } : {}),
    ...(anchoredTo !== undefined ? { anchoredTo } : {}),
    ...(tail ? { tail } : {}),
    findings,
  };
}
