// TaskAnswers of the Lambda runtime: a synchronous invocation of the AnswerTask function
// (lambdas/kernel/ports/task-answer-contracts.ts).
import { type TaskAnswers, taskAnswersClient } from '../ports/task-answers.js';
import { once } from '../runtime/aws-env.js';
import { invoker } from './lambda-invoke.js';

export const awsTaskAnswers = /* @__PURE__ */ once(
  (): TaskAnswers => taskAnswersClient(invoker('TASK_ANSWER_FUNCTION')),
);
