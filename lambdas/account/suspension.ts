// Suspending an account (A4, A5, D2): the record that refuses every session (account status suspended and
// `sessionsValidAfter`, one signed row write, then its audit record). The account-suspension workflow's first
// task records it; the "this wasn't me" link records it itself before it answers, so the old token is refused
// on the very next request, and the workflow then does the rest (withdrawals, identity provider, email).
import { logger, MetricUnit, metrics, SecurityMetric } from '../kernel/observability.js';
import type { Outbox } from '../kernel/outbox.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { Workflows } from '../kernel/ports/workflows.js';
import type { AccountStore } from './account-store.js';
import type { SuspensionInput } from './contracts.js';
import type { SuspensionLinkUses } from './suspension-links.js';

export interface RecordPorts {
  accounts: Pick<AccountStore, 'suspend'>;
  /** The suspension's audit record, written with it (kernel/outbox.ts): a retry finds it suspended. */
  outbox: Pick<Outbox, 'pending'>;
}

/** Suspends at `at`; a suspended account changes nothing and records nothing again. */
export async function recordSuspension(
  ports: RecordPorts,
  input: SuspensionInput,
  at: Date,
): Promise<{ changed: boolean }> {
  // D3: evidence of the suspension itself.
  const after = ports.outbox.pending(() => [
    {
      kind: 'audit',
      event: {
        actor: { kind: 'system', id: 'account-suspension' },
        action: 'account.suspend',
        target: { kind: 'user', id: input.userId },
        outcome: 'success',
        at: at.toISOString(),
        details: { reason: input.reason, requestedAt: input.requestedAt },
      },
    },
  ]);
  const { changed } = await ports.accounts.suspend(input.userId, at, input.reason, after);
  if (changed) {
    metrics.addMetric(SecurityMetric.AccountSuspended, MetricUnit.Count, 1);
    logger.warn('account suspended', { userId: input.userId, reason: input.reason });
    await after.settle();
  }
  return { changed };
}

export interface ReportPorts extends RecordPorts {
  linkUses: Pick<SuspensionLinkUses, 'check' | 'markUsed'>;
  workflows: Pick<Workflows, 'start'>;
  clock: Clock;
}

/**
 * A4 "this wasn't me", the button of the link's page: the account is suspended and every session refused
 * before the answer; then the workflow (named after the link, so a retry starts none twice) cancels the
 * withdrawals, revokes sign-in at the identity provider and confirms by email; then the link is spent. Each
 * step before the last is idempotent, so a failure leaves the link usable for a retry that completes it.
 */
export async function reportNotMe(ports: ReportPorts, token: string): Promise<{ userId: string }> {
  const { userId, linkId } = await ports.linkUses.check(token);
  const now = ports.clock.now();
  const input: SuspensionInput = { userId, reason: 'user-reported', requestedAt: now.toISOString() };
  await recordSuspension(ports, input, now);
  await ports.workflows.start('account-suspension', input, `user-reported-${userId}-${linkId}`.slice(0, 80));
  await ports.linkUses.markUsed(token);
  return { userId };
}
