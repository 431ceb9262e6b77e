// Loads a workflow's ASL file as CDK does (`${Key}` substitutions → function ARNs) and finds what the local
// runner must bind: each Task state's function and kind of integration, the Wait and retrying states.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { WorkflowSpec } from '../lambdas/catalogue.js';
import type { WorkflowName } from '../lambdas/kernel/ports/workflows.js';
import { localFunctionArn } from './lambda-context.js';

export type TaskBinding =
  /** `Resource` is the function's ARN: the function's result is the task's result. */
  | { kind: 'function'; functionId: string }
  /** `arn:aws:states:::lambda:invoke`: Parameters carry FunctionName and Payload. */
  | { kind: 'invoke' }
  /** `...lambda:invoke.waitForTaskToken`: the task ends with SendTaskSuccess/SendTaskFailure. */
  | {
      kind: 'invoke-and-wait';
      timeoutSeconds?: number;
      /** TimeoutSecondsPath: the value rides in Parameters under TIMEOUT_PARAMETER (see `bind`). */
      timeoutFromInput?: boolean;
    };

export interface LoadedWorkflow {
  name: WorkflowName;
  definition: StateMachineDefinition;
  /** Task state name → binding (ASL state names are unique across the whole machine). */
  tasks: Map<string, TaskBinding>;
  waitStates: string[];
  retryingStates: string[];
}

const INVOKE = 'arn:aws:states:::lambda:invoke';
const INVOKE_AND_WAIT = `${INVOKE}.waitForTaskToken`;
/** Where a waitForTaskToken state's TimeoutSecondsPath value reaches the runner; stripped before the call. */
export const TIMEOUT_PARAMETER = '__localTaskTimeoutSeconds';
/** Node timers cap at 2^31-1 ms; the library's own default task timeout is 60 s, too short for approvals. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

type States = Record<string, Record<string, unknown>>;

export function loadWorkflow(spec: WorkflowSpec, repoRoot: string): LoadedWorkflow {
  let text = readFileSync(join(repoRoot, spec.file), 'utf8');
  const arnToId = new Map<string, string>();
  for (const [key, fn] of Object.entries(spec.tasks)) {
    arnToId.set(localFunctionArn(fn.id), fn.id);
    text = text.replaceAll(`\${${key}}`, localFunctionArn(fn.id));
  }
  const missing = /\$\{(\w+)\}/.exec(text);
  if (missing) throw new Error(`${spec.file}: no function is bound to \${${missing[1]}} in WORKFLOWS`);
  const definition = JSON.parse(text) as StateMachineDefinition;
  const loaded: LoadedWorkflow = {
    name: spec.name,
    definition,
    tasks: new Map(),
    waitStates: [],
    retryingStates: [],
  };
  walk(definition.States as unknown as States, spec.file, arnToId, loaded);
  return loaded;
}

function walk(states: States, file: string, arnToId: Map<string, string>, into: LoadedWorkflow): void {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Wait') into.waitStates.push(name);
    if (Array.isArray(state.Retry)) into.retryingStates.push(name);
    if (state.Type === 'Task') {
      if (into.tasks.has(name)) throw new Error(`${file}: state name ${name} is used twice`);
      into.tasks.set(name, bind(name, state, file, arnToId));
    }
    for (const branch of (state.Branches as { States: States }[] | undefined) ?? []) {
      walk(branch.States, file, arnToId, into);
    }
    const processor = (state.ItemProcessor ?? state.Iterator) as
      | { States: States; ProcessorConfig?: { Mode?: string } }
      | undefined;
    if (processor?.ProcessorConfig?.Mode === 'DISTRIBUTED')
      inlineDistributedMap(name, state, processor, file);
    if (processor) walk(processor.States, file, arnToId, into);
  }
}

/**
 * F2: aws-local-stepfunctions runs a Map inline only. A Distributed Map over items of the state's input
 * (ItemsPath, no ItemReader) means the same as an inline Map, item for item: here it becomes one, at load, in
 * memory (the file is what CDK deploys). The fields only a Distributed Map has are dropped: ProcessorConfig
 * (child executions), ToleratedFailurePercentage/Count (0 locally: any failure fails the Map, as inline),
 * Label. A Distributed Map that reads S3 (ItemReader), batches or writes results to S3 cannot run locally.
 */
export function inlineDistributedMap(
  name: string,
  state: Record<string, unknown>,
  processor: { ProcessorConfig?: unknown },
  file: string,
): void {
  for (const field of ['ItemReader', 'ItemBatcher', 'ResultWriter']) {
    if (field in state)
      throw new Error(`${file}: Map ${name} uses ${field}, which the local runner cannot run`);
  }
  const tolerated = state.ToleratedFailurePercentage ?? state.ToleratedFailureCount ?? 0;
  if (tolerated !== 0) throw new Error(`${file}: Map ${name} tolerates failures; locally only 0 is run`);
  delete processor.ProcessorConfig;
  delete state.ToleratedFailurePercentage;
  delete state.ToleratedFailureCount;
  delete state.Label;
}

function bind(
  name: string,
  state: Record<string, unknown>,
  file: string,
  arnToId: Map<string, string>,
): TaskBinding {
  const resource = String(state.Resource);
  const functionId = arnToId.get(resource);
  if (functionId) return { kind: 'function', functionId };
  if (resource === INVOKE) return { kind: 'invoke' };
  if (resource === INVOKE_AND_WAIT) {
    const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
    const timeoutPath = typeof state.TimeoutSecondsPath === 'string' ? state.TimeoutSecondsPath : undefined;
    if (timeoutPath !== undefined) {
      // Step Functions resolves TimeoutSecondsPath against the state's input; the library resolves it against
      // the effective input (after Parameters), where a lambda:invoke has only FunctionName and Payload. So
      // the path is resolved by Parameters into a reserved key, which the runner takes out and enforces.
      const parameters = (state.Parameters ?? {}) as Record<string, unknown>;
      state.Parameters = { ...parameters, [`${TIMEOUT_PARAMETER}.$`]: timeoutPath };
      delete state.TimeoutSecondsPath;
    }
    // The runner enforces the task's own timeout while it waits for the token; the library's must not fire first.
    state.TimeoutSeconds = MAX_TIMER_SECONDS;
    return {
      kind: 'invoke-and-wait',
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(timeoutPath !== undefined ? { timeoutFromInput: true } : {}),
    };
  }
  throw new Error(
    `${file}: state ${name} uses ${resource}; the local runner binds catalogue functions, lambda:invoke and lambda:invoke.waitForTaskToken`,
  );
}
