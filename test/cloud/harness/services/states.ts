// Step Functions: StartExecution, SendTaskSuccess and SendTaskFailure in the JSON protocol (AWSStepFunctions),
// run by the local cloud's runner (aws-local-stepfunctions over the same ASL files CDK deploys, local/step-
// functions.ts), one runner per state machine of the template. Its Task states invoke the functions the
// template's DefinitionSubstitutions name, in their workers, after authorising lambda:InvokeFunction
// against the state machine's own role. Task tokens are answered as `states:SendTask*` on "*".
import { WORKFLOWS } from '../../../../lambdas/catalogue.js';
import type { WorkflowName } from '../../../../lambdas/kernel/ports/workflows.js';
import { type ExecutionOutcome, LocalStepFunctions } from '../../../../local/step-functions.js';
import {
  type Answer,
  Endpoint,
  errorAnswer,
  type Gate,
  type IncomingCall,
  jsonAnswer,
  type Service,
  servingCall,
} from '../endpoints.js';
import type { LambdaService } from '../lambda-runtime.js';
import type { CloudModel, CloudStateMachine } from '../template.js';

const JSON_10 = 'application/x-amz-json-1.0';

export interface StatesOptions {
  model: CloudModel;
  lambda: LambdaService;
  repoRoot: string;
  /** Authorises a Task's invocation against the state machine's role; false refuses it. */
  authorizeTask: (machine: CloudStateMachine, functionArn: string) => boolean;
  /** Wait states and retries take this long (the harness does not wait hours for a hold to end). */
  waitTimeMs?: number;
  retryIntervalMs?: number;
}

interface Runner {
  machine: CloudStateMachine;
  local: LocalStepFunctions;
}

export interface HarnessExecution {
  executionArn: string;
  workflow: WorkflowName;
  input: unknown;
  outcome: Promise<ExecutionOutcome>;
}

export class StatesService implements Service {
  readonly protocol = 'json' as const;
  private readonly runners: Runner[];
  readonly executions: HarnessExecution[] = [];
  /** Every state entered (Step Functions bills a standard workflow per state transition), and the call it followed. */
  readonly transitions: { workflow: WorkflowName; seq: number | undefined; at: number }[] = [];

  constructor(private readonly options: StatesOptions) {
    this.runners = options.model.stateMachines.map((machine) => {
      const spec = WORKFLOWS.find((w) => w.name === machine.workflow);
      if (!spec) throw new Error(`No workflow ${machine.workflow} in the catalogue`);
      const tasks = Object.fromEntries(
        Object.entries(machine.tasks).map(([key, fn]) => [key, { id: fn.id, entry: fn.entry, access: [] }]),
      );
      const local = new LocalStepFunctions({
        workflows: [{ ...spec, tasks }],
        repoRoot: options.repoRoot,
        region: options.model.deployment.region,
        ...(options.waitTimeMs !== undefined ? { waitTimeMs: options.waitTimeMs } : {}),
        ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
        invoke: (functionId, event) => this.invokeTask(machine, functionId, event),
        onStateEntered: () => {
          this.transitions.push({
            workflow: machine.workflow,
            seq: servingCall.getStore()?.seq,
            at: performance.now(),
          });
        },
      });
      return { machine, local };
    });
  }

  private async invokeTask(machine: CloudStateMachine, functionId: string, event: unknown): Promise<unknown> {
    const fn = this.options.lambda.byId.get(functionId);
    if (!fn)
      throw Object.assign(new Error(`No function ${functionId}`), {
        name: 'Lambda.ResourceNotFoundException',
      });
    if (!this.options.authorizeTask(machine, fn.arn)) {
      throw Object.assign(new Error(`${machine.roleName} may not invoke ${fn.arn}`), {
        name: 'Lambda.AccessDeniedException',
      });
    }
    const seq = servingCall.getStore()?.seq;
    const outcome = await this.options.lambda.invoke(fn, event, undefined, {
      kind: 'task',
      workflow: machine.workflow,
      ...(seq !== undefined ? { seq } : {}),
    });
    if (outcome.ok) return JSON.parse(outcome.payload);
    throw Object.assign(new Error(outcome.errorMessage), { name: outcome.errorType });
  }

