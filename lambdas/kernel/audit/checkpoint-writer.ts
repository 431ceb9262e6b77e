// D3: makes the next checkpoint of the audit chain, and on the way checks that the chain still holds the
// record its latest checkpoint names. Run on a schedule (the AuditCheckpoint function every few minutes in AWS;
// a timer, the stop and the audit export locally). Each run:
//   1. reads the latest checkpoint (highest sequence) and checks its signature;
//   2. reads the record at that sequence: missing means the chain was cut short, another hash means it was
//      rewritten and signed again; either stops the run with AnchorBroken (no checkpoint over a broken anchor);
//   3. links the records after it (sequence, prevHash; each signature is verified as it is read), page by
//      page, up to `maxRecords`;
//   4. signs and stores a checkpoint of the last record linked, unless nothing was added.
// So every checkpoint extends a chain that reached the one before it.
import { IntegrityError } from '../errors.js';
import type { CheckpointStore } from '../ports/checkpoint-store.js';
import type { Clock } from '../ports/clock.js';
import type { KeyService } from '../ports/key-service.js';
import { type AuditLog, MAIN_CHAIN } from './audit-log.js';
import { type AuditRecord, GENESIS_HASH } from './audit-record.js';
import { type ChainBreak, checkLinks, recordHash } from './chain.js';
import { type AuditCheckpoint, checkpointSignature, signCheckpoint } from './checkpoint.js';

export type AnchorBreak =
  | { reason: 'unreadable-checkpoint'; ref: string; error: string }
  | { reason: 'forged-checkpoint'; ref: string; seq: number; signature: 'bad-signature' | 'unknown-key' }
  | { reason: 'truncated'; ref: string; checkpointSeq: number }
  | { reason: 'rewritten'; ref: string; seq: number; expected: string; found: string }
  | { reason: 'chain'; chainBreak: ChainBreak };

function describeBreak(b: AnchorBreak): string {
  switch (b.reason) {
    case 'unreadable-checkpoint':
      return `the latest checkpoint ${b.ref} is unreadable (${b.error})`;
    case 'forged-checkpoint':
      return `the latest checkpoint ${b.ref} (seq ${b.seq}) fails its signature check (${b.signature})`;
    case 'truncated':
      return `the chain no longer has record seq ${b.checkpointSeq}, which checkpoint ${b.ref} anchors`;
    case 'rewritten':
      return `record seq ${b.seq} is not the record checkpoint ${b.ref} anchors (hash ${b.found}, checkpointed ${b.expected})`;
    case 'chain':
      return `record seq ${b.chainBreak.seq} after the latest checkpoint: ${b.chainBreak.reason}`;
  }
}

/** The chain no longer matches its latest checkpoint: tampering, alarmed on; no checkpoint is written over it. */
export class AnchorBroken extends IntegrityError {
  constructor(readonly detail: AnchorBreak) {
    super(`The audit chain does not match its latest checkpoint: ${describeBreak(detail)}`);
  }
}

/**
 * The chain's standing as a reader sees it (the admin console's Audit page, D3): checked the way the writer
 * checks before it writes, without writing. `verified`: the latest checkpoint is signed and the chain still
 * holds the record it names, and the records after it (up to the limit) link; `broken`: not so (`problem`
 * says what); `not-anchored`: records, no checkpoint yet; `empty`: no record.
 */
export interface ChainStatus {
  state: 'verified' | 'broken' | 'not-anchored' | 'empty';
  /** The last anchored checkpoint, once its signature and record are checked. */
  checkpoint?: { seq: number; at: string; headHash: string };
  /** The records after the checkpoint, linked to it (the unanchored tail); `complete` when all were read. */
  tail: { linked: number; lastSeq?: number; lastAt?: string; complete: boolean };
  problem?: string;
}

export type CheckpointRun =
  | { outcome: 'empty' }
  | { outcome: 'unchanged'; checkpoint: AuditCheckpoint }
  | { outcome: 'written' | 'exists'; checkpoint: AuditCheckpoint; linked: number };

export interface CheckpointWriterOptions {
  chain?: string;
  /** Most records linked in one run; the next run goes on from the checkpoint this one wrote. */
  maxRecords?: number;
  /** Records per query page. */
  pageSize?: number;
}

export class CheckpointWriter {
  private readonly chain: string;
  private readonly maxRecords: number;
  private readonly pageSize: number;

  constructor(
    private readonly audit: Pick<AuditLog, 'range'>,
    private readonly keys: Pick<KeyService, 'signDigest' | 'getPublicKey'>,
    private readonly store: CheckpointStore,
    private readonly clock: Clock,
    options: CheckpointWriterOptions = {},
  ) {
    this.chain = options.chain ?? MAIN_CHAIN;
    this.maxRecords = options.maxRecords ?? 20_000;
    this.pageSize = options.pageSize ?? 500;
  }

