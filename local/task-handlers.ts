// The local handlers of one execution's Task states: each runs its catalogue function in-process, shaped
// like the Step Functions integration it stands for (plain Lambda ARN, lambda:invoke, .waitForTaskToken).
import type { LoadedWorkflow, TaskBinding } from './asl-definition.js';
import { MAX_TIMER_SECONDS, TIMEOUT_PARAMETER } from './asl-definition.js';
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

export function taskHandlers(
  workflow: LoadedWorkflow,
  executionId: string,
  tokens: TaskTokenRegistry,
  invoke: Invoke,
  timeoutOverrides: Record<string, number> = {},
): Record<string, (input: Json) => Promise<Json>> {
  const handlers: Record<string, (input: Json) => Promise<Json>> = {};
  for (const [stateName, binding] of workflow.tasks) {
    const timeoutMs = timeoutOverrides[stateName];
    handlers[stateName] = (input) =>
      runTask(binding, input, {
        executionId,
        tokens,
        invoke,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      });
  }
  return handlers;
}

interface TaskRun {
  executionId: string;
  tokens: TaskTokenRegistry;
  invoke: Invoke;
  /** Tests: this task's timeout in milliseconds instead of its TimeoutSeconds(Path). */
  timeoutMs?: number;
}

async function runTask(binding: TaskBinding, input: Json, run: TaskRun): Promise<Json> {
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
  if (!token)
    throw new StatesRuntime(
      'The task token ($$.Task.Token) is not in the Payload of a .waitForTaskToken task',
    );
  const answer = run.tokens.answerOf(token);
  try {
    await run.invoke(functionId, payload);
    const timeoutMs = run.timeoutMs ?? (timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000);
    return asJson(await withTimeout(answer, timeoutMs));
  } finally {
    run.tokens.close(token);
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

function withTimeout<T>(promise: Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (timeoutMs === undefined) return promise;
  const ms = Math.min(timeoutMs, MAX_TIMER_SECONDS * 1000);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StatesTimeout('States.Timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A Lambda's result crosses a JSON boundary in AWS; dates become strings and undefined disappears here too. */
function asJson(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}
