// D2/D3/D5: the admin routes' bodies and answers, and the approval workflow's task payloads.
// Only re-exports: each shape lives in the file of its concern, so a bundle builds only the schemas it uses
// (package.json `sideEffects: false` lets the bundler drop a file none of whose exports are used).

// Published to the task-tokens context (AnswerTask).
export type { ApprovalAnswers } from './approval-answers.js';
export {
  type AuditResponse,
  auditQuery,
  auditRecordView,
  auditResponse,
  chainStatusView,
} from './audit-contracts.js';
export {
  approveBody,
  type CreateRequestBody,
  createRequestBody,
  createRequestResponse,
  listRequestsQuery,
  type RequestView,
  rejectBody,
  requestsResponse,
  requestView,
} from './request-contracts.js';
export {
  type AdminScreeningDecision,
  type AdminUserResponse,
  adminScreeningDecision,
  adminUserResponse,
  adminUserScreening,
} from './user-contracts.js';
export {
  type WithdrawalReviewView,
  withdrawalReviewsQuery,
  withdrawalReviewsResponse,
  withdrawalReviewView,
} from './withdrawal-review-contracts.js';
