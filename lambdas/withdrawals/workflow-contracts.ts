// C3: the payloads of the withdrawal workflow's tasks, validated at each Lambda boundary. Ids only: the
// destination address never travels in the workflow (the dispatch task reads it from the address book).
import * as z from 'zod/mini';
import { WITHDRAWAL_ID } from './record.js';

const userId = z.string().check(z.minLength(1), z.maxLength(128));
const withdrawalId = z.string().check(z.regex(WITHDRAWAL_ID));
const reason = z.string().check(z.minLength(1), z.maxLength(500));
const adminId = z.string().check(z.minLength(1), z.maxLength(128));

/** Every task reads at least these (the workflow input, WithdrawalWorkflowInput). */
export const withdrawalTaskInput = z.object({ userId, withdrawalId });
export type WithdrawalTaskInput = z.infer<typeof withdrawalTaskInput>;

/** What an admin decision sends back to the waiting task (SendTaskSuccess's output). */
export const adminDecision = z.object({
  outcome: z.enum(['approve', 'reject']),
  adminId,
  reason,
});
export type AdminDecision = z.infer<typeof adminDecision>;

/** ApproveTheWithdrawal: after the screening (no decision) or after an admin's approval. */
export const approveInput = z.object({ userId, withdrawalId, decision: z.optional(adminDecision) });

/** AwaitAnAdminDecision's payload: the task token, stored server-side by the task and nowhere else. */
export const awaitDecisionInput = z.object({
  userId,
  withdrawalId,
  taskToken: z.string().check(z.minLength(1), z.maxLength(2048)),
  timeoutSeconds: z.number().check(z.int(), z.minimum(1)),
});

/** The three rejections: blocked by the screening, an admin's, the review's timeout. */
export const rejectInput = z.object({
  userId,
  withdrawalId,
  by: z.enum(['screening', 'admin', 'timeout']),
  reason,
  adminId: z.optional(adminId),
});
export type RejectInput = z.infer<typeof rejectInput>;
