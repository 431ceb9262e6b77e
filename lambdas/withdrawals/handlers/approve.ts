// Workflow task (C3) ApproveTheWithdrawal: screening → approved for a low-risk withdrawal, review → approved
// after an admin's approval. A record a suspension cancelled first stays cancelled (outcome `cancelled`).

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Outbox } from '../../kernel/outbox.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { taskHandler } from '../../kernel/task.js';
import { IllegalTransition, type WithdrawalLifecycle } from '../lifecycle.js';
import type { WithdrawalDecision, WithdrawalRow } from '../record.js';
import { awsWithdrawalLifecycle, awsWithdrawalOutbox } from '../wiring.js';
import { approveInput } from '../workflow-contracts.js';

export const makeHandler = (ports: {
  withdrawalLifecycle: Pick<WithdrawalLifecycle, 'move'>;
  /** The approval's audit record, written with the move (kernel/outbox.ts). */
  outbox: Pick<Outbox, 'pending'>;
  clock: Clock;
}) =>
  taskHandler(approveInput, async ({ userId, withdrawalId, decision }) => {
    const now = ports.clock.now();
    const approval: WithdrawalDecision = decision
      ? {
          outcome: 'approved',
          by: 'admin',
          at: now.toISOString(),
          reason: decision.reason,
          adminId: decision.adminId,
        }
      : { outcome: 'approved', by: 'screening', at: now.toISOString() };
    // An admin approves a withdrawal under review; the screening one it has just screened.
    const from = decision ? (['review'] as const) : (['screening'] as const);
    const after = ports.outbox.pending<WithdrawalRow>((record) => [
      {
        kind: 'audit',
        event: {
          actor: decision ? { kind: 'admin', id: decision.adminId } : { kind: 'system', id: 'withdrawal' },
          action: 'withdrawal.approve',
          target: { kind: 'withdrawal', id: withdrawalId },
          outcome: 'success',
          at: now.toISOString(),
          details: { userId, by: approval.by, score: record.risk.score },
        },
      },
    ]);
    const { moved, record } = await ports.withdrawalLifecycle.move(
      userId,
      withdrawalId,
      from,
      'approved',
      now,
      () => ({
        decision: approval,
      }),
      after,
    );
    if (record.status === 'cancelled') return { outcome: 'cancelled' as const };
    // A retried task finds its own approval (or the dispatch that followed it) already written.
    if (!moved && !['approved', 'dispatching', 'dispatched'].includes(record.status)) {
      throw new IllegalTransition(`Withdrawal ${withdrawalId} is ${record.status}; it cannot be approved`);
    }
    if (moved) {
      logger.info('withdrawal approved', { withdrawalId, by: approval.by });
      await after.settle();
    }
    return { outcome: 'approved' as const };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    withdrawalLifecycle: awsWithdrawalLifecycle(),
    outbox: awsWithdrawalOutbox(),
    clock: aws.clock,
  }),
);