  async run(): Promise<CheckpointRun> {
    const anchor = await this.checkLatest();
    let prevHash = anchor?.headHash ?? GENESIS_HASH;
    let expectedSeq = (anchor?.seq ?? 0) + 1;
    let last: AuditRecord | undefined;
    let linked = 0;
    let startKey: Record<string, unknown> | undefined;
    while (linked < this.maxRecords) {
      const page = await this.audit.range(
        expectedSeq,
        Math.min(this.pageSize, this.maxRecords - linked),
        startKey,
      );
      const first = page.items[0];
      if (!first) break;
      // Each record's signature was verified as it was read (SignedTable fails closed): the links remain.
      const links = checkLinks(page.items, prevHash, expectedSeq);
      if (!links.ok) throw new AnchorBroken({ reason: 'chain', chainBreak: links.firstBreak });
      prevHash = links.headHash;
      last = page.items.at(-1);
      linked += page.items.length;
      expectedSeq = (last?.seq ?? expectedSeq) + 1;
      if (!page.next) break;
      startKey = page.next;
    }
    if (!last) return anchor ? { outcome: 'unchanged', checkpoint: anchor } : { outcome: 'empty' };
    const checkpoint = await signCheckpoint(this.keys, {
      chain: this.chain,
      seq: last.seq,
      headHash: prevHash,
      at: this.clock.now().toISOString(),
    });
    return { outcome: await this.store.put(checkpoint), checkpoint, linked };
  }

  /**
   * The chain's standing without writing: the latest checkpoint checked as `run` checks it, then the records
   * after it linked, at most `limit` of them (a reader's bound; the scheduled run links the rest).
   */
  async status(limit = 2_000): Promise<ChainStatus> {
    let anchor: AuditCheckpoint | undefined;
    try {
      anchor = await this.checkLatest();
    } catch (err) {
      if (err instanceof AnchorBroken)
        return { state: 'broken', tail: { linked: 0, complete: false }, problem: err.message };
      throw err;
    }
    let prevHash = anchor?.headHash ?? GENESIS_HASH;
    let expectedSeq = (anchor?.seq ?? 0) + 1;
    let last: AuditRecord | undefined;
    let linked = 0;
    let complete = false;
    let startKey: Record<string, unknown> | undefined;
    while (linked < limit) {
      const page = await this.audit.range(expectedSeq, Math.min(this.pageSize, limit - linked), startKey);
      if (page.items.length === 0) {
        complete = true;
        break;
      }
      const links = checkLinks(page.items, prevHash, expectedSeq);
      const checkpoint = anchor && { seq: anchor.seq, at: anchor.at, headHash: anchor.headHash };
      if (!links.ok) {
        return {
          state: 'broken',
          ...(checkpoint ? { checkpoint } : {}),
          tail: { linked, ...(last ? { lastSeq: last.seq, lastAt: last.at } : {}), complete: false },
          problem: new AnchorBroken({ reason: 'chain', chainBreak: links.firstBreak }).message,
        };
      }
      prevHash = links.headHash;
      last = page.items.at(-1);
      linked += page.items.length;
      expectedSeq = (last?.seq ?? expectedSeq) + 1;
      if (!page.next) {
        complete = true;
        break;
      }
      startKey = page.next;
    }
    const tail = { linked, ...(last ? { lastSeq: last.seq, lastAt: last.at } : {}), complete };
    if (!anchor) return { state: last ? 'not-anchored' : 'empty', tail };
    return {
      state: 'verified',
      checkpoint: { seq: anchor.seq, at: anchor.at, headHash: anchor.headHash },
      tail,
    };
  }

  /** The latest checkpoint, once it is known to be signed and to match the chain; none before the first. */
  private async checkLatest(): Promise<AuditCheckpoint | undefined> {
    const entry = await this.store.latest(this.chain);
    if (!entry) return undefined;
    if (!entry.checkpoint) {
      throw new AnchorBroken({ reason: 'unreadable-checkpoint', ref: entry.ref, error: entry.error });
    }
    const checkpoint = entry.checkpoint;
    const signature = checkpointSignature(checkpoint, await this.publicKeyMap([checkpoint.keyId]));
    if (signature !== 'valid') {
      throw new AnchorBroken({ reason: 'forged-checkpoint', ref: entry.ref, seq: checkpoint.seq, signature });
    }
    const record = (await this.audit.range(checkpoint.seq, 1)).items[0];
    if (!record || record.seq !== checkpoint.seq) {
      throw new AnchorBroken({ reason: 'truncated', ref: entry.ref, checkpointSeq: checkpoint.seq });
    }
    const found = recordHash(record);
    if (found !== checkpoint.headHash) {
      throw new AnchorBroken({
        reason: 'rewritten',
        ref: entry.ref,
        seq: checkpoint.seq,
        expected: checkpoint.headHash,
        found,
      });
    }
    return checkpoint;
  }

  private async publicKeyMap(keyIds: readonly string[]): Promise<Map<string, Uint8Array>> {
    const map = new Map<string, Uint8Array>();
    for (const id of new Set(keyIds)) {
      try {
        map.set(id, (await this.keys.getPublicKey(id)).spki);
      } catch (err) {
        // A key id KMS (or the local key store) does not know: the signature check reports it as such.
        if ((err as Error).name !== 'NotFoundException') throw err;
      }
    }
    return map;
  }
}
