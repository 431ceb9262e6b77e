// C3 / D2: the admin-decision port of a withdrawal under review. The admin approval plane (issue 6) calls it
// once its policy is met (tests also call it directly). It answers the workflow's stored task token: the token
// never leaves the backend, and a second decision is refused (the token row is claimed once). The class runs
// in the AnswerTask function only (the one holder of the token rows and of SendTaskSuccess); every other
// function holds the port as `decisionsThrough(taskAnswers)`, a request to AnswerTask.
// The claim comes before the answer, so it records who decided (the deciding admin request's id, the
// outcome): a retry of that same decision after a failed answer (a throttle, a crash) answers the token
// again instead of being refused; any other decision stays refused.

import * as z from 'zod/mini';
import type { AuditLog } from '../kernel/audit/audit-log.js';
import { Conflict, NotFound, ValidationError } from '../kernel/errors.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { TaskAnswers } from '../kernel/ports/task-answers.js';
import { isClosedTaskToken, type Workflows } from '../kernel/ports/workflows.js';
import type { WithdrawalLifecycle } from './lifecycle.js';
import type { WithdrawalRecord } from './record.js';
import type { ReviewTokenRow, ReviewTokens } from './review-tokens.js';
import { type AdminDecision, adminDecision } from './workflow-contracts.js';

export type DecisionRefusal =
  | { code: 'WITHDRAWAL_NOT_FOUND'; message: string }
  | { code: 'WITHDRAWAL_NOT_IN_REVIEW'; message: string }
  | { code: 'DECISION_ALREADY_MADE'; message: string }
  | { code: 'REVIEW_EXPIRED'; message: string };

/** Whether a decision may be made now: the record under review, its token stored, unused and not expired. */
export function decisionRefusal(
  record: Pick<WithdrawalRecord, 'status'> | undefined,
  token: Pick<ReviewTokenRow, 'usedAt' | 'reviewEndsAt'> | undefined,
  now: Date,
): DecisionRefusal | undefined {
  if (!record) return { code: 'WITHDRAWAL_NOT_FOUND', message: 'No such withdrawal' };
  if (token?.usedAt) return { code: 'DECISION_ALREADY_MADE', message: 'This withdrawal was already decided' };
  if (record.status !== 'review' || !token) {
    return {
      code: 'WITHDRAWAL_NOT_IN_REVIEW',
      message: `The withdrawal is ${record.status}, not under review`,
    };
  }
  if (Date.parse(token.reviewEndsAt) <= now.getTime()) {
    return { code: 'REVIEW_EXPIRED', message: 'The review period of this withdrawal has ended' };
  }
  return undefined;
}

/** The id of the decision (the admin request deciding it): what lets its own retry answer again. */
const decisionIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'a decision id'));

export class WithdrawalDecisions {
  constructor(
    private readonly ports: {
      lifecycle: Pick<WithdrawalLifecycle, 'get'>;
      tokens: Pick<ReviewTokens, 'get' | 'claim'>;
      workflows: Pick<Workflows, 'sendTaskSuccess'>;
      audit: Pick<AuditLog, 'append'>;
      clock: Clock;
    },
  ) {}

