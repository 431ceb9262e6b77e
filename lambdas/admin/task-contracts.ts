// D2: the admin-approval workflow's input and its tasks' payloads and answers (kept apart from the route
// contracts, so the task bundles carry only these schemas).
import * as z from 'zod/mini';
import { ADMIN_ACTIONS } from '../kernel/settings.js';
import type { RequestStatus } from './approval.js';

const requestId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a request id'));

/**
 * The workflow's input, as POST /v1/admin/requests starts it: the request, its action (ExecuteTheAction
 * routes on it to the task function that executes it; that task checks the stored request's action again)
 * and the time left before the request's expiry.
 */
export const approvalWorkflowInput = z.strictObject({
  requestId,
  action: z.enum(ADMIN_ACTIONS),
  secondsToExpiry: z.number().check(z.int(), z.nonnegative()),
});
export type ApprovalWorkflowInput = z.infer<typeof approvalWorkflowInput>;

export const storeTokenInput = z.object({
  requestId,
  taskToken: z.string().check(z.minLength(1), z.maxLength(2048)),
});
export const requestTaskInput = z.object({ requestId });

/** What every answer of the waiting task (and the execute and expire tasks) tells the workflow. */
export interface WorkflowDecision {
  outcome: RequestStatus;
  secondsToExpiry: number;
  reason?: string;
}
