// Workflows on aws-local-stepfunctions: the ASL files of WORKFLOWS run in-process, Task states bound to the
// catalogue's handlers, task tokens answered through the registry. With a journal (the state folder's
// `executions/`), each execution's checkpoint is saved as it runs and a restart resumes it there: a Wait until
// its wake-up time, a waiting task on its kept token until its deadline. Without one, executions live as long
// as the process.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ExecutionDoesNotExist, InvalidExecutionInput, InvalidName } from '@aws-sdk/client-sfn';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
} from 'aws-local-stepfunctions';
import type { WorkflowSpec } from '../lambdas/catalogue.js';
import { type Clock, systemClock } from '../lambdas/kernel/ports/clock.js';
import type { WorkflowName, Workflows } from '../lambdas/kernel/ports/workflows.js';
import { type LoadedWorkflow, loadWorkflow } from './asl-definition.js';
import {
  type Checkpoint,
  EXECUTION_NAME,
  type ExecutionJournal,
  type ExecutionRecord,
  type TaskAnswer,
} from './execution-journal.js';
import { runExecution } from './execution-run.js';
import { ExecutionTracker } from './execution-tracker.js';
import { LOCAL_ACCOUNT } from './lambda-context.js';
import { TaskTokenRegistry } from './task-tokens.js';

/** Why an execution of the state folder was set aside instead of resumed (in the start-up log). */
export class Unresumable extends Error {
  override readonly name = 'Unresumable';
}

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
  /** The state folder's executions: with it, executions are saved as they run and resumed by `resume`. */
  journal?: ExecutionJournal;
  /** The runtime's clock: task deadlines and resumed Waits are kept on it (tests inject one). */
  clock?: Clock;
  /** What was resumed or could not be, and checkpoints that could not be saved: for the console. */
  log?: (line: string, error?: unknown) => void;
  /** Told of every state entered, Map iterations' included (Step Functions' billed transitions; bench/census.ts). */
  onStateEntered?: (executionId: string, state: string) => void;
}

interface Execution {
  outcome: Promise<ExecutionOutcome>;
  /** Nothing new starts (no task, no task timeout); what runs finishes and moves the checkpoint on. */
  freeze: () => void;
  abort: () => void;
  tracker?: ExecutionTracker;
}
const metadata = { $metadata: {} };

