// The Lambda service of the harness: each function runs its production bundle in worker threads, one worker
// per execution environment (one invocation at a time each; a busy function gets another environment, a
// cold start, as Lambda scales), with exactly the template's environment plus what the Lambda runtime sets
// and the harness plumbing. Timeouts end the environment, as Lambda ends the sandbox.
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { QUEUED_MAIL_RETRIES } from '../../../lambdas/kernel/ports/user-mail.js';
import { InFlight } from '../../../local/in-flight.js';
import type { CloudFunction, CloudModel } from './template.js';

/** The services the bundles call and the `AWS_ENDPOINT_URL_<ID>` variable SDK v3 reads for each. */
export const ENDPOINT_VARIABLES = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  kms: 'AWS_ENDPOINT_URL_KMS',
  'cognito-idp': 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
  lambda: 'AWS_ENDPOINT_URL_LAMBDA',
  states: 'AWS_ENDPOINT_URL_SFN',
  sns: 'AWS_ENDPOINT_URL_SNS',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  secretsmanager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  ses: 'AWS_ENDPOINT_URL_SESV2',
  s3: 'AWS_ENDPOINT_URL_S3',
} as const;
export type ServiceId = keyof typeof ENDPOINT_VARIABLES;

/** The role session credentials Lambda hands a function, one key pair per function (the harness tells callers apart by it). */
export function credentialsOf(fn: Pick<CloudFunction, 'id'>) {
  const seed = createHash('sha256').update(fn.id).digest('hex').toUpperCase();
  return {
    AWS_ACCESS_KEY_ID: `ASIA${seed.slice(0, 16)}`,
    AWS_SECRET_ACCESS_KEY: createHash('sha256').update(`secret:${fn.id}`).digest('base64').slice(0, 40),
    AWS_SESSION_TOKEN: `harness-session-${fn.id}`,
  };
}

