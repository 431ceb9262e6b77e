// C3/D2: the AnswerTask function's logic. A request names a token by what it belongs to (a withdrawal review,
// an admin request) and says what to do: store it, answer it, or fail it. Each kind's rules stay with its
// context (ReviewAnswers, ApprovalAnswers: the single-use, version-conditional claims); this routes to them and
// turns their expected refusals into answers, so their type and code reach the caller across the invocation.
import type { ApprovalAnswers } from '../admin/contracts.js';
import {
  refusalOf,
  type TaskAnswerRequest,
  type TaskAnswerResponse,
} from '../kernel/ports/task-answer-contracts.js';
import type { ReviewAnswers } from '../withdrawals/contracts.js';

export interface AnswerTaskPorts {
  reviewAnswers: Pick<ReviewAnswers, 'store' | 'decide' | 'cancel'>;
  approvalAnswers: Pick<ApprovalAnswers, 'store' | 'answer'>;
}

/** What one request does; a Conflict, NotFound or ValidationError is a refusal, anything else is thrown. */
export async function answerTask(
  ports: AnswerTaskPorts,
  request: TaskAnswerRequest,
): Promise<TaskAnswerResponse> {
  try {
    return await route(ports, request);
  } catch (err) {
    const refused = refusalOf(err);
    if (refused) return { refused };
    throw err;
  }
}

async function route(ports: AnswerTaskPorts, request: TaskAnswerRequest): Promise<TaskAnswerResponse> {
  if (request.kind === 'admin-request') {
    if (request.op === 'store') {
      const { answered } = await ports.approvalAnswers.store(request.requestId, request.taskToken);
      return { answered, stored: true };
    }
    return ports.approvalAnswers.answer(request.requestId);
  }
  const { userId, withdrawalId } = request;
  switch (request.op) {
    case 'store':
      await ports.reviewAnswers.store(
        userId,
        withdrawalId,
        request.taskToken,
        new Date(request.reviewEndsAt),
      );
      return { answered: false, stored: true };
    case 'decide':
      await ports.reviewAnswers.decide(userId, withdrawalId, request.decision, request.decisionId);
      return { answered: true };
    case 'cancel':
      return { answered: await ports.reviewAnswers.cancel(userId, withdrawalId) };
  }
}
