// Workflow task (D2) of AwaitTheNextApproval (`.waitForTaskToken`): keeps the task token with the request,
// server-side only (never in a response or a link). If the request already left pending, or its time is up,
// (an approval, rejection or void raced the new token) the task answers its own token at once.
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Workflows } from '../../kernel/ports/workflows.js';
import { taskHandler } from '../../kernel/task.js';
import { isExpired } from '../approval.js';
import { decisionOf } from '../plane.js';
import type { AdminRequestStore } from '../request-store.js';
import { storeTokenInput } from '../task-contracts.js';
import { awsAdminRequests } from '../wiring.js';

export const makeHandler = (ports: {
  adminRequests: Pick<AdminRequestStore, 'storeTaskToken'>;
  workflows: Pick<Workflows, 'sendTaskSuccess'>;
  clock: Clock;
}) =>
  taskHandler(storeTokenInput, async (input) => {
    const now = ports.clock.now();
    const request = await ports.adminRequests.storeTaskToken(input.requestId, input.taskToken, now);
    const answerNow = request.status !== 'pending' || isExpired(request, now);
    if (answerNow) await ports.workflows.sendTaskSuccess(input.taskToken, decisionOf(request, now));
    return { stored: true, answered: answerNow };
  });

export const handler = lazyHandler(() =>
  makeHandler({ adminRequests: awsAdminRequests(), workflows: aws.taskAnswers(), clock: aws.clock }),
);
