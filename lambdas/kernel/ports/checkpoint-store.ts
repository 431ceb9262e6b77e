// CheckpointStore port (D3): where the audit chain's checkpoints are kept so that nothing can rewrite them. In
// AWS an S3 bucket with Object Lock in compliance mode, writable by the checkpoint writer's role alone
// (kernel/aws/checkpoint-store.ts, lib/audit-checkpoints.ts); locally an append-only file in the state folder
// (local/adapters/checkpoint-store.ts).
import type { AuditCheckpoint, CheckpointEntry } from '../audit/checkpoint.js';

export interface CheckpointStore {
  /**
   * Adds a checkpoint; a stored checkpoint is never changed nor removed. `exists` when one of the same chain
   * and sequence is stored already (a concurrent writer got there first).
   */
  put(checkpoint: AuditCheckpoint): Promise<'written' | 'exists'>;
  /** The checkpoint of a chain with the highest sequence (not the newest: a lower one later is a finding). */
  latest(chain: string): Promise<CheckpointEntry | undefined>;
  /** The checkpoints of a chain whose sequence lies in the range, ascending; unreadable ones as entries too. */
  list(chain: string, range?: { fromSeq?: number; toSeq?: number }): Promise<CheckpointEntry[]>;
}
