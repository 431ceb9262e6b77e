// Security changes (B1, B2): TOTP disabled, duress password set, PGP key changed… Each is recorded in the
// audit log and starts (or extends) the withdrawal hold: the signed SECURITY row first (the source of truth),
// then the security-hold workflow that clears it at its end. The change notices (B1) join here later.
import type { AuditLog } from '../audit/audit-log.js';
import type { Workflows } from '../shared/ports/workflows.js';
import { holdDurationMs, type Settings } from '../shared/settings.js';
import type { HoldInput, SECURITY_CHANGE_KINDS } from './contracts.js';
import type { SecurityStateStore } from './hold.js';

export type SecurityChangeKind = (typeof SECURITY_CHANGE_KINDS)[number];

export interface SecurityChange {
  kind: SecurityChangeKind;
  userId: string;
  username: string;
  at: Date;
  sourceIp?: string;
  userAgent?: string;
  requestId?: string;
}

/** Receives every security change. */
/** A change as a route sees it: who (from the authorizer), from where (the request), when. */
export function securityChangeOf(
  kind: SecurityChangeKind,
  caller: { userId: string; username: string },
  request: { sourceIp: string; userAgent: string | undefined; requestId: string },
  at: Date,
): SecurityChange {
  return {
    kind,
    userId: caller.userId,
    username: caller.username,
    at,
    sourceIp: request.sourceIp.slice(0, 64),
    ...(request.userAgent ? { userAgent: request.userAgent } : {}),
    requestId: request.requestId,
  };
}

export interface SecurityChanges {
  onSecurityChange(change: SecurityChange): Promise<void>;
}

export interface HoldPorts {
  holds: Pick<SecurityStateStore, 'recordChange'>;
  workflows: Pick<Workflows, 'start'>;
  settings: Pick<Settings, 'holdHours'>;
}

/** One execution per user and hold end: a retried request starts nothing twice. */
export const holdExecutionName = (userId: string, holdEndsAt: string): string =>
  `hold-${userId}-${holdEndsAt.replace(/[^0-9]/g, '')}`.replace(/[^0-9A-Za-z_-]/g, '_').slice(0, 80);

export function auditedSecurityChanges(audit: Pick<AuditLog, 'append'>, hold: HoldPorts): SecurityChanges {
  return {
    async onSecurityChange(change) {
      await audit.append({
        actor: { kind: 'user', id: change.userId },
        action: `security.${change.kind}`,
        target: { kind: 'user', id: change.userId },
        outcome: 'success',
        at: change.at.toISOString(),
        ...(change.sourceIp ? { sourceIp: change.sourceIp } : {}),
        ...(change.userAgent ? { userAgent: change.userAgent.slice(0, 512) } : {}),
        ...(change.requestId ? { requestId: change.requestId } : {}),
      });
      const state = await hold.holds.recordChange(
        change.userId,
        { kind: change.kind, at: change.at },
        holdDurationMs(hold.settings),
      );
      const holdEndsAt = state.holdEndsAt as string;
      const input: HoldInput = { userId: change.userId, holdEndsAt };
      await hold.workflows.start('security-hold', input, holdExecutionName(change.userId, holdEndsAt));
    },
  };
}