  /** An execution's outcome, once it has ended. */
  waitFor(executionArn: string): Promise<ExecutionOutcome> {
    const execution = this.executions.find((e) => e.executionArn === executionArn);
    if (!execution) return Promise.reject(new Error(`No execution ${executionArn}`));
    return execution.outcome;
  }

  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.local.stop()));
  }

  async handle(call: IncomingCall, gate: Gate): Promise<Answer> {
    const body = JSON.parse(call.body.toString('utf8') || '{}') as Record<string, unknown>;
    switch (call.operation) {
      case 'StartExecution':
        return this.start(call, gate, body);
      case 'SendTaskSuccess':
      case 'SendTaskFailure':
        return this.answer(call, gate, body);
      default:
        return errorAnswer(
          'json',
          400,
          'UnsupportedOperation',
          `The harness does not emulate Step Functions ${call.operation}`,
        );
    }
  }

  private async start(call: IncomingCall, gate: Gate, body: Record<string, unknown>): Promise<Answer> {
    const arn = String(body.stateMachineArn ?? '');
    if (
      !gate.authorize(call, [{ request: { action: 'states:StartExecution', resource: arn, context: {} } }])
    ) {
      return Endpoint.denied('json', gate, call);
    }
    const runner = this.runners.find((r) => r.machine.arn === arn);
    if (!runner) {
      gate.violation({
        kind: 'not-found',
        caller: call.principal.id,
        operation: 'states:StartExecution',
        detail: `state machine ${arn} is not in the template`,
      });
      return errorAnswer('json', 400, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    }
    const name = String(body.name ?? crypto.randomUUID());
    const inputText = typeof body.input === 'string' ? body.input : '{}';
    const executionArn = `${arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const earlier = this.executions.find((e) => e.executionArn === executionArn);
    if (earlier) {
      // Same name and same input: Step Functions answers the running execution; other input is refused.
      if (JSON.stringify(earlier.input) !== JSON.stringify(JSON.parse(inputText))) {
        return errorAnswer(
          'json',
          400,
          'ExecutionAlreadyExists',
          `Execution Already Exists: '${executionArn}'`,
        );
      }
      return jsonAnswer(200, { executionArn, startDate: Date.now() / 1000 }, JSON_10);
    }
    try {
      const input = JSON.parse(inputText);
      const { executionId } = await runner.local.start(runner.machine.workflow, input, name);
      this.executions.push({
        executionArn,
        workflow: runner.machine.workflow,
        input,
        outcome: runner.local.waitFor(executionId),
      });
      return jsonAnswer(200, { executionArn, startDate: Date.now() / 1000 }, JSON_10);
    } catch (err) {
      return errorAnswer('json', 400, (err as Error).name, (err as Error).message);
    }
  }

  private async answer(call: IncomingCall, gate: Gate, body: Record<string, unknown>): Promise<Answer> {
    if (
      !gate.authorize(call, [{ request: { action: `states:${call.operation}`, resource: '*', context: {} } }])
    ) {
      return Endpoint.denied('json', gate, call);
    }
    const token = String(body.taskToken ?? '');
    const runner = this.runners.find((r) => {
      try {
        r.local.tokens.answerOf(token);
        return true;
      } catch {
        return false;
      }
    });
    if (!runner) return errorAnswer('json', 400, 'InvalidToken', 'Invalid Token');
    try {
      if (call.operation === 'SendTaskSuccess') {
        await runner.local.sendTaskSuccess(token, JSON.parse(String(body.output ?? 'null')));
      } else {
        await runner.local.sendTaskFailure(token, String(body.error ?? ''), String(body.cause ?? ''));
      }
      return jsonAnswer(200, {}, JSON_10);
    } catch (err) {
      return errorAnswer('json', 400, (err as Error).name, (err as Error).message);
    }
  }
}
