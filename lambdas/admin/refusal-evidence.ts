// D3: every admin refusal is evidence. A refusal of the admin permission middleware (admin-route.ts), a
// failed admin login (admin-login.ts) and an offboarded admin's token at the authorizer each append an audit
// record (`admin.refused`, `admin.login-failed`, `admin.token-refused`), but at most REFUSAL_EVIDENCE.perWindow
// of them per key (the actor's admin id, or the source address for a failed login) in one fixed window, so a
// flood cannot grow the chain without bound. The bound is one atomic conditional write on the Shield table
// (ShieldStorePort.reserve: however many refusals race, at most `perWindow` get a reservation). Beyond it the
// refusal is counted in the `AdminRefusalSuppressed` metric and not recorded; the last record of a window
// says so (`details.limitReached`). No "suppressed N" record is written later: the metric carries the rest
// (docs/admin-plane.md, Refusals as evidence).
//
// Evidence never changes the answer: a refusal is refused whether or not its record could be written (a
// failed write is logged and counted, and the caller still gets their 401 / 403).
import type { AuditLog } from '../kernel/audit/audit-log.js';
import type { AuditEvent } from '../kernel/audit/audit-record.js';
import { logger, MetricUnit, metrics } from '../kernel/observability.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { ShieldStorePort } from '../kernel/shield/bot-shield.js';

/**
 * The refusal evidence's metrics (here, not in kernel SecurityMetric: the user login's bundle, at its budget,
 * carries that object). `Suppressed`: a refusal beyond its window's bound; `Unrecorded`: a record that could
 * not be written (the refusal stands).
 */
export const RefusalMetric = {
  Suppressed: 'AdminRefusalSuppressed',
  Unrecorded: 'AdminRefusalUnrecorded',
} as const;

/** At most this many refusal records per key in one window of this length. */
export const REFUSAL_EVIDENCE = Object.freeze({ perWindow: 20, windowMs: 15 * 60_000 });

export interface RefusalEvidencePorts {
  audit: Pick<AuditLog, 'append'>;
  /** The Shield table's atomic counters (lambdas/kernel/shield/shield-store.ts). */
  counters: Pick<ShieldStorePort, 'reserve'>;
  clock: Clock;
}

/** Whose refusals share one bound: an admin's (by id), or a source address's (failed logins). */
export type RefusalKey = { kind: 'admin'; id: string } | { kind: 'source'; ip: string };

export type RefusalEvent = Omit<AuditEvent, 'at' | 'outcome'>;

/** The Shield table row that bounds one key's refusal records (never mixed with the bot shield's rows). */
export const refusalCounterKey = (key: RefusalKey) => ({
  pk: key.kind === 'admin' ? `EVIDENCE#ADMIN#${key.id}` : `EVIDENCE#IP#${key.ip.slice(0, 64)}`,
  sk: 'REFUSALS',
});

export class RefusalEvidence {
  constructor(private readonly ports: RefusalEvidencePorts) {}

  /** Appends `event` (outcome `refused`) unless `key` has used its window's records; true if recorded. */
  async record(key: RefusalKey, event: RefusalEvent): Promise<boolean> {
    const now = this.ports.clock.now();
    try {
      const counted = await this.ports.counters.reserve(
        refusalCounterKey(key),
        now,
        {
          windowMs: REFUSAL_EVIDENCE.windowMs,
          sliding: false,
          ttl: Math.ceil((now.getTime() + 2 * REFUSAL_EVIDENCE.windowMs) / 1000),
        },
        REFUSAL_EVIDENCE.perWindow,
      );
      if (!counted) {
        metrics.addMetric(RefusalMetric.Suppressed, MetricUnit.Count, 1);
        return false;
      }
      const limitReached = (counted.count ?? 0) >= REFUSAL_EVIDENCE.perWindow;
      await this.ports.audit.append({
        ...event,
        outcome: 'refused',
        at: now.toISOString(),
        details: {
          ...event.details,
          ...(limitReached
            ? { limitReached: true, windowEnds: new Date(counted.windowEnd ?? now.getTime()).toISOString() }
            : {}),
        },
      });
      return true;
    } catch (err) {
      logger.error('admin refusal not recorded', { action: event.action, error: err as Error });
      metrics.addMetric(RefusalMetric.Unrecorded, MetricUnit.Count, 1);
      return false;
    }
  }
}