/** What the Lambda runtime itself sets in every execution environment of a Node.js function with active tracing. */
export function runtimeVariables(
  fn: CloudFunction,
  model: CloudModel,
  xrayDaemon: string,
): Record<string, string> {
  const { region } = model.deployment;
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    ...credentialsOf(fn),
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: `2030/01/01/[$LATEST]${createHash('sha256').update(fn.id).digest('hex').slice(0, 32)}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    _HANDLER: 'index.handler',
    LANG: 'en_US.UTF-8',
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH:
      '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    NODE_PATH:
      '/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: xrayDaemon,
    _AWS_XRAY_DAEMON_ADDRESS: xrayDaemon.split(':')[0] as string,
    _AWS_XRAY_DAEMON_PORT: xrayDaemon.split(':')[1] as string,
  };
}

/**
 * Harness plumbing, not template environment: each SDK client's endpoint, with the caller in the path, and
 * X3's Pwned Passwords range API (its stub, services/pwned-passwords.ts): nothing reaches the internet.
 */
export function plumbingVariables(
  fn: CloudFunction,
  endpoint: string,
  caller: string = fn.id,
): Record<string, string> {
  return {
    ...Object.fromEntries(
      Object.entries(ENDPOINT_VARIABLES).map(([service, variable]) => [
        variable,
        `${endpoint}/${caller}/${service}`,
      ]),
    ),
    PWNED_PASSWORDS_URL: `${endpoint}/${caller}/pwnedpasswords`,
  };
}

/**
 * The caller segment of an environment's endpoint paths: the function id and the environment's number
 * (`Login~2`), so each call is attributed to the invocation that environment was running (one at a time).
 */
export const callerOf = (functionId: string, environment: number) => `${functionId}~${environment}`;
export const functionOfCaller = (caller: string) => caller.replace(/~\d+$/, '');

/** What an invocation's own thread spent (lambda-worker.mjs): CPU, the WebAssembly password hash within it. */
export interface InvocationCpu {
  /** The worker thread's CPU time during the handler (kernel per-thread accounting), hash included. */
  cpuMs: number;
  /** Of cpuMs: inside WebAssembly (the duress argon2id). */
  hashMs: number;
  /** The event loop's active time (wall clock, includes waiting for a core). */
  activeMs: number;
  measured: 'thread' | 'none';
  /** The invocation's V8 CPU profile (a .cpuprofile file), when the service profiles (`profileDir`). */
  profile?: string;
}

/** Why a function ran: an API request (its id, shared by the authorizer and the route), a call, a task. */
export type InvocationCause =
  | { kind: 'api'; requestId: string }
  /** Invoked by a function's call; `queued`: an asynchronous invocation (InvocationType Event). */
  | { kind: 'call'; seq: number; queued?: boolean }
  | { kind: 'task'; workflow: string; seq?: number }
  | { kind: 'direct' };

export type InvokeOutcome =
  | { ok: true; payload: string; cold: boolean; ms: number }
  | {
      ok: false;
      errorType: string;
      errorMessage: string;
      trace?: string[];
      phase: 'init' | 'invoke' | 'timeout' | 'crash';
      cold: boolean;
      ms: number;
    };

export interface InvocationRecord {
  functionId: string;
  requestId: string;
  /** Unique per invocation (an API request's authorizer and route share the requestId). */
  invocationId: string;
  /** The environment's caller segment (`<function>~<n>`). */
  caller: string;
  cause: InvocationCause;
  /** performance.now() of the harness at the invocation's start and end. */
  started: number;
  ended: number;
  cpu?: InvocationCpu;
  outcome: InvokeOutcome;
  logs: string[];
}

type WorkerAnswer = { payload?: string; error?: InvokeOutcomeError; logs: string[]; cpu?: InvocationCpu };
interface Pending {
  resolve: (value: WorkerAnswer) => void;
}
type InvokeOutcomeError = {
  errorType: string;
  errorMessage: string;
  trace?: string[];
  phase: 'init' | 'invoke';
};

class Environment {
  readonly worker: Worker;
  readonly ready: Promise<{ initError?: InvokeOutcomeError; initMs: number; logs: string[] }>;
  busy = false;
  used = false;
  /** The invocation this environment is running, if any. */
  current?: string;
  private readonly pending = new Map<string, Pending>();
  dead?: string;

  constructor(
    bundle: string,
    fn: CloudFunction,
    env: Record<string, string>,
    endpoint: string,
    readonly caller: string,
  ) {
    this.worker = new Worker(join(import.meta.dirname, 'lambda-worker.mjs'), {
      env,
      execArgv: [],
      workerData: { bundle, functionId: caller, endpoint },
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: fn.memorySize },
    });
    // Everything is captured in the worker; what still arrives here (a crash's report) is dropped.
    this.worker.stdout.resume();
    this.worker.stderr.resume();
    this.ready = new Promise((resolve) => {
      const onMessage = (message: {
        type: string;
        initError?: InvokeOutcomeError;
        initMs: number;
        logs: string[];
      }) => {
        if (message.type !== 'ready') return;
        this.worker.off('message', onMessage);
        resolve(message);
      };
      this.worker.on('message', onMessage);
    });
    this.worker.on('message', (message: WorkerAnswer & { type: string; id: string }) => {
      if (message.type !== 'result') return;
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      waiting?.resolve(message);
    });
    const die = (reason: string) => {
      this.dead ??= reason;
      for (const [id, waiting] of this.pending) {
        this.pending.delete(id);
        waiting.resolve({
          error: { errorType: 'Runtime.ExitError', errorMessage: reason, phase: 'invoke' },
          logs: [],
        });
      }
    };
    this.worker.on('error', (err) => die(`Runtime exited with error: ${err.message}`));
    this.worker.on('exit', (code) => die(`Runtime exited with code ${code}`));
  }

  /** The variable names the worker's process.env holds. */
  names(): Promise<string[]> {
    return new Promise((resolve) => {
      const onMessage = (message: { type: string; names?: string[] }) => {
        if (message.type !== 'env') return;
        this.worker.off('message', onMessage);
        resolve(message.names ?? []);
      };
      this.worker.on('message', onMessage);
      this.worker.postMessage({ type: 'env' });
    });
  }

  call(id: string, event: string, context: Record<string, unknown>) {
    return new Promise<WorkerAnswer>((resolve) => {
      this.pending.set(id, { resolve });
      this.worker.postMessage({ type: 'invoke', id, event, context });
    });
  }
}

export interface LambdaServiceOptions {
  model: CloudModel;
  bundles: Map<string, string>;
  endpoint: string;
  xrayDaemon: string;
  /** Extra variables per function id on top of the template's (diagnose mode); reported, never silent. */
  overrides?: Map<string, Record<string, string>>;
  onInvocation?: (record: InvocationRecord) => void;
}

/**
 * At most this many execution environments per function at once; further invocations wait for one to be
 * free, as when Lambda scales out slower than a Map fans out. A resource limit of the harness (each
 * environment is a worker thread on this machine's cores), not a semantic: callers see the same answers,
 * later. The wait does not count toward the function's timeout.
 */
const ENVIRONMENTS_PER_FUNCTION = 4;

export class LambdaService {
  /** Set: every invocation writes its V8 CPU profile into this directory (bench/census.ts `--profile`). */
  profileDir: string | undefined;
  private readonly environments = new Map<string, Environment[]>();
  private readonly waiting = new Map<string, (() => void)[]>();
  /** Environments started per function (their numbers in the endpoint paths). */
  private readonly started = new Map<string, number>();
  /** Caller segment (`<function>~<n>`) → its environment. */
  private readonly byCaller = new Map<string, Environment>();
  readonly byId: Map<string, CloudFunction>;
  readonly byName: Map<string, CloudFunction>;
  readonly model: CloudModel;

  constructor(private readonly options: LambdaServiceOptions) {
    this.model = options.model;
    this.byId = new Map(options.model.functions.map((f) => [f.id, f]));
    this.byName = new Map(options.model.functions.map((f) => [f.name, f]));
  }

  /** The complete environment of a function's workers, split by where each variable comes from. */
  environmentOf(fn: CloudFunction, caller: string = fn.id) {
    const template = { ...fn.environment };
    const override = this.options.overrides?.get(fn.id) ?? {};
    const runtime = runtimeVariables(fn, this.options.model, this.options.xrayDaemon);
    const plumbing = plumbingVariables(fn, this.options.endpoint, caller);
    return {
      template,
      override,
      runtime,
      plumbing,
      all: { ...template, ...override, ...runtime, ...plumbing },
    };
  }

  /** A function by its name, its ARN or a partial ARN, as Lambda's FunctionName parameter takes it. */
  resolve(functionName: string): CloudFunction | undefined {
    const arn = /^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:([^:]+)(?::[^:]+)?$/.exec(functionName);
    const name = arn?.[1] ?? /^\d{12}:function:([^:]+)$/.exec(functionName)?.[1] ?? functionName;
    return this.byName.get(name);
  }

  /** An idle environment of the function, or a new one (a cold start) when every one is busy or gone. */
  private environment(fn: CloudFunction): Environment | undefined {
    const alive = (this.environments.get(fn.id) ?? []).filter((e) => !e.dead);
    this.environments.set(fn.id, alive);
    const idle = alive.find((e) => !e.busy);
    if (idle) return idle;
    if (alive.length >= ENVIRONMENTS_PER_FUNCTION) return undefined;
    const bundle = this.options.bundles.get(fn.id);
    if (!bundle) throw new Error(`No bundle for ${fn.id}`);
    const number = (this.started.get(fn.id) ?? 0) + 1;
    this.started.set(fn.id, number);
    const caller = callerOf(fn.id, number);
    const made = new Environment(
      bundle,
      fn,
      this.environmentOf(fn, caller).all,
      this.options.endpoint,
      caller,
    );
    alive.push(made);
    this.byCaller.set(caller, made);
    return made;
  }

  /** Invocations running now, over every function. */
  running(): number {
    return [...this.environments.values()].flat().filter((e) => e.busy).length;
  }

  /** The invocation an environment (by its caller segment) is running now. */
  invocationOf(caller: string): string | undefined {
    return this.byCaller.get(caller)?.current;
  }

  private readonly queued = new InFlight();

  /**
   * An asynchronous invocation (Event): run after the caller's answer, a failed run retried as the template's
   * async configuration says (QUEUED_MAIL_RETRIES; the only function invoked so). The harness has no on-failure
   * destination: the last failure stays in the invocation's outcome.
   */
  queue(fn: CloudFunction, event: unknown, cause: InvocationCause): void {
    const run = async (retries: number): Promise<void> => {
      if (!(await this.invoke(fn, event, undefined, cause)).ok && retries > 0) await run(retries - 1);
    };
    this.queued.track(run(QUEUED_MAIL_RETRIES));
  }

  /** Waits until every queued invocation has run (its retries too). */
  settled(): Promise<void> {
    return this.queued.settled();
  }

  /** One synchronous invocation (RequestResponse), as Lambda runs it. */
  async invoke(
    fn: CloudFunction,
    event: unknown,
    requestId: string = randomUUID(),
    cause: InvocationCause = { kind: 'direct' },
    options: { clockOffsetMs?: number } = {},
  ): Promise<InvokeOutcome> {
    let env = this.environment(fn);
    while (!env) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(fn.id) ?? [];
        queue.push(resolve);
        this.waiting.set(fn.id, queue);
      });
      env = this.environment(fn);
    }
    const started = performance.now();
    env.busy = true;
    const invocationId = randomUUID();
    env.current = invocationId;
    const cold = !env.used;
    env.used = true;
    const logs: string[] = [];
    let outcome: InvokeOutcome;
    let cpu: InvocationCpu | undefined;
    try {
      const ready = await env.ready;
      if (cold) logs.push(...ready.logs);
      const deadline = Date.now() + fn.timeoutSeconds * 1000;
      const context = {
        awsRequestId: requestId,
        deadline,
        functionName: fn.name,
        invokedFunctionArn: fn.arn,
        memoryLimitInMB: fn.memorySize,
        logGroupName: fn.logGroup,
        logStreamName: this.environmentOf(fn).runtime.AWS_LAMBDA_LOG_STREAM_NAME,
        traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)};Parent=${randomUUID().replace(/-/g, '').slice(0, 16)};Sampled=1`,
        ...(options.clockOffsetMs ? { clockOffsetMs: options.clockOffsetMs } : {}),
        ...(this.profileDir ? { profileDir: this.profileDir } : {}),
      };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        // The init phase has its own 10 s in Lambda; the harness counts the handler's time only.
        timer = setTimeout(() => resolve('timeout'), fn.timeoutSeconds * 1000 + 2000);
      });
      const answer = await Promise.race([
        env.call(requestId, JSON.stringify(event ?? null), context),
        timeout,
      ]);
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (answer === 'timeout') {
        env.dead = 'timed out';
        await env.worker.terminate();
        outcome = {
          ok: false,
          errorType: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
          phase: 'timeout',
          cold,
          ms,
        };
      } else {
        logs.push(...answer.logs);
        cpu = answer.cpu;
        if (answer.error) {
          outcome = { ok: false, ...answer.error, cold, ms };
          if (answer.error.phase === 'init') {
            // Lambda retries the init on the next invocation, in a new environment.
            env.dead = 'init failed';
            void env.worker.terminate();
          }
        } else outcome = { ok: true, payload: answer.payload ?? 'null', cold, ms };
      }
    } finally {
      env.busy = false;
      env.current = undefined;
      this.waiting.get(fn.id)?.shift()?.();
    }
    this.options.onInvocation?.({
      functionId: fn.id,
      requestId,
      invocationId,
      caller: env.caller,
      cause,
      started,
      ended: performance.now(),
      ...(cpu ? { cpu } : {}),
      outcome,
      logs,
    });
    return outcome;
  }

  /** Starts an environment of the function (its init only): the init's outcome and the worker's variable names. */
  async warm(
    fn: CloudFunction,
  ): Promise<{ initError?: InvokeOutcomeError; initMs: number; logs: string[]; names: string[] }> {
    const env = this.environment(fn);
    if (!env) throw new Error(`${fn.id}: every environment is busy`);
    const ready = await env.ready;
    return { ...ready, names: await env.names() };
  }

  /** Ends a function's environments: the next invocation starts a new one (with its current environment). */
  async restart(functionId: string): Promise<void> {
    const list = this.environments.get(functionId) ?? [];
    this.environments.delete(functionId);
    await Promise.all(list.map((e) => e.worker.terminate()));
  }

  async stop(): Promise<void> {
    const all = [...this.environments.values()].flat();
    this.environments.clear();
    await Promise.all(all.map((e) => e.worker.terminate()));
  }
}
