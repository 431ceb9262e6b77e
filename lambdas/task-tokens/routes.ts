// The task-tokens context's function: AnswerTask, invoked by the others, with the access it needs.
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';

/**
 * C3/D2: the one holder of Step Functions task tokens. It alone reads and writes the token rows (the
 * TASKTOKEN# partitions, which every other role is denied) and holds states:SendTaskSuccess/SendTaskFailure;
 * the functions that wait, decide or cancel ask it by domain ids (`task-answer:invoke`).
 */
export const ANSWER_TASK: FunctionSpec = {
  id: 'AnswerTask',
  entry: 'lambdas/task-tokens/handlers/answer-task.ts',
  access: reads('task-tokens:own'),
};
