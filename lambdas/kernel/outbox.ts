// The transactional outbox: what a request must still do after its write (an audit record, an email, a
// workflow start) is written with it, in the same DynamoDB transaction, as a signed OUTBOX row; then done at
// once, and the row deleted. When a step fails (or the container dies), the row stays, and the scheduled
// OutboxSweeper (every OUTBOX_SWEEP_MINUTES, in AWS and in `npm start`) does the rest. So a request's write
// and its follow-up steps happen all or none: never an address row without its confirmation email, a hold
// without its workflow, a suspension without its audit record.
//
// Delivery is at least once: a step that succeeded just before its container died runs again. A workflow start
// is exactly once (executions are named); an email may come twice; an audit record the sweeper appends names
// its outbox entry (`details.outbox`), so a duplicate is recognisable. docs/decisions.md, "The outbox".
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import type { AuditLog } from './audit/audit-log.js';
import { type AuditEvent, auditEventSchema } from './audit/audit-record.js';
import { Conflict } from './errors.js';
import { parseWith } from './http.js';
import type { Infra } from './infra.js';
import type { SignedTable, TransactWrite } from './integrity/signed-table.js';
import { logger, MetricUnit, metrics } from './observability.js';
import type { Clock } from './ports/clock.js';
import type { UserMail } from './ports/user-mail.js';
import { type UserMessage, userMessage } from './ports/user-mail-contracts.js';
import { WORKFLOW_NAMES, type Workflows } from './ports/workflows.js';

/** The partition of the pending entries (the Accounts table): the sweeper reads it oldest first. */
export const OUTBOX_PARTITION = 'OUTBOX';
/** How long the writer of an entry (or a sweeper that took it) has it to itself before a sweeper may take it. */
export const OUTBOX_LEASE_MS = 2 * 60_000;
/** Minutes between two sweeps. */
export const OUTBOX_SWEEP_MINUTES = 1;
/** After this many attempts an entry is reported stuck on every sweep (metric OutboxStuck, alarmed on). */
export const OUTBOX_STUCK_ATTEMPTS = 10;

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
export type Effect = z.infer<typeof effectSchema>;

const outboxRow = z.object({
  pk: z.literal(OUTBOX_PARTITION),
  sk: z.string(),
  entryId: z.string(),
  createdAt: z.iso.datetime(),
  leaseUntil: z.iso.datetime(),
  /** Steps done, in order: a sweeper goes on from here. */
  done: z.number().check(z.int(), z.nonnegative()),
  attempts: z.number().check(z.int(), z.nonnegative()),
  effects: z.array(effectSchema).check(z.minLength(1), z.maxLength(8)),
  lastError: z.optional(z.string()),
  version: z.number(),
});
type OutboxRow = z.infer<typeof outboxRow>;

export interface OutboxPorts {
  /** The Accounts table: the entry is written in the same transaction as the request's rows. */
  table: SignedTable;
  clock: Clock;
  /** The steps' services; a writer names those its steps use (an entry with another kind is refused). */
  audit?: Pick<AuditLog, 'append'>;
  mail?: Pick<UserMail, 'send'>;
  workflows?: Pick<Workflows, 'start'>;
}

export const OutboxMetric = {
  /** A step failed after its request's write: the sweeper will complete it. */
  Deferred: 'OutboxDeferred',
  /** Entries the sweeper completed. */
  Completed: 'OutboxCompleted',
  /** An entry still failing after OUTBOX_STUCK_ATTEMPTS sweeps. */
  Stuck: 'OutboxStuck',
} as const;

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

/**
 * The follow-up steps of one write, made from the row as it is written (an update's next version). Pass
 * `writes` to the store's write; after it, `settle()` does the steps.
 */
export class PendingEffects<T = unknown> {
  private entry: OutboxRow | undefined;
  constructor(
    private readonly outbox: Outbox,
    private readonly of: (row: T) => readonly Effect[],
  ) {}

  /**
   * The writes to add to the transaction: the entry, or none when there is nothing to do. Only an entry whose
   * transaction succeeded is settled (a retried write makes a new one each attempt).
   */
  writes = (row: T): TransactWrite[] => {
    const effects = this.of(row);
    if (effects.length === 0) return [];
    const entry = this.outbox.entry(effects);
    const { version: _v, ...create } = entry;
    return [{ create, committed: () => (this.entry = entry) }];
  };

  /** Does the steps of the entry written (none if the write did not happen or had nothing to do). */
  async settle(): Promise<void> {
    const entry = this.entry;
    this.entry = undefined;
    if (entry) await this.outbox.run(entry, 'writer');
  }
}

export class Outbox {
  constructor(private readonly ports: OutboxPorts) {}

  /** Follow-up steps made from the row the store writes (`writes`), done by `settle()` after the write. */
  pending<T>(of: (row: T) => readonly Effect[]): PendingEffects<T> {
    return new PendingEffects<T>(this, of);
  }

  /** Steps that do not depend on the row: the same, for a write whose row is known. */
  fixed(effects: readonly Effect[]): PendingEffects<unknown> {
    return new PendingEffects<unknown>(this, () => effects);
  }

