// Step Functions: one STANDARD state machine per catalogue workflow, defined by its ASL file with each task
// key substituted by its Lambda's ARN; full logging to an encrypted group and X-Ray on.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowSpec } from '../lambdas/catalogue.js';
import type { WorkflowName } from '../lambdas/kernel/ports/workflows.js';
import { type Functions, type PalisadeFunction, PROJECT_ROOT } from './functions.js';
import type { Logging } from './logging.js';

export interface WorkflowsProps {
  workflows: readonly WorkflowSpec[];
  functions: Functions;
  logging: Logging;
  /**
   * Called for every task function once it exists, so the stack can wire its grants; `built` holds the
   * workflows defined before this one (a task may start those: the admin plane's execution task, D2).
   */
  onTask?: (fn: PalisadeFunction, built: ReadonlyMap<WorkflowName, sfn.StateMachine>) => void;
}

/** The top-level stack a construct belongs to, through its nested stacks. */
function rootStack(scope: Construct): Stack {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}

export class Workflows extends Construct {
  readonly stateMachines = new Map<WorkflowName, sfn.StateMachine>();

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    for (const workflow of props.workflows) {
      const tasks = Object.entries(workflow.tasks).map(([key, spec]) => {
        // A task lives in the stack of its state machine (lib/palisade-stack.ts: the Internal nested stack).
        const fn = props.functions.create(spec, { timeout: Duration.seconds(30) }, Stack.of(this));
        props.onTask?.(fn, this.stateMachines);
        return [key, fn] as const;
      });
      const file = path.join(PROJECT_ROOT, workflow.file);
      // F2: a Distributed Map runs its items as child executions of the machine itself, so the machine's
      // role starts, describes and stops executions of itself; its name is fixed to name its own ARN
      // without a dependency cycle (role → machine → role).
      const distributed = readFileSync(file, 'utf8').includes('"DISTRIBUTED"');
      // The primary stack's name (a literal), also when the machine lives in one of its nested stacks.
      const machineName = distributed ? `${rootStack(this).stackName}-${workflow.name}` : undefined;
      const machine = new sfn.StateMachine(this, workflow.name, {
        ...(machineName ? { stateMachineName: machineName } : {}),
        definitionBody: sfn.DefinitionBody.fromFile(file),
        definitionSubstitutions: Object.fromEntries(tasks.map(([key, fn]) => [key, fn.fn.functionArn])),
        stateMachineType: sfn.StateMachineType.STANDARD,
        tracingEnabled: true,
        logs: {
          destination: props.logging.logGroup(this, `${workflow.name}-logs`, {
            retention: logs.RetentionDays.ONE_YEAR,
          }),
          level: sfn.LogLevel.ALL,
          // Payloads carry user ids and reasons; the execution history keeps them, the logs need not.
          includeExecutionData: false,
        },
      });
      // The ASL invokes each function by its unqualified ARN: that ARN and nothing else (no versions).
      machine.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [...new Set(tasks.map(([, fn]) => fn.fn.functionArn))],
        }),
      );
      if (machineName) {
        const stack = Stack.of(this);
        machine.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['states:StartExecution'],
            resources: [
              stack.formatArn({
                service: 'states',
                resource: 'stateMachine',
                resourceName: machineName,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ],
          }),
        );
        const executions = stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${machineName}/*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
        machine.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['states:DescribeExecution', 'states:StopExecution'],
            resources: [executions],
          }),
        );
        // cdk-nag names a resource as the template has it: pseudo parameters as <AWS::…>
        const literal = (value: string, pseudo: string) =>
          Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
        const nagArn = `arn:${literal(stack.partition, 'Partition')}:states:${literal(stack.region, 'Region')}:${literal(stack.account, 'AccountId')}:execution:${machineName}/*`;
        Validations.of(machine).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${nagArn}]`,
          reason:
            'F2: a Distributed Map describes and stops the child executions it started, whose names it does not know in advance; only executions of this state machine.',
        });
      }
      Validations.of(machine).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Step Functions log delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, ' +
          'DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, ' +
          'DescribeLogGroups) and X-Ray (PutTraceSegments, PutTelemetryRecords, GetSamplingRules, ' +
          'GetSamplingTargets) have no resource-level permissions.',
      });
      this.stateMachines.set(workflow.name, machine);
    }
  }
}
