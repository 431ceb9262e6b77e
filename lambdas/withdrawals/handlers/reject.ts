// Workflow task (C3) for the three rejections: blocked by the screening (which also alerts: the
// WithdrawalBlocked metric and an audit record), an admin's, and the review period ending. A rejected
// withdrawal moves no funds, so its ledger entry is released and it stops counting against the limits.

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger, metrics, SecurityMetric } from '../../kernel/observability.js';
import type { Outbox } from '../../kernel/outbox.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { taskHandler } from '../../kernel/task.js';
import type { WithdrawalLedger } from '../ledger.js';
import { IllegalTransition, type WithdrawalLifecycle } from '../lifecycle.js';
import type { WithdrawalDecision, WithdrawalRow } from '../record.js';
import { awsWithdrawalLedger, awsWithdrawalLifecycle, awsWithdrawalOutbox } from '../wiring.js';
import { rejectInput } from '../workflow-contracts.js';

export const makeHandler = (ports: {
  withdrawalLifecycle: Pick<WithdrawalLifecycle, 'move'>;
  ledger: Pick<WithdrawalLedger, 'release'>;
  /** The step's audit record, written with its move (kernel/outbox.ts). */
  outbox: Pick<Outbox, 'pending'>;
  clock: Clock;
}) =>
  taskHandler(rejectInput, async (input) => {
    const { userId, withdrawalId, by, reason } = input;
    const now = ports.clock.now();
    const decision: WithdrawalDecision = {
      outcome: 'rejected',
      by,
      at: now.toISOString(),
      reason,
      ...(input.adminId ? { adminId: input.adminId } : {}),
    };
    // The screening rejects what it screened; an admin and the timeout what was under review.
    const from = by === 'screening' ? (['screening'] as const) : (['review'] as const);
    const after = ports.outbox.pending<WithdrawalRow>((record) => [
      {
        kind: 'audit',
        event: {
          actor: input.adminId ? { kind: 'admin', id: input.adminId } : { kind: 'system', id: 'withdrawal' },
          action: by === 'screening' ? 'withdrawal.blocked' : 'withdrawal.reject',
          target: { kind: 'withdrawal', id: withdrawalId },
          outcome: 'success',
          at: now.toISOString(),
          details: { userId, by, reason, score: record.risk.score, band: record.risk.band },
        },
      },
    ]);
    const { moved, record } = await ports.withdrawalLifecycle.move(
      userId,
      withdrawalId,
      from,
      'rejected',
      now,
      () => ({
        decision,
      }),
      after,
    );
    if (record.status === 'cancelled') return { outcome: 'cancelled' as const };
    if (record.status !== 'rejected') {
      throw new IllegalTransition(`Withdrawal ${withdrawalId} is ${record.status}; it cannot be rejected`);
    }
    // Idempotent, so a retried task releases again harmlessly.
    await ports.ledger.release(userId, withdrawalId);
    if (moved) {
      if (by === 'screening') {
        metrics.addMetric(SecurityMetric.WithdrawalBlocked, MetricUnit.Count, 1);
        logger.warn('withdrawal blocked by the screening', { withdrawalId, reason });
      } else {
        logger.info('withdrawal rejected', { withdrawalId, by });
      }
      await after.settle();
    }
    return { outcome: 'rejected' as const };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    withdrawalLifecycle: awsWithdrawalLifecycle(),
    ledger: awsWithdrawalLedger(),
    outbox: awsWithdrawalOutbox(),
    clock: aws.clock,
  }),
);
