// The catalogue's scheduled workflows (WORKFLOW_SCHEDULES): an EventBridge Scheduler schedule each, whose own role
// may start that one state machine and nothing else (F1: the daily KYC refresh). Locally a timer of the runtime
// starts the same ASL file (local/ports.ts).
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowScheduleSpec } from '../lambdas/catalogue.js';
import type { WorkflowName } from '../lambdas/kernel/ports/workflows.js';

export interface WorkflowSchedulesProps {
  schedules: readonly WorkflowScheduleSpec[];
  stateMachines: ReadonlyMap<WorkflowName, sfn.StateMachine>;
}

export class WorkflowSchedules extends Construct {
  readonly schedules = new Map<WorkflowName, { schedule: scheduler.CfnSchedule; role: iam.Role }>();

  constructor(scope: Construct, id: string, props: WorkflowSchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    for (const { workflow, everyHours } of props.schedules) {
      const machine = props.stateMachines.get(workflow);
      if (!machine) throw new Error(`No state machine for the scheduled workflow ${workflow}`);
      const role = new iam.Role(this, `${workflow}-role`, {
        description: `Palisade: EventBridge Scheduler starts the ${workflow} workflow`,
        // Only this account's schedules may use the role (confused deputy).
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
        }),
      });
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['states:StartExecution'],
          resources: [machine.stateMachineArn],
        }),
      );
      const schedule = new scheduler.CfnSchedule(this, workflow, {
        description: `Palisade: starts the ${workflow} workflow every ${everyHours} hours`,
        scheduleExpression: `rate(${everyHours} hours)`,
        flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 60 },
        state: 'ENABLED',
        target: {
          arn: machine.stateMachineArn,
          roleArn: role.roleArn,
          input: JSON.stringify({ source: 'schedule' }),
          // A start that fails is retried; an execution that fails is the state machine's alarm's.
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        },
      });
      this.schedules.set(workflow, { schedule, role });
    }
  }
}
