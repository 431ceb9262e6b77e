// Workflows port: starts Step Functions executions and answers their task tokens.
export const WORKFLOW_NAMES = [
  'account-suspension',
  'security-hold',
  'withdrawal',
  'admin-approval',
  'breach-notification',
  'screening',
  'kyc-refresh',
] as const;
export type WorkflowName = (typeof WORKFLOW_NAMES)[number];

export interface Workflows {
  /** Starts an execution; an execution name already used for the same workflow is not started again. */
  start(workflow: WorkflowName, input: unknown, executionName: string): Promise<{ executionId: string }>;
  sendTaskSuccess(taskToken: string, output: unknown): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}

/** What Step Functions answers for a token whose task is over (answered, timed out, or its execution ended). */
const CLOSED_TASK_TOKEN = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/** Whether an answer failed because the token's task is over: nothing is left to answer there. */
export const isClosedTaskToken = (err: unknown): boolean =>
  err instanceof Error && CLOSED_TASK_TOKEN.has(err.name);
