// Workflow task (D2) of AwaitTheNextApproval (`.waitForTaskToken`): hands the task token to AnswerTask, which
// keeps it with the request, server-side only (never in a response or a link; a task-token partition no
// other function may read). If the request already left pending, or its time is up (an approval, rejection or
// void raced the new token), AnswerTask answers the token at once. This function holds nothing else.
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { TaskAnswers } from '../../kernel/ports/task-answers.js';
import { taskHandler } from '../../kernel/task.js';
import { storeTokenInput } from '../task-contracts.js';

export const makeHandler = (ports: { taskAnswers: Pick<TaskAnswers, 'ask'> }) =>
  taskHandler(storeTokenInput, async (input) => {
    const { answered } = await ports.taskAnswers.ask({
      kind: 'admin-request',
      op: 'store',
      requestId: input.requestId,
      taskToken: input.taskToken,
    });
    return { stored: true, answered };
  });

export const handler = lazyHandler(() => makeHandler({ taskAnswers: aws.taskAnswers() }));
