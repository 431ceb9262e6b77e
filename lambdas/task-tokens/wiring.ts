// The task-tokens context's components: each kind's answers, built by its own context's wiring over the token
// rows and SendTask* (kernel/infra.ts `stepFunctionsAnswers`, the AnswerTask function's alone).
export { approvalAnswers, awsApprovalAnswers } from '../admin/wiring.js';
export { awsReviewAnswers, reviewAnswers } from '../withdrawals/wiring.js';
