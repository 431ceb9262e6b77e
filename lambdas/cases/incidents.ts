// F6: personal-data breach incidents and their notification clocks. An incident is one signed row
// (`INCIDENT#<id>` / `INCIDENT`, under the head ledger): what happened, when it was detected and when
// Palisade became aware, the data categories, the affected users, the severity, DORA's classification where
// configured, the deadlines (breach-clocks.ts, the one source of truth), the reports filed and the clock's
// fired events. Opening one starts the breach-notification workflow in the same transaction (the outbox);
// the workflow mails the affected users of a high-risk breach (Art. 34, through the user-mail function:
// PGP-signed where the user keeps a key) and runs the clock task, which records reminders, alarms and
// missed deadlines (audited, and the BreachDeadlineNear / BreachDeadlineMissed metrics the alarms watch).
import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import type { AuditEvent } from '../kernel/audit/audit-record.js';
import { AppError, Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import { MetricUnit, metrics, SecurityMetric } from '../kernel/observability.js';
import type { Effect, Outbox, PendingEffects } from '../kernel/outbox.js';
import type { Clock } from '../kernel/ports/clock.js';
import { BREACH_DATA_CATEGORIES, type BreachDataCategory } from '../kernel/ports/user-mail-contracts.js';
import {
  allFiled,
  BREACH_REPORTS,
  BREACH_SEVERITIES,
  type BreachReport,
  type BreachSeverity,
  breachDeadlines,
  type ClockEvent,
  type Deadline,
  firedEvents,
  nextWake,
  overdue,
  REPORT_AUTHORITY,
} from './breach-clocks.js';

/** A request body is at most 8 KiB (the firewall's default): 100 user ids and the description fit. */
export const INCIDENT_BOUNDS = Object.freeze({ affectedUsers: 100, events: 200, filings: 50 });

const userId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/));

/** `POST /v1/admin/incidents`. */
export const openIncidentBody = z.strictObject({
  what: z.string().check(z.minLength(10), z.maxLength(2000)),
  detectedAt: z.iso.datetime(),
  /** When Palisade became aware (GDPR's clock start); the detection time when absent. */
  awareAt: z.optional(z.iso.datetime()),
  dataCategories: z.array(z.enum(BREACH_DATA_CATEGORIES)).check(z.minLength(1)),
  affectedUsers: z.array(userId).check(z.maxLength(INCIDENT_BOUNDS.affectedUsers)),
  severity: z.enum(BREACH_SEVERITIES),
  /** DORA: classified as a major ICT-related incident (counts only where `doraReporting` is configured). */
  doraMajor: z.optional(z.boolean()),
  /** DORA: when it was classified major; now when absent. */
  doraClassifiedAt: z.optional(z.iso.datetime()),
});
export type OpenIncidentBody = z.infer<typeof openIncidentBody>;

/** `POST /v1/admin/incidents/{incidentId}/filings`: a report was filed (with the authority's reference). */
export const fileIncidentReportBody = z.strictObject({
  report: z.enum(BREACH_REPORTS),
  reference: z.string().check(z.minLength(1), z.maxLength(200)),
  filedAt: z.optional(z.iso.datetime()),
});

export interface Filing {
  report: BreachReport;
  at: string;
  by: { kind: 'admin' | 'system'; id: string };
  reference: string;
}

export interface Incident {
  incidentId: string;
  what: string;
  detectedAt: string;
  awareAt: string;
  dataCategories: BreachDataCategory[];
  affectedUsers: string[];
  severity: BreachSeverity;
  dora?: { classifiedAt: string };
  deadlines: Deadline[];
  filings: Filing[];
  events: ClockEvent[];
  checkedAt?: string;
  status: 'open' | 'closed';
  openedBy: string;
  openedAt: string;
}

