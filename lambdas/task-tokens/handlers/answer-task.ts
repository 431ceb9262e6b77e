// The AnswerTask function (C3/D2), invoked synchronously by the functions that wait on, decide or cancel a
// workflow's task (`task-answer:invoke`): the request (lambdas/kernel/ports/task-answer-contracts.ts) is
// validated here, names the token by its domain ids, and never carries one unless it is the waiting task's
// own, handed over to be stored.
import { lazyHandler } from '../../kernel/http.js';
import { taskAnswerRequest } from '../../kernel/ports/task-answer-contracts.js';
import { taskHandler } from '../../kernel/task.js';
import { type AnswerTaskPorts, answerTask } from '../answer-task.js';
import { awsApprovalAnswers, awsReviewAnswers } from '../wiring.js';

export const makeHandler = (ports: AnswerTaskPorts) =>
  taskHandler(taskAnswerRequest, (request) => answerTask(ports, request));

export const handler = lazyHandler(() =>
  makeHandler({ reviewAnswers: awsReviewAnswers(), approvalAnswers: awsApprovalAnswers() }),
);
