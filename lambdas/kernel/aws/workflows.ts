// Workflows on AWS Step Functions: start executions by name (idempotent) and answer task tokens.
import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { tracer } from '../observability.js';
import type { WorkflowName, Workflows } from '../ports/workflows.js';
import { once, requireEnv } from '../runtime/aws-env.js';

export class StepFunctionsWorkflows implements Workflows {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachines: Partial<Record<WorkflowName, string>>,
  ) {}

  private arnOf(workflow: WorkflowName): string {
    const arn = this.stateMachines[workflow];
    if (!arn) throw new Error(`No state machine configured for workflow ${workflow}`);
    return arn;
  }

  async start(
    workflow: WorkflowName,
    input: unknown,
    executionName: string,
  ): Promise<{ executionId: string }> {
    const stateMachineArn = this.arnOf(workflow);
    try {
      const out = await this.sfn.send(
        new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }),
      );
      return { executionId: out.executionArn ?? executionName };
    } catch (err) {
      // Same name, same workflow: it was started already, which is what the caller wanted.
      if (err instanceof ExecutionAlreadyExists) {
        return {
          executionId: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`,
        };
      }
      throw err;
    }
  }

  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    await this.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }));
  }
}

const stateMachinesSchema = z.record(z.string(), z.string().check(z.regex(/^arn:aws[a-z-]*:states:/)));

export const awsWorkflows = /* @__PURE__ */ once(
  () =>
    new StepFunctionsWorkflows(
      tracer.captureAWSv3Client(new SFNClient({})),
      z.parse(stateMachinesSchema, JSON.parse(requireEnv('STATE_MACHINES'))) as Partial<
        Record<WorkflowName, string>
      >,
    ),
);
