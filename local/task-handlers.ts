// The local handlers of one execution's Task states: each runs its catalogue function in-process, shaped
// like the Step Functions integration it stands for (plain Lambda ARN, lambda:invoke, .waitForTaskToken). A
// waiting task tells the execution's checkpoint its token and deadline, and a resumed one waits on them again.
import type { Clock } from '../lambdas/kernel/ports/clock.js';
import type { LoadedWorkflow, TaskBinding } from './asl-definition.js';
import { MAX_TIMER_SECONDS, TIMEOUT_PARAMETER } from './asl-definition.js';
import type { WaitingTask } from './execution-journal.js';
import type { ExecutionTracker } from './execution-tracker.js';
import { LOCAL_REGION } from './lambda-context.js';
import type { TaskTokenRegistry } from './task-tokens.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Invoke = (functionId: string, event: unknown) => Promise<unknown>;

/**
 * Step Functions' error for a task that outlived its TimeoutSeconds; Retry and Catch match it by name. (The
 * library keeps its own class private, so a `States.TaskFailed` retrier also matches this one, unlike AWS.)
 */
class StatesTimeout extends Error {
  override readonly name = 'States.Timeout';
}

class StatesRuntime extends Error {
  override readonly name = 'States.Runtime';
}

/** What the Task states of one execution run with. */
export interface TaskRun {
  executionId: string;
  tokens: TaskTokenRegistry;
  invoke: Invoke;
  /** Deadlines of waiting tasks are kept on this clock (the runtime's, injected in tests). */
  clock: Clock;
  /** Aborted when the runtime stops: no task starts after it, and no task times out. */
  signal: AbortSignal;
  /** Aborted when the runtime ends the execution (after a stop): what still waits gives up. */
  ended: AbortSignal;
  /** Tests: `.waitForTaskToken` state name → its timeout in milliseconds instead of its TimeoutSeconds(Path). */
  timeoutOverrides?: Record<string, number>;
  /** The execution's checkpoint (the state folder's journal), told of each waiting task. */
  checkpoint?: Pick<ExecutionTracker, 'taskWaiting' | 'taskInvoked'>;
  /** Resumed at a waiting task: its kept token (what `$$.Task.Token` yields first), deadline, whether it ran. */
  resume?: WaitingTask & { state: string };
}

export function taskHandlers(
  workflow: LoadedWorkflow,
  run: TaskRun,
): Record<string, (input: Json) => Promise<Json>> {
  const handlers: Record<string, (input: Json) => Promise<Json>> = {};
  let resume = run.resume;
  for (const [stateName, binding] of workflow.tasks) {
    handlers[stateName] = (input) => {
      // After a stop, a retry or a late call starts nothing: the execution resumes at its checkpoint.
      if (run.signal.aborted) return whenEnded(run.ended);
      let resumed: TaskRun['resume'];
      if (resume?.state === stateName) {
        resumed = resume;
        resume = undefined;
      }
      return runTask(stateName, binding, input, run, resumed);
    };
  }
  return handlers;
}