  /**
   * Decides a withdrawal under review: claims its token (a second decision, sequential or concurrent, is a
   * Conflict) and answers the waiting task, which approves (then dispatches) or rejects the withdrawal.
   * `decisionId` (the deciding admin request) is recorded with the claim: a retry with the same id and
   * outcome answers the token again (retry-safe); a different decision is DECISION_ALREADY_MADE.
   */
  async decide(
    userId: string,
    withdrawalId: string,
    input: AdminDecision,
    decisionId?: string,
  ): Promise<{ outcome: AdminDecision['outcome'] }> {
    const parsed = z.safeParse(adminDecision, input);
    const id = decisionId === undefined ? undefined : z.safeParse(decisionIdSchema, decisionId);
    if (!parsed.success || (id && !id.success))
      throw new ValidationError('Invalid decision', undefined, 'INVALID_DECISION');
    const decision = parsed.data;
    const now = this.ports.clock.now();
    const [record, token] = await Promise.all([
      this.ports.lifecycle.get(userId, withdrawalId),
      this.ports.tokens.get(userId, withdrawalId),
    ]);
    // The same decision again (its first answer failed after the claim): answer the claimed token again.
    // A token already answered (or whose task is over) answers TaskTimedOut/InvalidToken: that is done.
    const used = token?.usedBy;
    if (
      record &&
      token?.usedAt &&
      decisionId !== undefined &&
      used?.kind === 'admin' &&
      used.decisionId === decisionId &&
      used.outcome === decision.outcome
    ) {
      let code = 'RESENT';
      try {
        await this.ports.workflows.sendTaskSuccess(token.taskToken, decision);
      } catch (err) {
        if (!isClosedTaskToken(err)) throw err;
        code = 'ALREADY_ANSWERED';
      }
      await this.record(withdrawalId, userId, decision, now, 'success', code);
      return { outcome: decision.outcome };
    }
    const refusal = decisionRefusal(record, token, now);
    if (refusal) {
      await this.record(withdrawalId, userId, decision, now, 'refused', refusal.code);
      if (refusal.code === 'WITHDRAWAL_NOT_FOUND') throw new NotFound(refusal.message);
      throw new Conflict(refusal.message, refusal.code);
    }
    const taskToken = await this.ports.tokens.claim(
      userId,
      withdrawalId,
      {
        kind: 'admin',
        adminId: decision.adminId,
        outcome: decision.outcome,
        ...(decisionId !== undefined ? { decisionId } : {}),
      },
      now,
    );
    if (!taskToken) throw new NotFound('No such withdrawal');
    try {
      await this.ports.workflows.sendTaskSuccess(taskToken, decision);
    } catch (err) {
      // The review ended between the check and the answer (its timeout, a cancellation): nothing decided.
      if (isClosedTaskToken(err)) {
        await this.record(withdrawalId, userId, decision, now, 'refused', 'REVIEW_CLOSED');
        throw new Conflict('The review of this withdrawal has ended', 'REVIEW_CLOSED');
      }
      throw err;
    }
    await this.record(withdrawalId, userId, decision, now, 'success');
    return { outcome: decision.outcome };
  }

  private record(
    withdrawalId: string,
    userId: string,
    decision: AdminDecision,
    at: Date,
    outcome: 'success' | 'refused',
    code?: string,
  ) {
    return this.ports.audit.append({
      actor: { kind: 'admin', id: decision.adminId },
      action: 'withdrawal.decide',
      target: { kind: 'withdrawal', id: withdrawalId },
      outcome,
      at: at.toISOString(),
      details: { userId, decision: decision.outcome, reason: decision.reason, ...(code ? { code } : {}) },
    });
  }
}

/**
 * The decision port as every function but AnswerTask holds it: a request to AnswerTask, which runs
 * WithdrawalDecisions.decide there; its refusals come back as the same typed errors.
 */
export const decisionsThrough = (answers: Pick<TaskAnswers, 'ask'>): Pick<WithdrawalDecisions, 'decide'> => ({
  async decide(userId, withdrawalId, input, decisionId) {
    const decision = z.safeParse(adminDecision, input);
    const id = decisionId === undefined ? undefined : z.safeParse(decisionIdSchema, decisionId);
    if (!decision.success || (id && !id.success))
      throw new ValidationError('Invalid decision', undefined, 'INVALID_DECISION');
    await answers.ask({
      kind: 'withdrawal-review',
      op: 'decide',
      userId,
      withdrawalId,
      decision: decision.data,
      ...(decisionId !== undefined ? { decisionId } : {}),
    });
    return { outcome: decision.data.outcome };
  },
});
