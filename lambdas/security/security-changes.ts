// Security changes (B1, B2): TOTP disabled, duress password set, PGP key changed… Each is recorded in the
// audit log and starts (or extends) the withdrawal hold: the signed SECURITY row first (the source of truth),
// then the security-hold workflow, whose first state sends the change notices (B1: email and SMS with the
// "this wasn't me" link, to the old address and phone after a contact change) and which clears it at its end.
import type { Effect, Outbox } from '../kernel/outbox.js';
import type { MailBefore } from '../kernel/ports/mail-before.js';
import { holdDurationMs, type Settings } from '../kernel/settings.js';
import type { ChangeNotice, HoldInput, SecurityChangeKind } from './contracts.js';
import type { SecurityState, SecurityStateStore } from './hold.js';

export type { SecurityChangeKind };

export interface SecurityChange {
  kind: SecurityChangeKind;
  userId: string;
  username: string;
  at: Date;
  sourceIp?: string;
  userAgent?: string;
  requestId?: string;
  /** Where the notice's suspension link points: the API's public base URL as the client reached it. */
  baseUrl: string;
  /** B1: the account's `contact` field group as sealed before an email or phone change (ciphertext). */
  previousContact?: string;
  /** B1/B3: a change of the PGP settings: how mail was protected before it. */
  mailBefore?: MailBefore;
}

/** Where a change was asked from (the route's request): for the audit record and the notice (B1). */
export interface ChangeOrigin {
  sourceIp: string;
  userAgent: string | undefined;
  requestId: string;
  baseUrl: string;
}

/** A change as a route sees it: who (from the authorizer), from where (the request), when. */
export function securityChangeOf(
  kind: SecurityChangeKind,
  caller: { userId: string; username: string },
  request: ChangeOrigin,
  at: Date,
  extra: { previousContact?: string; mailBefore?: MailBefore } = {},
): SecurityChange {
  return {
    kind,
    userId: caller.userId,
    username: caller.username,
    at,
    sourceIp: request.sourceIp.slice(0, 64),
    ...(request.userAgent ? { userAgent: request.userAgent } : {}),
    requestId: request.requestId,
    baseUrl: request.baseUrl,
    ...(extra.previousContact ? { previousContact: extra.previousContact } : {}),
    ...(extra.mailBefore ? { mailBefore: extra.mailBefore } : {}),
  };
}

/** What the workflow's notice task needs of a change: no plaintext personal data, the old contact sealed. */
export function noticeOf(change: SecurityChange): ChangeNotice {
  return {
    kind: change.kind,
    at: change.at.toISOString(),
    ip: change.sourceIp || 'unknown',
    ...(change.userAgent ? { userAgent: change.userAgent.slice(0, 512) } : {}),
    baseUrl: change.baseUrl,
    ...(change.previousContact ? { previousContact: change.previousContact } : {}),
    ...(change.mailBefore ? { mailBefore: change.mailBefore } : {}),
  };
}

/** Receives every security change. */
export interface SecurityChanges {
  onSecurityChange(change: SecurityChange): Promise<void>;
}

export interface HoldPorts {
  holds: Pick<SecurityStateStore, 'recordChange'>;
  settings: Pick<Settings, 'holdHours'>;
}

/**
 * One execution per user, hold end and change: a retried start starts nothing twice. The change's time is in
 * the name (B1) so that a change which does not move the end (an older change, a shorter setting) still
 * gets its own execution, hence its notice; two executions of one end clear it once (clearDecision).
 */
export const holdExecutionName = (userId: string, holdEndsAt: string, changedAt?: string): string =>
  `hold-${userId}-${holdEndsAt.replace(/[^0-9]/g, '')}${changedAt ? `-${changedAt.replace(/[^0-9]/g, '')}` : ''}`
    .replace(/[^0-9A-Za-z_-]/g, '_')
    .slice(0, 80);

/**
 * The change's audit record and its hold workflow are written with the hold itself (kernel/outbox.ts): a
 * hold never goes without its workflow (the notice, the end), nor a change without its record.
 */
export function auditedSecurityChanges(outbox: Pick<Outbox, 'pending'>, hold: HoldPorts): SecurityChanges {
  return {
    async onSecurityChange(change) {
      const after = outbox.pending<SecurityState>((state): Effect[] => {
        const holdEndsAt = state.holdEndsAt as string;
        const input: HoldInput = { userId: change.userId, holdEndsAt, change: noticeOf(change) };
        return [
          {
            kind: 'audit',
            event: {
              actor: { kind: 'user', id: change.userId },
              action: `security.${change.kind}`,
              target: { kind: 'user', id: change.userId },
              outcome: 'success',
              at: change.at.toISOString(),
              ...(change.sourceIp ? { sourceIp: change.sourceIp } : {}),
              ...(change.userAgent ? { userAgent: change.userAgent.slice(0, 512) } : {}),
              ...(change.requestId ? { requestId: change.requestId } : {}),
            },
          },
          {
            kind: 'workflow',
            workflow: 'security-hold',
            input,
            name: holdExecutionName(change.userId, holdEndsAt, input.change?.at),
          },
        ];
      });
      await hold.holds.recordChange(
        change.userId,
        { kind: change.kind, at: change.at },
        holdDurationMs(hold.settings),
        after,
      );
      await after.settle();
    },
  };
}
