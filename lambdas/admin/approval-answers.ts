// D2: what the AnswerTask function does with an admin request's task token, the only code that reads the
// token row: keep the token of AwaitTheNextApproval (answering it at once if the request already left
// pending), and answer the waiting workflow after a request changed. The answer is always derived here from
// the signed request row (decisionOf): a caller names the request, never the outcome, so no caller can tell a
// workflow "approved" for a request that is not.
import { NotFound } from '../kernel/errors.js';
import type { Clock } from '../kernel/ports/clock.js';
import { isClosedTaskToken, type Workflows } from '../kernel/ports/workflows.js';
import { isExpired } from './approval.js';
import { decisionOf } from './plane.js';
import type { AdminRequestStore } from './request-store.js';

export class ApprovalAnswers {
  constructor(
    private readonly ports: {
      requests: Pick<AdminRequestStore, 'get' | 'storeTaskToken' | 'taskTokenOf'>;
      workflows: Pick<Workflows, 'sendTaskSuccess'>;
      clock: Clock;
    },
  ) {}

  /**
   * Keeps the workflow's current token with the request. If the request already left pending, or its time
   * is up (an approval, rejection or void raced the new token), the token is answered at once: the approver
   * writes the request, then reads the token; this writes the token, then reads the request, so one of the
   * two always sees the other.
   */
  async store(requestId: string, taskToken: string): Promise<{ answered: boolean }> {
    const now = this.ports.clock.now();
    const request = await this.ports.requests.storeTaskToken(requestId, taskToken, now);
    if (request.status === 'pending' && !isExpired(request, now)) return { answered: false };
    return { answered: await this.send(taskToken, decisionOf(request, now)) };
  }

  /**
   * Answers the workflow's current token, if any, with the request as it is now. A token already answered (a
   * concurrent step answered it, or the task storing the next one will see this change and answer itself) is
   * not an error: the request row decides, the workflow only follows it.
   */
  async answer(requestId: string): Promise<{ answered: boolean }> {
    const request = await this.ports.requests.get(requestId);
    if (!request) throw new NotFound('No such admin request');
    const token = await this.ports.requests.taskTokenOf(requestId);
    if (!token) return { answered: false };
    return { answered: await this.send(token, decisionOf(request, this.ports.clock.now())) };
  }

  private async send(token: string, output: ReturnType<typeof decisionOf>): Promise<boolean> {
    try {
      await this.ports.workflows.sendTaskSuccess(token, output);
      return true;
    } catch (err) {
      if (isClosedTaskToken(err)) return false;
      throw err;
    }
  }
}
