// Workflow task (C3) AwaitAnAdminDecision, invoked with `.waitForTaskToken`: has AnswerTask store the task
// token in the withdrawal's review row (server-side only, a task-token partition this function cannot read)
// and moves the record screening → review. The workflow then waits until an admin decision answers the token
// (AnswerTask), a suspension fails it (AnswerTask), or the review period ends. F3: the review lands in the
// compliance case list through the cases' seam (idempotent per withdrawal; it joins the user's case being
// worked, if any), with the risk signals and the withdrawal as evidence.

import type { CaseWork } from '../../cases/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Outbox } from '../../kernel/outbox.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { TaskAnswers } from '../../kernel/ports/task-answers.js';
import { maskIpsIn } from '../../kernel/privacy/mask.js';
import { taskHandler } from '../../kernel/task.js';
import { IllegalTransition, WithdrawalCancelled, type WithdrawalLifecycle } from '../lifecycle.js';
import type { WithdrawalRow } from '../record.js';
import { awsCaseWork, awsWithdrawalLifecycle, awsWithdrawalOutbox } from '../wiring.js';
import { awaitDecisionInput } from '../workflow-contracts.js';

export const makeHandler = (ports: {
  withdrawalLifecycle: Pick<WithdrawalLifecycle, 'move'>;
  /** AnswerTask: the one function that keeps (and reads) task tokens. */
  taskAnswers: Pick<TaskAnswers, 'ask'>;
  /** The step's audit record, written with its move (kernel/outbox.ts). */
  outbox: Pick<Outbox, 'pending'>;
  /** F3: the case seam. */
  caseWork: Pick<CaseWork, 'openCase'>;
  clock: Clock;
}) =>
  taskHandler(awaitDecisionInput, async ({ userId, withdrawalId, taskToken, timeoutSeconds }) => {
    const now = ports.clock.now();
    const reviewEndsAt = new Date(now.getTime() + timeoutSeconds * 1000);
    // The token first: once the record says review, a suspension must find a token to fail. A review
    // already answered keeps its token: a Conflict (DECISION_ALREADY_MADE) fails this retried task.
    await ports.taskAnswers.ask({
      kind: 'withdrawal-review',
      op: 'store',
      userId,
      withdrawalId,
      taskToken,
      reviewEndsAt: reviewEndsAt.toISOString(),
    });
    const after = ports.outbox.pending<WithdrawalRow>((record) => [
      {
        kind: 'audit',
        event: {
          actor: { kind: 'system', id: 'withdrawal' },
          action: 'withdrawal.review-started',
          target: { kind: 'withdrawal', id: withdrawalId },
          outcome: 'success',
          at: now.toISOString(),
          details: { userId, reviewEndsAt: reviewEndsAt.toISOString(), score: record.risk.score },
        },
      },
    ]);
    const { moved, record } = await ports.withdrawalLifecycle.move(
      userId,
      withdrawalId,
      ['screening'],
      'review',
      now,
      undefined,
      after,
    );
    if (record.status === 'cancelled')
      throw new WithdrawalCancelled(`Withdrawal ${withdrawalId} was cancelled`);
    if (record.status !== 'review') {
      throw new IllegalTransition(`Withdrawal ${withdrawalId} is ${record.status}, not under review`);
    }
    if (moved) {
      logger.info('withdrawal awaits an admin decision', { withdrawalId, reviewEndsAt });
      await after.settle();
    }
    // F3: in the case list (a retry finds the case this withdrawal opened or joined).
    await ports.caseWork.openCase({
      subject: { userId },
      kind: 'withdrawal-review',
      signals: record.risk.signals.map((signal) => ({
        code: `RISK_${signal.id.toUpperCase().replaceAll('-', '_')}`.slice(0, 64),
        score: signal.points,
        detail: maskIpsIn(signal.detail).slice(0, 2000),
      })),
      evidence: [{ kind: 'withdrawal', id: withdrawalId, at: record.createdAt }],
      source: { kind: 'withdrawal-review', id: withdrawalId },
      attachToOpen: true,
    });
    return { reviewEndsAt: reviewEndsAt.toISOString() };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    withdrawalLifecycle: awsWithdrawalLifecycle(),
    taskAnswers: aws.taskAnswers(),
    outbox: awsWithdrawalOutbox(),
    caseWork: awsCaseWork(),
    clock: aws.clock,
  }),
);