export class LocalStepFunctions implements Workflows {
  readonly tokens = new TaskTokenRegistry();
  private readonly loaded = new Map<WorkflowName, LoadedWorkflow>();
  private readonly machines = new Map<WorkflowName, StateMachine>();
  private readonly executions = new Map<string, Execution>();
  private readonly clock: Clock;
  private stopping = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.clock = options.clock ?? systemClock;
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
    const loaded = this.loaded.get(workflow);
    if (!loaded) throw new Error(`No state machine configured for workflow ${workflow}`);
    if (!EXECUTION_NAME.test(executionName)) {
      throw new InvalidName({ message: `Invalid Name: '${executionName}'`, ...metadata });
    }
    const executionId = this.executionArn(workflow, executionName);
    // Same name, same workflow: already started, like the AWS adapter's ExecutionAlreadyExists case.
    if (this.executions.has(executionId)) return { executionId };
    const json = input === undefined ? undefined : JSON.stringify(input);
    if (json === undefined) throw new InvalidExecutionInput({ message: 'Input must be JSON', ...metadata });
    const now = this.clock.now().toISOString();
    const record: ExecutionRecord = {
      workflow,
      name: executionName,
      executionId,
      input: JSON.parse(json),
      startedAt: now,
      at: { state: loaded.definition.StartAt, input: JSON.parse(json), since: now },
    };
    if (this.stopping) {
      // Started while the runtime stops (a task finishing its work): kept for the next start, not run now.
      const nothing = () => undefined;
      const outcome = Promise.resolve<ExecutionOutcome>({ status: 'ABORTED' });
      this.executions.set(executionId, { outcome, freeze: nothing, abort: nothing });
      await this.options.journal?.save(record);
      return { executionId };
    }
    await this.launch(loaded, record, false).saved;
    return { executionId };
  }

  /**
   * Resumes every execution of the journal (called once, at start-up, before any request is served): each
   * at its checkpoint. What cannot be resumed is set aside and logged, never silently dropped.
   */
  async resume(): Promise<void> {
    const journal = this.options.journal;
    if (!journal) return;
    const log = this.options.log ?? (() => undefined);
    const { stored, unreadable } = await journal.load();
    for (const { path, reason } of unreadable) {
      const aside = await journal.setAside(path);
      log(
        `workflow execution ${path} cannot be resumed: ${reason}; moved to ${aside}`,
        new Unresumable(reason),
      );
    }
    const resumed: string[] = [];
    for (const { path, record } of stored) {
      const loaded = this.loaded.get(record.workflow as WorkflowName);
      if (!loaded) {
        const aside = await journal.setAside(path);
        const reason = `no workflow ${record.workflow} in the catalogue`;
        log(
          `workflow execution ${record.executionId} cannot be resumed: ${reason}; moved to ${aside}`,
          new Unresumable(reason),
        );
        continue;
      }
      if (!('state' in record.at)) {
        // Its last state had run when the runtime stopped: it ended, nothing is left to do.
        await journal.remove(record);
        resumed.push(`${record.executionId} had ended`);
        continue;
      }
      let at: Checkpoint = record.at;
      if (!(at.state in loaded.definition.States)) {
        log(
          `workflow execution ${record.executionId} stood at ${at.state}, which ${loaded.name}'s ASL file no longer has: restarted from ${loaded.definition.StartAt} with its input`,
        );
        at = { state: loaded.definition.StartAt, input: record.input, since: this.clock.now().toISOString() };
      }
      const run = this.launch(loaded, { ...record, at }, true);
      if (at !== record.at) await run.saved;
      resumed.push(`${record.executionId} at ${describe(at)}`);
    }
    if (resumed.length > 0) {
      log(
        `Resumed ${resumed.length} workflow execution(s) from the state folder:\n  ${resumed.join('\n  ')}`,
      );
    }
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
    const claimed = this.tokens.claimSuccess(taskToken, output);
    await this.recordAnswer(claimed.executionId, taskToken, { output: claimed.output });
    claimed.settle();
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    const claimed = this.tokens.claimFailure(taskToken, error, cause);
    await this.recordAnswer(claimed.executionId, taskToken, { error, cause });
    claimed.settle();
  }

  /**
   * Stops the executions. Without a journal they are aborted (a Wait of hours, a task waiting for its token)
   * and this waits for them to end. With one, they freeze: no task starts and no task times out from now on,
   * but a task already running finishes and a waiting task may still be answered (the runtime drains its
   * requests), and that moves the checkpoint on; `close` then ends them, each kept at its checkpoint.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const executions = [...this.executions.values()];
    for (const execution of executions) execution.freeze();
    if (this.options.journal) return;
    for (const execution of executions) execution.abort();
    await Promise.all(executions.map((execution) => execution.outcome));
  }

  /** After the running tasks have finished: saves the checkpoints, ends the executions, refuses every token. */
  async close(): Promise<void> {
    this.stopping = true;
    // What the last tasks set going (the event log, read on microtasks) reaches the checkpoints first.
    await nextTurn();
    const executions = [...this.executions.values()];
    for (const execution of executions) {
      execution.tracker?.detach();
      execution.freeze();
      execution.abort();
    }
    await this.options.journal?.close();
    await Promise.all(executions.map((execution) => execution.outcome));
    this.tokens.closeAll();
  }

  private launch(
    loaded: LoadedWorkflow,
    record: ExecutionRecord,
    resuming: boolean,
  ): Execution & { saved: Promise<void> } {
    const { executionId } = record;
    const journal = this.options.journal;
    const log = this.options.log;
    const tracker = journal
      ? new ExecutionTracker(
          record,
          loaded.definition.States,
          this.clock,
          (value) => (value ? journal.save(value) : journal.remove(record)),
          (err) => log?.(`workflow execution ${executionId}: its checkpoint could not be saved`, err),
          { resuming },
        )
      : undefined;
    const run = runExecution(loaded, record, {
      ...this.options,
      clock: this.clock,
      tokens: this.tokens,
      resuming,
      ...(tracker ? { checkpoint: tracker } : {}),
      machine: this.machines.get(loaded.name) as StateMachine,
      stateMachineArn: this.stateMachineArn(loaded.name),
    });
    const onStateEntered = this.options.onStateEntered;
    tracker?.follow(onStateEntered ? observed(run.eventLogs, executionId, onStateEntered) : run.eventLogs);
    if (!tracker && onStateEntered)
      void (async () => {
        for await (const event of run.eventLogs)
          if (event.type === 'StateEntered') onStateEntered(executionId, event.state.name);
      })().catch(() => undefined);
    const outcome = run.result.then(
      (output): ExecutionOutcome => ({ status: 'SUCCEEDED', output }),
      (err: unknown): ExecutionOutcome => toOutcome(err),
    );
    const settled = outcome.then(async (result) => {
      // Ended by close() with a journal: the checkpoint stays for the next start.
      if (result.status === 'ABORTED' && this.stopping && tracker) return result;
      this.tokens.closeExecution(executionId);
      await tracker?.end();
      if (result.status !== 'SUCCEEDED') this.options.onUnsuccessful?.(executionId, result);
      return result;
    });
    const execution: Execution = {
      outcome: settled,
      freeze: run.freeze,
      abort: run.abort,
      ...(tracker ? { tracker } : {}),
    };
    this.executions.set(executionId, execution);
    return { ...execution, saved: tracker ? tracker.saved() : Promise.resolve() };
  }

  private async recordAnswer(executionId: string, token: string, answer: TaskAnswer): Promise<void> {
    await this.executions.get(executionId)?.tracker?.answered(token, answer);
  }

  private stateMachineArn(workflow: WorkflowName): string {
    return `arn:aws:states:${this.options.region}:${LOCAL_ACCOUNT}:stateMachine:${workflow}`;
  }

  private executionArn(workflow: WorkflowName, name: string): string {
    return `arn:aws:states:${this.options.region}:${LOCAL_ACCOUNT}:execution:${workflow}:${name}`;
  }
}

/** How a resumed execution stands, for the start-up log (never a token). */
function describe(at: Checkpoint): string {
  if (at.task?.answer) return `${at.state} (answered before the stop)`;
  if (at.task)
    return `${at.state} (waiting for its task token${at.task.deadline ? ` until ${at.task.deadline}` : ''})`;
  if (at.wakeAt) return `${at.state} (waiting until ${at.wakeAt})`;
  return at.state;
}

function toOutcome(err: unknown): ExecutionOutcome {
  if (err instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (err instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT' };
  const failure = err instanceof ExecutionError && err.cause instanceof Error ? err.cause : err;
  if (failure instanceof Error) return { status: 'FAILED', error: failure.name, cause: failure.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(failure) };
}

/** The event log, passing each entered state to `onStateEntered` on the way. */
async function* observed<E extends { type: string }>(
  events: AsyncGenerator<E>,
  executionId: string,
  onStateEntered: (executionId: string, state: string) => void,
): AsyncGenerator<E> {
  for await (const event of events) {
    if (event.type === 'StateEntered')
      onStateEntered(executionId, (event as unknown as { state: { name: string } }).state.name);
    yield event;
  }
}
