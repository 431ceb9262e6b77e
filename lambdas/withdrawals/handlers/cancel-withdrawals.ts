import { suspensionInput } from '../../account/contracts.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { Conflict } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Workflows } from '../../kernel/ports/workflows.js';
import { taskHandler } from '../../kernel/task.js';
import type { WithdrawalLedger } from '../ledger.js';
import type { WithdrawalLifecycle } from '../lifecycle.js';
import { CANCELLABLE } from '../record.js';
import type { ReviewTokens } from '../review-tokens.js';
import { awsReviewTokens, awsWithdrawalLedger, awsWithdrawalLifecycle } from '../wiring.js';

/** What Step Functions answers for a token whose task already ended: nothing left to cancel there. */
const CLOSED_TOKEN = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

export const makeHandler = (ports: {
  withdrawalLifecycle: Pick<WithdrawalLifecycle, 'listOf' | 'move'>;
  reviewTokens: Pick<ReviewTokens, 'get' | 'claim'>;
  ledger: Pick<WithdrawalLedger, 'release'>;
  workflows: Pick<Workflows, 'sendTaskFailure'>;
  audit: Pick<AuditLog, 'append'>;
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
      const { moved, record } = await ports.withdrawalLifecycle.move(
        userId,
        withdrawalId,
        CANCELLABLE,
        'cancelled',
        now,
        () => ({ decision: { outcome: 'cancelled', by: 'suspension', at: now.toISOString(), reason } }),
      );
      if (record.status !== 'cancelled') continue;
      await ports.ledger.release(userId, withdrawalId);
      await failTheReview(ports, userId, withdrawalId, now);
      if (!moved) continue;
      cancelled += 1;
      await ports.audit.append({
        actor: { kind: 'system', id: 'account-suspension' },
        action: 'withdrawal.cancel',
        target: { kind: 'withdrawal', id: withdrawalId },
        outcome: 'success',
        at: now.toISOString(),
        details: { userId, reason, from: withdrawal.status },
      });
    }
    if (cancelled > 0) logger.warn('withdrawals cancelled by a suspension', { userId, cancelled });
    return { cancelled };
  });

/** A review waiting on its token ends now: the token is claimed (no decision after this) and failed. */
async function failTheReview(
  ports: Pick<Parameters<typeof makeHandler>[0], 'reviewTokens' | 'workflows'>,
  userId: string,
  withdrawalId: string,
  now: Date,
): Promise<void> {
  const row = await ports.reviewTokens.get(userId, withdrawalId);
  if (!row || row.usedAt) return;
  let token: string | undefined;
  try {
    token = await ports.reviewTokens.claim(userId, withdrawalId, { kind: 'suspension' }, now);
  } catch (err) {
    // A decision claimed it first: its task finds the record cancelled and ends the execution.
    if (err instanceof Conflict) return;
    throw err;
  }
  if (!token) return;
  try {
    await ports.workflows.sendTaskFailure(token, 'WithdrawalCancelled', 'The account was suspended');
  } catch (err) {
    if (!CLOSED_TOKEN.has((err as Error).name)) throw err;
  }
}

export const handler = lazyHandler(() =>
  makeHandler({
    withdrawalLifecycle: awsWithdrawalLifecycle(),
    reviewTokens: awsReviewTokens(),
    ledger: awsWithdrawalLedger(),
    // Answering a token names no state machine: no STATE_MACHINES needed.
    workflows: aws.taskAnswers(),
    audit: aws.rows().audit,
    clock: aws.clock,
  }),
);
