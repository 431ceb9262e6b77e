// The catalogue's scheduled functions (SCHEDULED): each built and granted like every other function, and run
// by an EventBridge rule at its interval: the audit checkpoint writer (D3) and the outbox sweeper.
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { ScheduleSpec } from '../lambdas/catalogue.js';
import type { Functions, PalisadeFunction } from './functions.js';
import { startsWorkflows } from './grants/workflows.js';

export const SCHEDULED_TIMEOUT = Duration.minutes(1);

export interface SchedulesProps {
  schedules: readonly ScheduleSpec[];
  functions: Functions;
  /** Applies a function's grants (the stack's). */
  wire: (fn: PalisadeFunction) => void;
  /** The environment of a function that starts workflows (STATE_MACHINES): the outbox sweeper's. */
  workflowEnvironment?: Record<string, string>;
}

export class Schedules extends Construct {
  /** The function and the rule of each scheduled function, by function id. */
  readonly scheduled = new Map<string, { fn: PalisadeFunction; rule: events.Rule }>();

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    for (const { spec, everyMinutes } of props.schedules) {
      // A batch, not a request: the checkpoint writer may link up to 20,000 records in one run.
      const fn = props.functions.create(spec, {
        timeout: SCHEDULED_TIMEOUT,
        ...(startsWorkflows(spec.access) && props.workflowEnvironment
          ? { environment: props.workflowEnvironment }
          : {}),
      });
      props.wire(fn);
      const rule = new events.Rule(this, spec.id, {
        description: `Palisade: runs ${spec.id} every ${everyMinutes} minutes`,
        schedule: events.Schedule.rate(Duration.minutes(everyMinutes)),
        targets: [
          // A run that fails is retried twice within its interval; later the next run takes over.
          new targets.LambdaFunction(fn.fn, {
            retryAttempts: 2,
            maxEventAge: Duration.minutes(Math.max(1, everyMinutes)),
          }),
        ],
      });
      this.scheduled.set(spec.id, { fn, rule });
    }
  }
}
