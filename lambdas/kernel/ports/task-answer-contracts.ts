// What a function asks the AnswerTask function (lambdas/task-tokens/), the one holder of Step Functions task
// tokens: which token, by the domain ids it belongs to, and what to do with it. An answer request never carries a
// token (the objects are strict: an extra field is refused); only the two `.waitForTaskToken` tasks hand one
// over, to be stored. What a token is answered with is either validated here (a withdrawal decision) or
// derived by AnswerTask itself from the signed row that decides it (an admin request's status).
import * as z from 'zod/mini';
import type { CodeOf } from '../error-codes.js';
import { Conflict, NotFound, ValidationError } from '../errors.js';

const userId = z.string().check(z.minLength(1), z.maxLength(128));
/** A withdrawal id (`wd_…`, lambdas/withdrawals/record.ts): AnswerTask finds no withdrawal for another. */
const withdrawalId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'a withdrawal id'));
const requestId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a request id'));
/** Step Functions task tokens are at most 1024 characters; the tasks' own payloads allow 2048. */
const taskToken = z.string().check(z.minLength(1), z.maxLength(2048));

/** An admin's decision on a withdrawal under review: what the waiting task is answered with. */
export const reviewDecision = z.strictObject({
  outcome: z.enum(['approve', 'reject']),
  adminId: z.string().check(z.minLength(1), z.maxLength(128)),
  reason: z.string().check(z.minLength(1), z.maxLength(500)),
});

/** C3: the token of a withdrawal review (AwaitAnAdminDecision). */
export const reviewTokenRequest = z.discriminatedUnion('op', [
  /** AwaitAnAdminDecision keeps its token; a used one is not replaced (DECISION_ALREADY_MADE). */
  z.strictObject({
    kind: z.literal('withdrawal-review'),
    op: z.literal('store'),
    userId,
    withdrawalId,
    taskToken,
    reviewEndsAt: z.iso.datetime(),
  }),
  /**
   * An admin decision (D2, the decide-withdrawal action): answered once; `decisionId` (the deciding admin
   * request) lets that same decision's retry answer again.
   */
  z.strictObject({
    kind: z.literal('withdrawal-review'),
    op: z.literal('decide'),
    userId,
    withdrawalId,
    decision: reviewDecision,
    decisionId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'a decision id'))),
  }),
  /** A suspension (A4/A5) cancelled the withdrawal: the review's token is claimed and failed. */
  z.strictObject({ kind: z.literal('withdrawal-review'), op: z.literal('cancel'), userId, withdrawalId }),
]);

/** D2: the token of an admin request's approval workflow (AwaitTheNextApproval). */
export const approvalTokenRequest = z.discriminatedUnion('op', [
  /** StoreApprovalToken keeps its token, answered at once if the request already left pending. */
  z.strictObject({ kind: z.literal('admin-request'), op: z.literal('store'), requestId, taskToken }),
  /** The request changed (an approval, a rejection, a void): its workflow is told the request's status. */
  z.strictObject({ kind: z.literal('admin-request'), op: z.literal('answer'), requestId }),
]);

export const taskAnswerRequest = z.discriminatedUnion('kind', [reviewTokenRequest, approvalTokenRequest]);
export type TaskAnswerRequest = z.infer<typeof taskAnswerRequest>;

/** The refusals AnswerTask reports as an answer (not a function error), so their type and code survive. */
const refusal = z.strictObject({
  error: z.enum(['Conflict', 'NotFound', 'ValidationError']),
  code: z.string().check(z.minLength(1), z.maxLength(64)),
  message: z.string().check(z.maxLength(500)),
});
export type TaskAnswerRefusal = z.infer<typeof refusal>;

/**
 * What AnswerTask answers: whether the token was answered now (false: there was none, it was claimed by
 * another answer, or its task was already over) and, for a store, that it was stored; or the refusal.
 */
export const taskAnswerResponse = z.union([
  z.strictObject({ refused: refusal }),
  z.strictObject({ answered: z.boolean(), stored: z.optional(z.literal(true)) }),
]);
export type TaskAnswerResponse = z.infer<typeof taskAnswerResponse>;
export type TaskAnswerResult = Extract<TaskAnswerResponse, { answered: boolean }>;

/** The refusal an expected error of the answering logic becomes; undefined for any other error (rethrow it). */
export function refusalOf(err: unknown): TaskAnswerRefusal | undefined {
  const refused = (error: TaskAnswerRefusal['error'], e: Conflict | NotFound | ValidationError) => ({
    error,
    code: e.code.slice(0, 64),
    message: e.message.slice(0, 500),
  });
  if (err instanceof Conflict) return refused('Conflict', err);
  if (err instanceof NotFound) return refused('NotFound', err);
  if (err instanceof ValidationError) return refused('ValidationError', err);
  return undefined;
}

/** The typed error a refusal stands for, as the caller would have seen it thrown in-process. */
export function errorOf(refused: TaskAnswerRefusal): Conflict | NotFound | ValidationError {
  switch (refused.error) {
    case 'Conflict':
      // The code crossed a function boundary as a string; AnswerTask sent a registered code of this status.
      return new Conflict(refused.message, refused.code as CodeOf<409>);
    case 'NotFound':
      return new NotFound(refused.message);
    case 'ValidationError':
      return new ValidationError(refused.message, undefined, refused.code as CodeOf<400>);
  }
}
