// TaskAnswers port: asks the AnswerTask function (the one holder of Step Functions task tokens and of
// states:SendTaskSuccess/SendTaskFailure) to store or answer a token named by its domain ids. A refusal comes
// back as the typed error it stands for (Conflict, NotFound, ValidationError), so callers handle it as before.
import * as z from 'zod/mini';
import {
  errorOf,
  type TaskAnswerRequest,
  type TaskAnswerResult,
  taskAnswerResponse,
} from './task-answer-contracts.js';

export type { TaskAnswerRequest, TaskAnswerResult } from './task-answer-contracts.js';

export interface TaskAnswers {
  ask(request: TaskAnswerRequest): Promise<TaskAnswerResult>;
}

/** The client of both runtimes over an invocation of AnswerTask (a Lambda invoke, or in-process locally). */
export function taskAnswersClient(invoke: (request: unknown) => Promise<unknown>): TaskAnswers {
  return {
    async ask(request) {
      const answer = z.safeParse(taskAnswerResponse, await invoke(request));
      if (!answer.success) throw new Error('AnswerTask gave an answer of an unknown shape');
      if ('refused' in answer.data) throw errorOf(answer.data.refused);
      return answer.data;
    },
  };
}
