// Security changes (B1): TOTP disabled, duress password set, PGP key changed… Each is recorded in the audit
// log now; the withdrawal hold (B2) and the change notices (B1) join here when withdrawals exist.
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../shared/ports/clock.js';

export type SecurityChangeKind = 'totp-disabled' | 'duress-password-set' | 'pgp-key-set' | 'pgp-key-removed';

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
export interface SecurityChanges {
  onSecurityChange(change: SecurityChange): Promise<void>;
}

export function auditedSecurityChanges(audit: Pick<AuditLog, 'append'>, _clock?: Clock): SecurityChanges {
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
    },
  };
}