async function runTask(
  stateName: string,
  binding: TaskBinding,
  input: Json,
  run: TaskRun,
  resumed: TaskRun['resume'],
): Promise<Json> {
  if (binding.kind === 'function') return asJson(await run.invoke(binding.functionId, input));
  const { timeoutSeconds, params } =
    binding.kind === 'invoke-and-wait' && binding.timeoutFromInput
      ? timeoutOf(input)
      : {
          timeoutSeconds: binding.kind === 'invoke-and-wait' ? binding.timeoutSeconds : undefined,
          params: input,
        };
  const { functionId, payload } = invocation(params);
  if (binding.kind === 'invoke') {
    const result = asJson(await run.invoke(functionId, payload));
    return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 };
  }
  const token = findToken(payload, (value) => run.tokens.isOpen(run.executionId, value));
  // A resumed task whose token was answered before the stop has a closed token: the kept answer ends it.
  const kept = resumed && (token === resumed.token || resumed.answer) ? resumed : undefined;
  const taskToken = kept?.token ?? token;
  if (!taskToken)
    throw new StatesRuntime(
      'The task token ($$.Task.Token) is not in the Payload of a .waitForTaskToken task',
    );
  const answer = run.tokens.answerOf(taskToken);
  try {
    const timeoutMs =
      run.timeoutOverrides?.[stateName] ?? (timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000);
    const deadline =
      kept?.deadline ??
      (timeoutMs === undefined ? undefined : new Date(run.clock.now().getTime() + timeoutMs).toISOString());
    if (!kept) {
      await run.checkpoint?.taskWaiting(stateName, {
        token: taskToken,
        invoked: false,
        ...(deadline ? { deadline } : {}),
      });
    }
    if (!kept?.invoked && !kept?.answer) {
      await run.invoke(functionId, payload);
      await run.checkpoint?.taskInvoked(stateName, taskToken);
    }
    const left = deadline === undefined ? undefined : Date.parse(deadline) - run.clock.now().getTime();
    return asJson(await withTimeout(Promise.race([answer, whenEnded(run.ended)]), left, run.signal));
  } finally {
    run.tokens.close(taskToken);
  }
}

/** TimeoutSecondsPath's value, as `bind` put it into Parameters, out of the parameters of the call. */
function timeoutOf(input: Json): { timeoutSeconds: number; params: Json } {
  const { [TIMEOUT_PARAMETER]: value, ...params } =
    input && typeof input === 'object' && !Array.isArray(input) ? input : {};
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new StatesRuntime('TimeoutSecondsPath must select a positive integer');
  }
  return { timeoutSeconds: value, params };
}

/** Lambda's integration takes FunctionName as a name, an ARN or a qualified ARN. */
function invocation(input: Json): { functionId: string; payload: Json } {
  const params = input && typeof input === 'object' && !Array.isArray(input) ? input : {};
  const name = params.FunctionName;
  if (typeof name !== 'string') throw new StatesRuntime('lambda:invoke needs Parameters.FunctionName');
  const arn = /^arn:aws:lambda:[^:]+:\d{12}:function:([^:]+)(:[^:]+)?$/.exec(name);
  if (arn && !name.startsWith(`arn:aws:lambda:${LOCAL_REGION}:`)) {
    throw new StatesRuntime(`${name} is not a function of the local runtime`);
  }
  return { functionId: arn?.[1] ?? name, payload: params.Payload ?? {} };
}

function findToken(value: Json, isToken: (value: string) => boolean): string | undefined {
  if (typeof value === 'string') return isToken(value) ? value : undefined;
  if (!value || typeof value !== 'object') return undefined;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const found = findToken(item, isToken);
    if (found) return found;
  }
  return undefined;
}

/** The answer, or States.Timeout once `timeoutMs` has passed (at once when it is over); no timeout after a stop. */
function withTimeout<T>(promise: Promise<T>, timeoutMs: number | undefined, signal: AbortSignal): Promise<T> {
  if (timeoutMs === undefined) return promise;
  const ms = Math.max(0, Math.min(timeoutMs, MAX_TIMER_SECONDS * 1000));
  let timer: NodeJS.Timeout | undefined;
  const stop = () => clearTimeout(timer);
  const timeout = new Promise<never>((_, reject) => {
    if (signal.aborted) return;
    timer = setTimeout(() => reject(new StatesTimeout('States.Timeout')), ms);
    signal.addEventListener('abort', stop, { once: true });
  });
  return Promise.race([promise, timeout]).finally(() => {
    stop();
    signal.removeEventListener('abort', stop);
  });
}

/** Rejects once the runtime has ended the execution, so nothing waits (or keeps a timer) after a stop. */
function whenEnded(ended: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    const end = () => reject(new StatesRuntime('The local runtime stopped'));
    if (ended.aborted) end();
    else ended.addEventListener('abort', end, { once: true });
  });
}

/** A Lambda's result crosses a JSON boundary in AWS; dates become strings and undefined disappears here too. */
function asJson(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}