type IncidentRow = Incident & { pk: string; sk: string; version: number } & Record<string, unknown>;
const incidentKey = (incidentId: string) => ({ pk: `INCIDENT#${incidentId}`, sk: 'INCIDENT' });
const incidentOf = ({ pk: _p, sk: _s, version: _v, ...rest }: IncidentRow): Incident => rest as Incident;

export const newIncidentId = (): string => `inc_${randomBytes(12).toString('base64url')}`;
export const breachExecutionName = (incidentId: string): string => `breach-${incidentId}`;

export class IncidentNotFound extends AppError {
  override readonly name = 'IncidentNotFound';
  readonly status = 404;
  readonly code = 'INCIDENT_NOT_FOUND';
}

export class IncidentStore {
  constructor(private readonly table: SignedTable) {}

  async get(incidentId: string): Promise<Incident | undefined> {
    const row = await this.table.get<IncidentRow>(incidentKey(incidentId));
    return row ? incidentOf(row) : undefined;
  }

  async create(incident: Incident, after?: PendingEffects<Incident>): Promise<void> {
    await this.table.transact([
      { create: { ...incidentKey(incident.incidentId), ...incident } },
      ...(after?.writes(incident) ?? []),
    ]);
  }

  async update(
    incidentId: string,
    change: (current: Incident) => Incident | undefined,
    after?: PendingEffects<Incident>,
  ): Promise<{ incident: Incident; changed: boolean }> {
    const result = await this.table.update<IncidentRow>(
      incidentKey(incidentId),
      (row) => {
        const next = change(incidentOf(row));
        return next ? { ...row, ...next } : undefined;
      },
      (next) => after?.writes(incidentOf(next)) ?? [],
    );
    if (!result) throw new IncidentNotFound('No such incident');
    return { incident: incidentOf(result.row), changed: result.changed };
  }
}

export interface IncidentPorts {
  incidents: IncidentStore;
  outbox: Pick<Outbox, 'pending'>;
  clock: Clock;
}

export type IncidentActor = { kind: 'admin'; id: string; tier?: string } | { kind: 'system'; id: string };

const MAX_ATTEMPTS = 4;

export class IncidentWork {
  constructor(private readonly ports: IncidentPorts) {}

  private event(
    incidentId: string,
    action: string,
    actor: IncidentActor,
    at: string,
    details: Record<string, string | number | boolean>,
    outcome: AuditEvent['outcome'] = 'success',
  ): AuditEvent {
    return { actor, action, target: { kind: 'incident', id: incidentId }, outcome, at, details };
  }

  async get(incidentId: string): Promise<Incident> {
    const found = await this.ports.incidents.get(incidentId);
    if (!found) throw new IncidentNotFound('No such incident');
    return found;
  }

  /** Opens an incident: its row, its audit record and the start of its workflow, all or none. */
  async open(body: OpenIncidentBody, actor: IncidentActor, doraReporting: boolean): Promise<Incident> {
    const now = this.ports.clock.now().toISOString();
    const awareAt = body.awareAt ?? body.detectedAt;
    const dora = doraReporting && body.doraMajor ? { classifiedAt: body.doraClassifiedAt ?? now } : undefined;
    const incident: Incident = {
      incidentId: newIncidentId(),
      what: body.what,
      detectedAt: body.detectedAt,
      awareAt,
      dataCategories: [...new Set(body.dataCategories)],
      affectedUsers: [...new Set(body.affectedUsers)],
      severity: body.severity,
      ...(dora ? { dora } : {}),
      deadlines: breachDeadlines({ awareAt, severity: body.severity, ...(dora ? { dora } : {}) }),
      filings: [],
      events: [],
      status: 'open',
      openedBy: actor.id,
      openedAt: now,
    };
    const after = this.ports.outbox.pending<Incident>((i) => [
      {
        kind: 'audit',
        event: this.event(i.incidentId, 'incident.open', actor, now, {
          severity: i.severity,
          awareAt: i.awareAt,
          affectedUsers: i.affectedUsers.length,
          dataCategories: i.dataCategories.join(','),
          deadlines: i.deadlines
            .map((d) => `${d.report}@${d.due}`)
            .join(',')
            .slice(0, 500),
        }),
      },
      {
        kind: 'workflow',
        workflow: 'breach-notification',
        input: { incidentId: i.incidentId },
        name: breachExecutionName(i.incidentId),
      },
    ]);
    await this.ports.incidents.create(incident, after);
    await after.settle();
    return incident;
  }

