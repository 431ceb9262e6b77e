// The outbox's sweeper (kernel/outbox.ts): takes every entry whose lease is over, checks it (signed row, then
// its shape), and completes what it can. Its own module so that the functions that only write entries keep
// the schemas of every step out of their bundles.
import * as z from 'zod/mini';
import { auditEventSchema } from './audit/audit-record.js';
import { Conflict } from './errors.js';
import { parseWith } from './http.js';
import { logger, MetricUnit, metrics } from './observability.js';
import {
  OUTBOX_LEASE_MS,
  OUTBOX_PARTITION,
  OUTBOX_STUCK_ATTEMPTS,
  type Outbox,
  OutboxMetric,
  type OutboxRow,
  withoutVersion,
} from './outbox.js';
import { userMessage } from './ports/user-mail-contracts.js';
import { WORKFLOW_NAMES } from './ports/workflows.js';

export const effectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('audit'), event: auditEventSchema }),
  z.object({
    kind: z.literal('mail'),
    userId: z.string().check(z.minLength(1), z.maxLength(128)),
    message: userMessage,
    contact: z.optional(z.string().check(z.maxLength(8192))),
  }),
  z.object({
    kind: z.literal('workflow'),
    workflow: z.enum(WORKFLOW_NAMES),
    input: z.unknown(),
    name: z.string().check(z.minLength(1), z.maxLength(80)),
  }),
]);

const outboxRow = z.object({
  pk: z.literal(OUTBOX_PARTITION),
  sk: z.string(),
  entryId: z.string(),
  createdAt: z.iso.datetime(),
  leaseUntil: z.iso.datetime(),
  done: z.number().check(z.int(), z.nonnegative()),
  attempts: z.number().check(z.int(), z.nonnegative()),
  effects: z.array(effectSchema).check(z.minLength(1), z.maxLength(8)),
  lastError: z.optional(z.string()),
  version: z.number(),
});

export interface SweepSummary {
  /** Entries seen in the partition. */
  pending: number;
  /** Taken and completed by this sweep. */
  completed: number;
  /** Taken, and a step failed again. */
  failed: number;
  /** Still under another writer's or sweeper's lease. */
  leased: number;
}

/** Takes every entry whose lease is over and completes what it can: the scheduled OutboxSweeper. */
export async function sweepOutbox(outbox: Outbox, limit = 100): Promise<SweepSummary> {
  const { table, clock } = outbox.ports;
  const summary: SweepSummary = { pending: 0, completed: 0, failed: 0, leased: 0 };
  const page = await table.query<OutboxRow>(OUTBOX_PARTITION, { limit });
  const now = clock.now();
  for (const item of page.items) {
    summary.pending++;
    const row = parseWith(outboxRow, item, 'outbox entry') as OutboxRow;
    if (Date.parse(row.leaseUntil) > now.getTime()) {
      summary.leased++;
      continue;
    }
    let taken: OutboxRow;
    try {
      const [written] = await table.transact([
        {
          replace: row,
          with: {
            ...withoutVersion(row),
            attempts: row.attempts + 1,
            leaseUntil: new Date(now.getTime() + OUTBOX_LEASE_MS).toISOString(),
          },
        },
      ]);
      taken = written as OutboxRow;
    } catch (err) {
      if (err instanceof Conflict) {
        summary.leased++;
        continue;
      }
      throw err;
    }
    if (await outbox.run(taken, 'sweeper')) {
      summary.completed++;
      metrics.addMetric(OutboxMetric.Completed, MetricUnit.Count, 1);
    } else {
      summary.failed++;
      if (taken.attempts >= OUTBOX_STUCK_ATTEMPTS) {
        metrics.addMetric(OutboxMetric.Stuck, MetricUnit.Count, 1);
        logger.error('an outbox entry keeps failing', { entryId: taken.entryId, attempts: taken.attempts });
      }
    }
  }
  return summary;
}

/** The sweeper as a port: what the scheduled function holds. */
export interface OutboxSweeper {
  sweep(): Promise<SweepSummary>;
}

export const outboxSweeperOf = (outbox: Outbox): OutboxSweeper => ({ sweep: () => sweepOutbox(outbox) });