  /** A new entry, leased to its writer. */
  entry(effects: readonly Effect[]): OutboxRow {
    const checked = effects.map((e) => parseWith(effectSchema, e, 'outbox step'));
    for (const e of checked) this.service(e.kind);
    const now = this.ports.clock.now();
    const entryId = randomUUID();
    return {
      pk: OUTBOX_PARTITION,
      sk: `${now.toISOString()}#${entryId}`,
      entryId,
      createdAt: now.toISOString(),
      leaseUntil: new Date(now.getTime() + OUTBOX_LEASE_MS).toISOString(),
      done: 0,
      attempts: 0,
      effects: checked,
      version: 1,
    };
  }

  /**
   * Runs the entry's steps from `done` on, then deletes it. A failing step is recorded (`done`, `lastError`)
   * and the lease given up, so the next sweep takes it; the failure is not the request's: it was written.
   * Returns whether the entry is complete.
   */
  async run(entry: OutboxRow, by: 'writer' | 'sweeper'): Promise<boolean> {
    let done = entry.done;
    try {
      for (; done < entry.effects.length; done++) {
        await this.perform(entry, entry.effects[done] as Effect, done, by);
      }
    } catch (err) {
      metrics.addMetric(OutboxMetric.Deferred, MetricUnit.Count, 1);
      logger.warn('an outbox step failed; the sweeper completes it', {
        entryId: entry.entryId,
        step: done,
        kind: entry.effects[done]?.kind,
        by,
        error: (err as Error).name,
      });
      await this.ports.table
        .transact([
          {
            replace: entry,
            with: {
              ...withoutVersion(entry),
              done,
              leaseUntil: this.ports.clock.now().toISOString(),
              lastError: `${(err as Error).name}`.slice(0, 200),
            },
          },
        ])
        .catch((recordErr: unknown) => {
          // Taken by a sweeper meanwhile, or the table itself failing: the entry stays, leased or not.
          logger.warn('the outbox entry could not record its progress', {
            entryId: entry.entryId,
            error: (recordErr as Error).name,
          });
        });
      return false;
    }
    await this.ports.table.transact([{ delete: entry }]).catch((err: unknown) => {
      // A sweeper took the entry (our lease ran out): it will find every step done or redo the last ones.
      if (!(err instanceof Conflict)) throw err;
    });
    return true;
  }

  /** Takes every entry whose lease is over and completes what it can: the scheduled OutboxSweeper. */
  async sweep(limit = 100): Promise<SweepSummary> {
    const summary: SweepSummary = { pending: 0, completed: 0, failed: 0, leased: 0 };
    const page = await this.ports.table.query<OutboxRow>(OUTBOX_PARTITION, { limit });
    const now = this.ports.clock.now();
    for (const item of page.items) {
      summary.pending++;
      const row = parseWith(outboxRow, item, 'outbox entry');
      if (Date.parse(row.leaseUntil) > now.getTime()) {
        summary.leased++;
        continue;
      }
      let taken: OutboxRow;
      try {
        const [written] = await this.ports.table.transact([
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
      if (await this.run(taken, 'sweeper')) {
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

  private service(kind: Effect['kind']): unknown {
    const { audit, mail, workflows } = this.ports;
    const service = { audit, mail, workflow: workflows }[kind];
    if (!service) throw new Error(`This outbox has no service for '${kind}' steps`);
    return service;
  }

  private async perform(
    entry: OutboxRow,
    effect: Effect,
    step: number,
    by: 'writer' | 'sweeper',
  ): Promise<void> {
    switch (effect.kind) {
      case 'audit': {
        // Done late: the record names its entry, so one its writer made just before dying is recognisable.
        const event: AuditEvent =
          by === 'sweeper'
            ? {
                ...effect.event,
                details: { ...(effect.event.details ?? {}), outbox: `${entry.entryId}/${step}` },
              }
            : effect.event;
        await (this.service('audit') as Pick<AuditLog, 'append'>).append(event);
        return;
      }
      case 'mail':
        await (this.service('mail') as Pick<UserMail, 'send'>).send(
          effect.userId,
          effect.message as UserMessage,
          effect.contact ? { contact: effect.contact } : undefined,
        );
        return;
      case 'workflow':
        await (this.service('workflow') as Pick<Workflows, 'start'>).start(
          effect.workflow,
          effect.input,
          effect.name,
        );
        return;
    }
  }
}

/**
 * An outbox on the Accounts table with the audit log and the services a writer's steps use: the writer's
 * own grants (a step of another kind is refused when the entry is made, not when it runs).
 */
export const outboxOf = (
  infra: Pick<Infra, 'rows' | 'clock'>,
  services: Pick<OutboxPorts, 'mail' | 'workflows'> = {},
): Outbox =>
  new Outbox({
    table: infra.rows().tables.accounts,
    clock: infra.clock,
    audit: infra.rows().audit,
    ...services,
  });

const withoutVersion = ({ version: _v, ...rest }: OutboxRow) => rest;
