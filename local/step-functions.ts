// Workflows on aws-local-stepfunctions: the ASL files of WORKFLOWS run in-process, Task states bound to the
// catalogue's handlers, task tokens answered through the registry. Executions live as long as the process.
import { ExecutionDoesNotExist, InvalidExecutionInput, InvalidName } from '@aws-sdk/client-sfn';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
} from 'aws-local-stepfunctions';
import type { WorkflowSpec } from '../lambdas/catalogue.js';
import type { WorkflowName, Workflows } from '../lambdas/kernel/ports/workflows.js';
import { type LoadedWorkflow, loadWorkflow } from './asl-definition.js';
import { LOCAL_ACCOUNT } from './lambda-context.js';
import { taskHandlers } from './task-handlers.js';
import { TaskTokenRegistry } from './task-tokens.js';

export type ExecutionOutcome =
  | { status: 'SUCCEEDED'; output: unknown }
  | { status: 'FAILED'; error: string; cause: string }
  | { status: 'ABORTED' }
  | { status: 'TIMED_OUT' };

export interface LocalStepFunctionsOptions {
  workflows: readonly WorkflowSpec[];
  repoRoot: string;
  /** Runs a catalogue function in-process with its JSON event. */
  invoke: (functionId: string, event: unknown) => Promise<unknown>;
  region: string;
  /** Tests: every Wait state lasts this many milliseconds instead of its Seconds/Timestamp. */
  waitTimeMs?: number;
  /** Tests: Wait state name → milliseconds, over `waitTimeMs`. */
  waitTimeOverrides?: Record<string, number>;
  /** Tests: `.waitForTaskToken` state name → its timeout in milliseconds, instead of TimeoutSeconds(Path). */
  taskTimeoutOverrides?: Record<string, number>;
  /** Tests: every retry waits this many milliseconds instead of its interval and backoff. */
  retryIntervalMs?: number;
  /** Told when an execution ends other than by success, so a developer sees it in the console. */
  onUnsuccessful?: (executionId: string, outcome: ExecutionOutcome) => void;
}

interface Execution {
  outcome: Promise<ExecutionOutcome>;
  abort: () => void;
}

/** Step Functions' rule for execution names. */
const EXECUTION_NAME = /^[0-9A-Za-z_-]{1,80}$/;
const metadata = { $metadata: {} };

export class LocalStepFunctions implements Workflows {
  readonly tokens = new TaskTokenRegistry();
  private readonly loaded = new Map<WorkflowName, LoadedWorkflow>();
  private readonly machines = new Map<WorkflowName, StateMachine>();
  private readonly executions = new Map<string, Execution>();

  constructor(private readonly options: LocalStepFunctionsOptions) {
    for (const spec of options.workflows) {
      const workflow = loadWorkflow(spec, options.repoRoot);
      this.loaded.set(spec.name, workflow);
      // Validated here (asl-validator, ARNs and paths), so a broken file fails at start-up.
      this.machines.set(spec.name, new StateMachine(workflow.definition));
    }
  }

  async start(
    workflow: WorkflowName,
    input: unknown,
    executionName: string,
  ): Promise<{ executionId: string }> {
    const machine = this.machines.get(workflow);
    const loaded = this.loaded.get(workflow);
    if (!machine || !loaded) throw new Error(`No state machine configured for workflow ${workflow}`);
    if (!EXECUTION_NAME.test(executionName)) {
      throw new InvalidName({ message: `Invalid Name: '${executionName}'`, ...metadata });
    }
    const executionId = this.executionArn(workflow, executionName);
    // Same name, same workflow: already started, like the AWS adapter's ExecutionAlreadyExists case.
    if (this.executions.has(executionId)) return { executionId };
    const json = input === undefined ? undefined : JSON.stringify(input);
    if (json === undefined) throw new InvalidExecutionInput({ message: 'Input must be JSON', ...metadata });

    const tokens = this.tokens;
    const run = machine.run(JSON.parse(json), {
      overrides: {
        taskResourceLocalHandlers: taskHandlers(
          loaded,
          executionId,
          tokens,
          this.options.invoke,
          this.options.taskTimeoutOverrides,
        ),
        waitTimeOverrides: {
          ...everyState(loaded.waitStates, this.options.waitTimeMs),
          ...this.options.waitTimeOverrides,
        },
        retryIntervalOverrides: everyState(loaded.retryingStates, this.options.retryIntervalMs),
      },
      context: {
        Execution: { Id: executionId, Name: executionName },
        StateMachine: { Id: this.stateMachineArn(workflow), Name: workflow },
        // A getter: each `$$.Task.Token` read is a new task's token.
        Task: {
          get Token() {
            return tokens.issue(executionId);
          },
        },
      },
    });
    const outcome = run.result.then(
      (output): ExecutionOutcome => ({ status: 'SUCCEEDED', output }),
      (err: unknown): ExecutionOutcome => toOutcome(err),
    );
    const settled = outcome.then((result) => {
      this.tokens.closeExecution(executionId);
      if (result.status !== 'SUCCEEDED') this.options.onUnsuccessful?.(executionId, result);
      return result;
    });
    this.executions.set(executionId, { outcome: settled, abort: run.abort });
    return { executionId };
  }

  /** Local only: the outcome of an execution once it has ended (tests await workflows with this). */
  waitFor(executionId: string): Promise<ExecutionOutcome> {
    const execution = this.executions.get(executionId);
    if (!execution) {
      return Promise.reject(
        new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${executionId}'`, ...metadata }),
      );
    }
    return execution.outcome;
  }

  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    this.tokens.succeed(taskToken, output);
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    this.tokens.fail(taskToken, error, cause);
  }

  /** Aborts what is still running (a Wait of hours, a task waiting for its token) and waits for it to end. */
  async stop(): Promise<void> {
    const executions = [...this.executions.values()];
    for (const execution of executions) execution.abort();
    await Promise.all(executions.map((execution) => execution.outcome));
  }

  private stateMachineArn(workflow: WorkflowName): string {
    return `arn:aws:states:${this.options.region}:${LOCAL_ACCOUNT}:stateMachine:${workflow}`;
  }

  private executionArn(workflow: WorkflowName, name: string): string {
    return `arn:aws:states:${this.options.region}:${LOCAL_ACCOUNT}:execution:${workflow}:${name}`;
  }
}

function everyState(names: readonly string[], ms: number | undefined): Record<string, number> | undefined {
  return ms === undefined ? undefined : Object.fromEntries(names.map((name) => [name, ms]));
}

function toOutcome(err: unknown): ExecutionOutcome {
  if (err instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (err instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT' };
  const failure = err instanceof ExecutionError && err.cause instanceof Error ? err.cause : err;
  if (failure instanceof Error) return { status: 'FAILED', error: failure.name, cause: failure.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(failure) };
}