  private async change(
    incidentId: string,
    apply: (i: Incident, at: string) => Incident | undefined,
    effects: (i: Incident, at: string) => readonly Effect[],
  ): Promise<{ incident: Incident; changed: boolean }> {
    for (let attempt = 1; ; attempt += 1) {
      const at = this.ports.clock.now().toISOString();
      const after = this.ports.outbox.pending<Incident>((i) => effects(i, at));
      try {
        const result = await this.ports.incidents.update(incidentId, (i) => apply(i, at), after);
        if (result.changed) await after.settle();
        return result;
      } catch (err) {
        if (!(err instanceof Conflict) || err.code !== 'CONFLICT' || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  /** An admin records a report as filed with the authority (or the subjects informed by other means). */
  async file(
    incidentId: string,
    filing: { report: BreachReport; reference: string; filedAt?: string },
    actor: IncidentActor & { kind: 'admin' },
  ): Promise<Incident> {
    const result = await this.change(
      incidentId,
      (i, at) => {
        if (!i.deadlines.some((d) => d.report === filing.report)) {
          throw new Conflict(`The incident runs no ${filing.report} clock`, 'INCIDENT_REPORT_FILED');
        }
        if (i.filings.some((f) => f.report === filing.report)) {
          throw new Conflict(`The ${filing.report} report is filed already`, 'INCIDENT_REPORT_FILED');
        }
        const filings = [
          ...i.filings,
          {
            report: filing.report,
            at: filing.filedAt ?? at,
            by: { kind: 'admin' as const, id: actor.id },
            reference: filing.reference,
          },
        ];
        return {
          ...i,
          filings,
          status: allFiled(
            i.deadlines,
            filings.map((f) => f.report),
          )
            ? 'closed'
            : 'open',
        };
      },
      (i, at) => {
        const filed = i.filings.find((f) => f.report === filing.report);
        const deadline = i.deadlines.find((d) => d.report === filing.report);
        return [
          {
            kind: 'audit',
            event: this.event(i.incidentId, 'incident.file', actor, at, {
              report: filing.report,
              reference: filing.reference.slice(0, 200),
              filedAt: filed?.at ?? at,
              due: deadline?.due ?? '',
              late: deadline ? (filed?.at ?? at) > deadline.due : false,
            }),
          },
        ];
      },
    );
    return result.incident;
  }

  /**
   * Art. 34: mails every affected user of a high-risk breach once (through the user-mail function, which
   * signs with PGP where the user keeps a key) and records the `gdpr-subjects` report filed by the system.
   * Idempotent: a breach already notified, or not high-risk, changes nothing.
   */
  async notifySubjects(incidentId: string): Promise<{ notified: number }> {
    const current = await this.get(incidentId);
    if (current.severity !== 'high' || current.filings.some((f) => f.report === 'gdpr-subjects')) {
      return { notified: 0 };
    }
    const result = await this.change(
      incidentId,
      (i, at) =>
        i.filings.some((f) => f.report === 'gdpr-subjects')
          ? undefined
          : {
              ...i,
              filings: [
                ...i.filings,
                {
                  report: 'gdpr-subjects',
                  at,
                  by: { kind: 'system', id: 'breach-notification' },
                  reference: `${i.affectedUsers.length} users mailed`,
                },
              ],
            },
      (i, at) => [
        ...i.affectedUsers.map((userId) => ({
          kind: 'mail' as const,
          userId,
          message: {
            template: 'breach-notice' as const,
            incidentId: i.incidentId,
            detectedAt: i.detectedAt,
            dataCategories: i.dataCategories,
          },
        })),
        {
          kind: 'audit',
          event: this.event(
            i.incidentId,
            'incident.notify-subjects',
            { kind: 'system', id: 'breach-notification' },
            at,
            {
              users: i.affectedUsers.length,
            },
          ),
        },
      ],
    );
    return { notified: result.changed ? result.incident.affectedUsers.length : 0 };
  }

  /**
   * One run of the clock: the reminders, alarms and missed deadlines of unfiled reports since the last run,
   * each audited (and the alarm's metrics emitted); answers when to run next, or done when all are filed.
   */
  async tick(incidentId: string): Promise<{ done: boolean; nextAt?: string; fired: ClockEvent[] }> {
    const now = this.ports.clock.now().toISOString();
    const current = await this.get(incidentId);
    const filed = current.filings.map((f) => f.report);
    if (allFiled(current.deadlines, filed)) return { done: true, fired: [] };
    const fired = firedEvents(current.deadlines, filed, current.checkedAt, now);
    const missed = overdue(current.deadlines, filed, now);
    const system = { kind: 'system' as const, id: 'breach-clock' };
    const result = await this.change(
      incidentId,
      (i) => ({ ...i, checkedAt: now, events: [...i.events, ...fired].slice(-INCIDENT_BOUNDS.events) }),
      (i, at) => [
        ...fired.map((e) => ({
          kind: 'audit' as const,
          event: this.event(
            i.incidentId,
            `incident.${e.kind}`,
            system,
            at,
            {
              report: e.report,
              due: i.deadlines.find((d) => d.report === e.report)?.due ?? '',
              firedAt: e.at,
            },
            e.kind === 'reminder' ? 'success' : 'flagged',
          ),
        })),
      ],
    );
    const updated = result.incident;
    for (const e of fired) {
      if (e.kind === 'alarm') metrics.addMetric(SecurityMetric.BreachDeadlineNear, MetricUnit.Count, 1);
    }
    // Every run while a deadline is missed keeps its alarm on (at least daily, OVERDUE_REPEAT_HOURS).
    if (missed.length > 0)
      metrics.addMetric(SecurityMetric.BreachDeadlineMissed, MetricUnit.Count, missed.length);
    const next = nextWake(
      updated.deadlines,
      updated.filings.map((f) => f.report),
      now,
    );
    return { done: next === undefined, ...(next ? { nextAt: next } : {}), fired };
  }

  /**
   * The evidence bundle for one authority: the incident's facts, the deadlines and filings of that
   * authority's reports, the clock's events, and the incident's audit trail (given by the caller).
   */
  evidence(
    incident: Incident,
    authority: 'dpa' | 'subjects' | 'dora-authority',
    auditTrail: readonly { at: string; action: string; actor: string; outcome: string; details?: unknown }[],
    generatedAt: string,
  ) {
    const mine = (r: BreachReport) => REPORT_AUTHORITY[r] === authority;
    return {
      format: 'palisade-breach-evidence/1',
      authority,
      generatedAt,
      incident: {
        incidentId: incident.incidentId,
        what: incident.what,
        detectedAt: incident.detectedAt,
        awareAt: incident.awareAt,
        severity: incident.severity,
        dataCategories: incident.dataCategories,
        affectedUsersCount: incident.affectedUsers.length,
        ...(incident.dora ? { doraClassifiedAt: incident.dora.classifiedAt } : {}),
        openedAt: incident.openedAt,
        openedBy: incident.openedBy,
      },
      deadlines: incident.deadlines
        .filter((d) => mine(d.report))
        .map((d) => ({ report: d.report, from: d.from, due: d.due })),
      filings: incident.filings.filter((f) => mine(f.report)),
      clockEvents: incident.events.filter((e) => mine(e.report)),
      auditTrail,
    };
  }
}
