import { suspensionInput } from '../../account/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Outbox } from '../../kernel/outbox.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { TaskAnswers } from '../../kernel/ports/task-answers.js';
import { taskHandler } from '../../kernel/task.js';
import type { WithdrawalLedger } from '../ledger.js';
import type { WithdrawalLifecycle } from '../lifecycle.js';
import type { WithdrawalRow } from '../record.js';
import { CANCELLABLE } from '../record.js';
import { awsWithdrawalLedger, awsWithdrawalLifecycle, awsWithdrawalOutbox } from '../wiring.js';

export const makeHandler = (ports: {
  withdrawalLifecycle: Pick<WithdrawalLifecycle, 'listOf' | 'move'>;
  ledger: Pick<WithdrawalLedger, 'release'>;
  /** AnswerTask: ends a cancelled withdrawal's review (claims and fails its token, if any). */
  taskAnswers: Pick<TaskAnswers, 'ask'>;
  /** The step's audit record, written with its move (kernel/outbox.ts). */
  outbox: Pick<Outbox, 'pending'>;
  clock: Clock;
}) =>
  taskHandler(suspensionInput, async ({ userId, reason }) => {
    const now = ports.clock.now();
    const open = (await ports.withdrawalLifecycle.listOf(userId)).filter((w) =>
      CANCELLABLE.includes(w.status),
    );
    let cancelled = 0;
    for (const withdrawal of open) {
      const { withdrawalId } = withdrawal;
      const after = ports.outbox.pending<WithdrawalRow>(() => [
        {
          kind: 'audit',
          event: {
            actor: { kind: 'system', id: 'account-suspension' },
            action: 'withdrawal.cancel',
            target: { kind: 'withdrawal', id: withdrawalId },
            outcome: 'success',
            at: now.toISOString(),
            details: { userId, reason, from: withdrawal.status },
          },
        },
      ]);
      const { moved, record } = await ports.withdrawalLifecycle.move(
        userId,
        withdrawalId,
        CANCELLABLE,
        'cancelled',
        now,
        () => ({ decision: { outcome: 'cancelled', by: 'suspension', at: now.toISOString(), reason } }),
        after,
      );
      if (record.status !== 'cancelled') continue;
      await ports.ledger.release(userId, withdrawalId);
      // A review waiting on its token ends now: AnswerTask claims it (no decision after this) and fails it.
      await ports.taskAnswers.ask({ kind: 'withdrawal-review', op: 'cancel', userId, withdrawalId });
      if (!moved) continue;
      cancelled += 1;
      await after.settle();
    }
    if (cancelled > 0) logger.warn('withdrawals cancelled by a suspension', { userId, cancelled });
    return { cancelled };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    withdrawalLifecycle: awsWithdrawalLifecycle(),
    ledger: awsWithdrawalLedger(),
    taskAnswers: aws.taskAnswers(),
    outbox: awsWithdrawalOutbox(),
    clock: aws.clock,
  }),
);
