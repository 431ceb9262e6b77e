// Workflows on AWS Step Functions: start executions by name (idempotent) and answer task tokens. The three
// operations go through the kernel's signed JSON caller (json-api.ts; AWSStepFunctions, awsJson1_0) rather
// than @aws-sdk/client-sfn: docs/decisions.md, "Bundles". Refusals are AwsApiErrors named as the SDK names its
// exceptions (ExecutionAlreadyExists, TaskTimedOut, InvalidToken, TaskDoesNotExist), which the domain tests by
// name (ports/workflows.ts).
import * as z from 'zod/mini';
import type { WorkflowName, Workflows } from '../ports/workflows.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import { type JsonService, jsonApi, jsonTransportFromEnv } from './json-api.js';
import type { AwsTransport } from './signed-request.js';

export const STEP_FUNCTIONS: JsonService = {
  signingName: 'states',
  targetPrefix: 'AWSStepFunctions',
  jsonVersion: '1.0',
  endpointVariable: 'AWS_ENDPOINT_URL_SFN',
  traceName: 'SFN',
};

/** The operations Palisade calls: [input, answer]. */
export interface StepFunctionsOperations {
  StartExecution: [
    { stateMachineArn: string; name?: string; input?: string; traceHeader?: string },
    { executionArn?: string; startDate?: number },
  ];
  SendTaskSuccess: [{ taskToken: string; output: string }, Record<string, never>];
  SendTaskFailure: [{ taskToken: string; error?: string; cause?: string }, Record<string, never>];
}

export interface StepFunctions {
  call<O extends keyof StepFunctionsOperations>(
    operation: O,
    input: StepFunctionsOperations[O][0],
  ): Promise<StepFunctionsOperations[O][1]>;
}

/**
 * Step Functions over one transport. Each operation may be sent again after a lost connection: a named
 * execution started twice is ExecutionAlreadyExists (answered below as started), a task token answered twice
 * is refused as closed, which the domain takes as done.
 */
export function stepFunctions(transport: () => AwsTransport): StepFunctions {
  const api = jsonApi(STEP_FUNCTIONS, transport);
  return { call: (operation, input) => api.call(operation, input, { idempotent: true }) };
}

/** The Lambda's Step Functions: AWS_REGION, AWS_ENDPOINT_URL_SFN, the role's credentials. */
export const awsStepFunctions = /* @__PURE__ */ once(() =>
  stepFunctions(once(() => jsonTransportFromEnv(STEP_FUNCTIONS))),
);

export class StepFunctionsWorkflows implements Workflows {
  constructor(
    private readonly sfn: StepFunctions,
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
      const out = await this.sfn.call('StartExecution', {
        stateMachineArn,
        name: executionName,
        input: JSON.stringify(input),
      });
      return { executionId: out.executionArn ?? executionName };
    } catch (err) {
      // Same name, same workflow: it was started already, which is what the caller wanted.
      if ((err as Error).name === 'ExecutionAlreadyExists') {
        return {
          executionId: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`,
        };
      }
      throw err;
    }
  }

  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    await this.sfn.call('SendTaskSuccess', { taskToken, output: JSON.stringify(output) });
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    await this.sfn.call('SendTaskFailure', { taskToken, error, cause });
  }
}

const stateMachinesSchema = z.record(z.string(), z.string().check(z.regex(/^arn:aws[a-z-]*:states:/)));

export const awsWorkflows = /* @__PURE__ */ once(
  () =>
    new StepFunctionsWorkflows(
      awsStepFunctions(),
      z.parse(stateMachinesSchema, JSON.parse(requireEnv('STATE_MACHINES'))) as Partial<
        Record<WorkflowName, string>
      >,
    ),
);
