// One execution on aws-local-stepfunctions, from its first state or from a checkpoint: the machine entered
// at the checkpoint's state with its input, a kept task token yielded first by `$$.Task.Token`, a resumed Wait
// waiting what is left of it on the clock, Task states bound to the local handlers.
import { StateMachine } from 'aws-local-stepfunctions';
import type { Clock } from '../lambdas/kernel/ports/clock.js';
import type { LoadedWorkflow } from './asl-definition.js';
import type { Checkpoint, ExecutionRecord } from './execution-journal.js';
import { type TaskRun, taskHandlers } from './task-handlers.js';
import type { TaskTokenRegistry } from './task-tokens.js';

export interface RunOptions {
  invoke: TaskRun['invoke'];
  clock: Clock;
  tokens: TaskTokenRegistry;
  /** The workflow's machine as loaded (entered at its StartAt). */
  machine: StateMachine;
  stateMachineArn: string;
  /** Entered at the record's checkpoint after a restart (its Wait's wake-up time and task are kept). */
  resuming: boolean;
  checkpoint?: TaskRun['checkpoint'];
  waitTimeMs?: number;
  waitTimeOverrides?: Record<string, number>;
  taskTimeoutOverrides?: Record<string, number>;
  retryIntervalMs?: number;
}

export interface ExecutionRun {
  result: Promise<unknown>;
  eventLogs: ReturnType<StateMachine['run']>['eventLogs'];
  /** No task starts and no task times out from now on; what runs finishes. */
  freeze: () => void;
  /** Ends the execution: what still waits gives up. */
  abort: () => void;
}

export function runExecution(
  loaded: LoadedWorkflow,
  record: ExecutionRecord,
  options: RunOptions,
): ExecutionRun {
  const { executionId } = record;
  const at = record.at as Checkpoint;
  const { tokens } = options;
  const kept = options.resuming ? at.task : undefined;
  if (kept) tokens.adopt(executionId, kept.token, kept.answer);
  let adopted = kept?.token;
  const frozen = new AbortController();
  const ended = new AbortController();
  const machine =
    at.state === loaded.definition.StartAt
      ? options.machine
      : // The same states, entered at the checkpoint (the file was validated whole at start-up).
        new StateMachine(
          { ...loaded.definition, StartAt: at.state },
          { validationOptions: { noValidate: true } },
        );
  const run = machine.run(at.input as never, {
    overrides: {
      taskResourceLocalHandlers: taskHandlers(loaded, {
        executionId,
        tokens,
        invoke: options.invoke,
        clock: options.clock,
        signal: frozen.signal,
        ended: ended.signal,
        ...(options.taskTimeoutOverrides ? { timeoutOverrides: options.taskTimeoutOverrides } : {}),
        ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
        ...(kept ? { resume: { ...kept, state: at.state } } : {}),
      }),
      waitTimeOverrides: waitOverrides(loaded, options, options.resuming ? at : undefined),
      retryIntervalOverrides: everyState(loaded.retryingStates, options.retryIntervalMs),
    },
    context: {
      Execution: { Id: executionId, Name: record.name },
      StateMachine: { Id: options.stateMachineArn, Name: loaded.name },
      // A getter: each `$$.Task.Token` read is a new task's token (a resumed task's first is its kept one).
      Task: {
        get Token() {
          const token = adopted ?? tokens.issue(executionId);
          adopted = undefined;
          return token;
        },
      },
    },
  });
  return {
    result: run.result,
    eventLogs: run.eventLogs,
    freeze: () => frozen.abort(),
    abort: () => {
      frozen.abort();
      ended.abort();
      run.abort();
    },
  };
}

/** Tests' overrides; a resumed Wait with a known wake-up time waits what is left of it, on the clock. */
function waitOverrides(
  loaded: LoadedWorkflow,
  options: RunOptions,
  resumedAt: Checkpoint | undefined,
): Record<string, number> {
  const overrides: Record<string, number> = {
    ...everyState(loaded.waitStates, options.waitTimeMs),
    ...options.waitTimeOverrides,
  };
  const wakeAt = resumedAt?.wakeAt;
  if (resumedAt && wakeAt && overrides[resumedAt.state] === undefined) {
    let first = true;
    const { clock } = options;
    // Read once per entry of the Wait: the resumed entry waits what is left, a later entry its own time.
    Object.defineProperty(overrides, resumedAt.state, {
      enumerable: true,
      get(): number | undefined {
        if (!first) return undefined;
        first = false;
        return Math.max(0, Date.parse(wakeAt) - clock.now().getTime());
      },
    });
  }
  return overrides;
}

function everyState(names: readonly string[], ms: number | undefined): Record<string, number> | undefined {
  return ms === undefined ? undefined : Object.fromEntries(names.map((name) => [name, ms]));
}
