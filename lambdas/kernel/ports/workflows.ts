// Workflows port: starts Step Functions executions and answers their task tokens.
export const WORKFLOW_NAMES = [
  'account-suspension',
  'security-hold',
  'withdrawal',
  'admin-approval',
] as const;
export type WorkflowName = (typeof WORKFLOW_NAMES)[number];

export interface Workflows {
  /** Starts an execution; an execution name already used for the same workflow is not started again. */
  start(workflow: WorkflowName, input: unknown, executionName: string): Promise<{ executionId: string }>;
  sendTaskSuccess(taskToken: string, output: unknown): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}
