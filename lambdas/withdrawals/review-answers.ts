// C3/D2: what the AnswerTask function does with a withdrawal review's task token, the only code that reads
// the token row: keep it (AwaitAnAdminDecision), answer it with an admin decision (WithdrawalDecisions), or
// fail it when a suspension cancelled the withdrawal. Each answer claims the row first (version-conditional,
// ReviewTokens.claim), so of a decision and a cancellation racing, exactly one answers the token.
import { Conflict, NotFound } from '../kernel/errors.js';
import type { Clock } from '../kernel/ports/clock.js';
import { isClosedTaskToken, type Workflows } from '../kernel/ports/workflows.js';
import type { WithdrawalDecisions } from './decisions.js';
import type { WithdrawalLifecycle } from './lifecycle.js';
import type { ReviewTokens } from './review-tokens.js';
import type { AdminDecision } from './workflow-contracts.js';

export class ReviewAnswers {
  constructor(
    private readonly ports: {
      tokens: Pick<ReviewTokens, 'get' | 'store' | 'claim'>;
      decisions: Pick<WithdrawalDecisions, 'decide'>;
      lifecycle: Pick<WithdrawalLifecycle, 'get'>;
      workflows: Pick<Workflows, 'sendTaskFailure'>;
      clock: Clock;
    },
  ) {}

  /** Keeps the waiting task's token; a review already answered keeps its used one (DECISION_ALREADY_MADE). */
  store(userId: string, withdrawalId: string, taskToken: string, reviewEndsAt: Date): Promise<void> {
    return this.ports.tokens.store(userId, withdrawalId, taskToken, this.ports.clock.now(), reviewEndsAt);
  }

  /** An admin decision: WithdrawalDecisions' rules (under review, unused, not expired; claimed once). */
  decide(
    userId: string,
    withdrawalId: string,
    decision: AdminDecision,
    decisionId?: string,
  ): Promise<{ outcome: AdminDecision['outcome'] }> {
    return this.ports.decisions.decide(userId, withdrawalId, decision, decisionId);
  }

  /**
   * A suspension cancelled the withdrawal (the record says so first): its review ends now. The token is
   * claimed (no decision after this) and failed with WithdrawalCancelled, which the workflow catches. False
   * when there is nothing to fail: no review token, a decision claimed it first (its task finds the record
   * cancelled and ends the execution), or the task is already over.
   */
  async cancel(userId: string, withdrawalId: string): Promise<boolean> {
    const record = await this.ports.lifecycle.get(userId, withdrawalId);
    if (!record) throw new NotFound('No such withdrawal');
    if (record.status !== 'cancelled') {
      throw new Conflict(
        `The withdrawal is ${record.status}: only a cancelled one ends its review`,
        'WITHDRAWAL_NOT_CANCELLED',
      );
    }
    const row = await this.ports.tokens.get(userId, withdrawalId);
    if (!row || row.usedAt) return false;
    let token: string | undefined;
    try {
      token = await this.ports.tokens.claim(
        userId,
        withdrawalId,
        { kind: 'suspension' },
        this.ports.clock.now(),
      );
    } catch (err) {
      if (err instanceof Conflict) return false;
      throw err;
    }
    if (!token) return false;
    try {
      await this.ports.workflows.sendTaskFailure(token, 'WithdrawalCancelled', 'The account was suspended');
    } catch (err) {
      if (isClosedTaskToken(err)) return false;
      throw err;
    }
    return true;
  }
}
