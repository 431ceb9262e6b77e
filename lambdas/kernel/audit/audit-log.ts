// The audit log: append-only, hash-chained, every record a signed row; an append is a conditional write of
// the next sequence number, so two appenders cannot fork the chain (the loser re-reads the head and retries).
import { Conflict } from '../errors.js';
import { parseWith } from '../http.js';
import type { QueryPage, SignedTable } from '../integrity/signed-table.js';
import { TABLES } from '../tables.js';
import {
  type AuditEvent,
  type AuditRecord,
  actorKeyOf,
  auditEventSchema,
  chainPartition,
  GENESIS_HASH,
  seqSortKey,
  targetKeyOf,
} from './audit-record.js';
import { recordHash } from './chain.js';

const [BY_TARGET, BY_ACTOR] = TABLES.audit.indexes;

export const MAIN_CHAIN = 'main';

export class AuditLog {
  constructor(
    private readonly table: SignedTable,
    private readonly chain: string = MAIN_CHAIN,
    private readonly maxAttempts = 25,
  ) {}

  async head(): Promise<AuditRecord | undefined> {
    const page = await this.table.query<AuditRecord>(chainPartition(this.chain), {
      newestFirst: true,
      limit: 1,
    });
    return page.items[0];
  }

  async append(event: AuditEvent): Promise<AuditRecord> {
    const valid = parseWith(auditEventSchema, event, 'audit event');
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const head = await this.head();
      const seq = (head?.seq ?? 0) + 1;
      try {
        return await this.table.create<AuditRecord>({
          ...valid,
          pk: chainPartition(this.chain),
          sk: seqSortKey(seq),
          chain: this.chain,
          seq,
          prevHash: head ? recordHash(head) : GENESIS_HASH,
          targetKey: targetKeyOf(valid.target),
          actorKey: actorKeyOf(valid.actor),
        });
      } catch (err) {
        if (!(err instanceof Conflict)) throw err;
        // Another appender took this sequence number: read the new head and link to it.
      }
    }
    throw new Conflict('The audit log is too busy; retry', 'AUDIT_CONTENTION');
  }

  /** Records of one chain from `fromSeq` on, oldest first, each verified on read. */
  range(fromSeq = 1, limit = 500, startKey?: Record<string, unknown>): Promise<QueryPage<AuditRecord>> {
    return this.table.query<AuditRecord>(chainPartition(this.chain), {
      limit,
      ...(startKey
        ? { startKey }
        : fromSeq > 1
          ? { startKey: { pk: chainPartition(this.chain), sk: seqSortKey(fromSeq - 1) } }
          : {}),
    });
  }

  byTarget(target: AuditEvent['target'], limit = 50, startKey?: Record<string, unknown>) {
    return this.table.query<AuditRecord>(targetKeyOf(target), {
      index: BY_TARGET,
      limit,
      newestFirst: true,
      ...(startKey ? { startKey } : {}),
    });
  }

  byActor(actor: AuditEvent['actor'], limit = 50, startKey?: Record<string, unknown>) {
    return this.table.query<AuditRecord>(actorKeyOf(actor), {
      index: BY_ACTOR,
      limit,
      newestFirst: true,
      ...(startKey ? { startKey } : {}),
    });
  }
}
