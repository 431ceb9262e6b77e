// The workflow accesses: which workflow each `…:start` access starts (the one list the stack reads to order
// its functions and hand them STATE_MACHINES), their grants, and the answer of task tokens (AnswerTask's).
import { type Stack, Validations } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Access } from '../../lambdas/catalogue.js';
import type { WorkflowName } from '../../lambdas/kernel/ports/workflows.js';
import type { PalisadeFunction } from '../functions.js';
import { allow, type GrantContext, type GrantTable } from './grant.js';

/** The workflow each workflow-starting access starts. */
export const WORKFLOW_STARTS = {
  'suspension:start': 'account-suspension',
  'security-hold:start': 'security-hold',
  'withdrawal:start': 'withdrawal',
  'admin-approval:start': 'admin-approval',
  'breach:start': 'breach-notification',
  'screening:start': 'screening',
} as const satisfies Partial<Record<Access, WorkflowName>>;
export type StartAccess = keyof typeof WORKFLOW_STARTS;

/** Whether an access list starts any workflow. */
export const startsWorkflows = (access: readonly Access[]): boolean =>
  access.some((item) => Object.hasOwn(WORKFLOW_STARTS, item));

/** STATE_MACHINES: workflow name → state machine ARN, as JSON that keeps the ARN tokens intact. */
export function stateMachinesEnvironment(
  scope: Stack,
  machines: ReadonlyMap<WorkflowName, sfn.IStateMachine>,
): { STATE_MACHINES: string } {
  const arns = Object.fromEntries([...machines].map(([name, machine]) => [name, machine.stateMachineArn]));
  return { STATE_MACHINES: scope.toJsonString(arns) };
}

/** StartExecution on the one state machine the access names, built before the function that starts it. */
const start = (access: StartAccess) => ({
  apply(fn: PalisadeFunction, ctx: GrantContext) {
    const name = WORKFLOW_STARTS[access];
    const machine = ctx.stateMachines?.get(name);
    if (!machine) throw new Error(`${fn.spec.id} needs the ${name} workflow, not built yet`);
    allow(fn, ['states:StartExecution'], [machine.stateMachineArn]);
  },
});

/**
 * Step Functions authorises SendTaskSuccess/SendTaskFailure of a service-integration task token only on "*"
 * (the actions' one resource type is an activity, which these tokens do not belong to). So the one function
 * that holds them (AnswerTask, `task-tokens:own` in lib/grants/data.ts) is also the only one that may read a
 * stored token: the rows are fenced off from every other role by their partition key.
 */
export function answerTaskTokens(fn: PalisadeFunction): void {
  allow(fn, ['states:SendTaskSuccess', 'states:SendTaskFailure'], ['*']);
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'C3/D2: a .waitForTaskToken token of a service integration is answered with states:SendTask*, which ' +
      'IAM authorises only on "*". Only this function holds it, and only it may read the stored tokens ' +
      '(TASKTOKEN# partitions, dynamodb:LeadingKeys); the tokens never leave the backend.',
  });
}

export const WORKFLOW_GRANTS = {
  'suspension:start': start('suspension:start'),
  'security-hold:start': start('security-hold:start'),
  'withdrawal:start': start('withdrawal:start'),
  'admin-approval:start': start('admin-approval:start'),
  'breach:start': start('breach:start'),
  'screening:start': start('screening:start'),
} satisfies Partial<GrantTable>;
