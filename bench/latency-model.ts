// The latency model (issue 18): the expected p50 of each request and journey in AWS, warm and cold, from the
// remote-call census (bench/census-input.ts) and published per-call latencies of the services in one region.
// Pure: figures in, figures out. Every figure carries its source; where AWS publishes no latency (most
// services), the figure is an estimate and says why. docs/cost.md prints these tables (scripts/cost.ts).
import { type CensusRequest, cpuKey, type MeasuredCpu, requestKind } from './census-input.js';

export const REGION = 'us-east-1';

/** A latency figure: milliseconds at p50, where it comes from, and, for an estimate, why that number. */
export interface Figure {
  ms: number;
  source: string;
  /** Set when the figure is not a published measurement: the reasoning behind it. */
  estimate?: string;
}

const DDB_SLA =
  'AWS: DynamoDB "single-digit millisecond performance at any scale" (https://aws.amazon.com/dynamodb/, 2026-12)';
const NO_PUBLISHED = 'AWS publishes no per-call latency for this API';
const COGNITO_ISSUE =
  'aws/aws-sdk-js#3419 (https://github.com/aws/aws-sdk-js/issues/3419): from Lambda (Node.js), SignUp and InitiateAuth take 200–300 ms after the first call; AWS publishes no figure';

/**
 * p50 of one call from a warm Lambda (keep-alive connection, SDK v3) to the service in the same region, the
 * SDK's own serialisation at 512 MB included. Keys are `<IAM service prefix>:<Operation>`.
 */
export const CALL_P50: Readonly<Record<string, Figure>> = {
  'dynamodb:GetItem': {
    ms: 5,
    source: DDB_SLA,
    estimate:
      'the service answers a ≤4 KB strongly consistent read in 1–3 ms inside the region; the SDK round trip and a 0.29-vCPU Lambda add about as much again',
  },
  'dynamodb:Query': {
    ms: 6,
    source: DDB_SLA,
    estimate: 'as GetItem; a head query returns one small item (Limit 1)',
  },
  'dynamodb:BatchGetItem': {
    ms: 7,
    source: DDB_SLA,
    estimate: 'the items of one batch are read in parallel: the slowest of a few GetItems',
  },
  'dynamodb:PutItem': {
    ms: 7,
    source: DDB_SLA,
    estimate: 'a write is acknowledged after two of three replicas persist it: a few ms above a read',
  },
  'dynamodb:UpdateItem': { ms: 7, source: DDB_SLA, estimate: 'as PutItem' },
  'dynamodb:DeleteItem': { ms: 7, source: DDB_SLA, estimate: 'as PutItem' },
  'dynamodb:TransactWriteItems': {
    ms: 15,
    source:
      'AWS: DynamoDB transactions perform two underlying reads or writes of every item (prepare and commit) (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html)',
    estimate: 'two phases through a transaction coordinator: about twice a PutItem',
  },
  'kms:Sign': {
    ms: 15,
    source: NO_PUBLISHED,
    estimate:
      'an ECC_NIST_P256 signature inside the KMS HSM fleet plus the TLS round trip; asymmetric operations have request quotas of 300–1,000/s against 10,000+/s for symmetric ones (KMS request quotas), i.e. a heavier operation than Decrypt',
  },
  'kms:Verify': {
    ms: 15,
    source: NO_PUBLISHED,
    estimate: 'as Sign (rows are verified locally, with the cached public key)',
  },
  'kms:GetPublicKey': {
    ms: 8,
    source: NO_PUBLISHED,
    estimate: 'a key metadata read, cached for the container',
  },
  'kms:GenerateDataKey': {
    ms: 8,
    source: NO_PUBLISHED,
    estimate: 'a symmetric HSM operation and a round trip',
  },
  'kms:Decrypt': { ms: 8, source: NO_PUBLISHED, estimate: 'as GenerateDataKey' },
  'cognito-idp:AdminInitiateAuth': {
    ms: 200,
    source: COGNITO_ISSUE,
    estimate:
      'the low end of that report: the user pool verifies the password (a deliberately slow hash) and scores the attempt',
  },
  'cognito-idp:AdminRespondToAuthChallenge': {
    ms: 100,
    source: NO_PUBLISHED,
    estimate: 'a TOTP check and the issue of three signed tokens, without a password hash',
  },
  'cognito-idp:GetTokensFromRefreshToken': {
    ms: 90,
    source: NO_PUBLISHED,
    estimate: 'token validation, rotation of the refresh token and three signed tokens',
  },
  'cognito-idp:AdminGetUser': {
    ms: 40,
    source: NO_PUBLISHED,
    estimate: 'a directory read; user pool APIs answer in tens of ms, an order above DynamoDB',
  },
  'cognito-idp:AdminCreateUser': {
    ms: 200,
    source: COGNITO_ISSUE,
    estimate: 'as a sign-up in that report: a directory write with the password hash',
  },
  'cognito-idp:AdminSetUserPassword': {
    ms: 120,
    source: NO_PUBLISHED,
    estimate: 'a password hash and a write',
  },
  'lambda:Invoke': {
    ms: 15,
    source: NO_PUBLISHED,
    estimate:
      'a synchronous invoke of a warm function, the callee\u2019s own duration excluded (it is in the callee\u2019s calls and CPU): the Invoke front end, placement and the payload both ways',
  },
  'cognito-idp:AdminEnableUser': {
    ms: 60,
    source: NO_PUBLISHED,
    estimate: 'a directory write without a hash',
  },
  'cognito-idp:AdminDisableUser': {
    ms: 60,
    source: NO_PUBLISHED,
    estimate: 'a directory write without a hash',
  },
  'cognito-idp:RevokeToken': { ms: 60, source: NO_PUBLISHED, estimate: 'a token store write' },
  'cognito-idp:AssociateSoftwareToken': {
    ms: 60,
    source: NO_PUBLISHED,
    estimate: 'a secret generated and stored',
  },
  'cognito-idp:VerifySoftwareToken': { ms: 60, source: NO_PUBLISHED, estimate: 'a TOTP check and a write' },
  'cognito-idp:SetUserMFAPreference': { ms: 60, source: NO_PUBLISHED, estimate: 'a directory write' },
  'pwnedpasswords:GetRange': {
    ms: 40,
    source:
      'Have I Been Pwned range API (https://haveibeenpwned.com/API/v3#SearchingPwnedPasswordsByRange), served from a CDN; no published latency',
    estimate:
      'an HTTPS request to the nearest CDN edge from the region; not an AWS call and not billed by AWS',
  },
  'sqs:SendMessage': { ms: 15, source: NO_PUBLISHED, estimate: 'a durable enqueue in the region' },
  'states:StartExecution': {
    ms: 30,
    source: NO_PUBLISHED,
    estimate: 'a Standard workflow execution is durably recorded before the call returns',
  },
  'states:SendTaskSuccess': {
    ms: 25,
    source: NO_PUBLISHED,
    estimate: 'as StartExecution: a durable history event',
  },
  'ses:SendEmail': {
    ms: 50,
    source: NO_PUBLISHED,
    estimate: 'SES accepts the message (content checks, queueing) before answering; delivery is later',
  },
  'sns:Publish': {
    ms: 60,
    source: NO_PUBLISHED,
    estimate: 'an SMS publish goes through AWS End User Messaging SMS (origination identity, spend checks)',
  },
  's3:GetObject': {
    ms: 25,
    source:
      'AWS: S3 performance guidelines (https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance-guidelines.html) describe tail latency and retries, not a p50',
    estimate: 'first byte of a small object in the same region',
  },
  's3:PutObject': { ms: 35, source: NO_PUBLISHED, estimate: 'a durable multi-AZ write of a small object' },
  'secretsmanager:GetSecretValue': {
    ms: 20,
    source: NO_PUBLISHED,
    estimate: 'a KMS decrypt behind a regional API; cached per container by the handlers',
  },
  'events:PutEvents': { ms: 20, source: NO_PUBLISHED, estimate: 'a regional API that persists the event' },
  'scheduler:CreateSchedule': { ms: 40, source: NO_PUBLISHED, estimate: 'a control-plane write' },
};

/** An operation the table does not name: the service's typical call. */
const SERVICE_DEFAULT: Readonly<Record<string, Figure>> = {
  dynamodb: { ms: 7, source: DDB_SLA, estimate: 'an unnamed DynamoDB operation: as a write' },
  kms: { ms: 15, source: NO_PUBLISHED, estimate: 'an unnamed KMS operation: as Sign' },
  'cognito-idp': { ms: 60, source: NO_PUBLISHED, estimate: 'an unnamed user pool operation' },
};

const UNKNOWN: Figure = { ms: 30, source: NO_PUBLISHED, estimate: 'an operation this table does not know' };

export function callP50(operation: string): Figure {
  return CALL_P50[operation] ?? SERVICE_DEFAULT[operation.split(':')[0] ?? ''] ?? UNKNOWN;
}

/** What API Gateway and Lambda add around the calls. */
export const PLATFORM = {
  apiGatewayRest: {
    ms: 12,
    source:
      'AWS: the REST API metrics Latency − IntegrationLatency (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html) is the gateway\u2019s own share',
    estimate:
      'that difference is commonly 5–20 ms for a Lambda proxy integration with WAF attached; the public internet to the region is not counted',
  } satisfies Figure,
  gatewayToLambda: {
    ms: 10,
    source: NO_PUBLISHED,
    estimate:
      'API Gateway\u2019s invoke of a warm function (route or TOKEN authorizer), the function\u2019s duration excluded',
  } satisfies Figure,
  stateTransition: {
    ms: 25,
    source: NO_PUBLISHED,
    estimate: 'a Standard workflow records every state in its durable history before the next one starts',
  } satisfies Figure,
  /** Cold: the sandbox and the Node.js runtime, before the bundle is imported. */
  runtimeInit: {
    ms: 130,
    source:
      'lambda-perf (https://maxday.github.io/lambda-perf/), a daily cold-start benchmark of a hello-world function per runtime: Node.js on arm64 reports an Init Duration of about 120–150 ms',
  } satisfies Figure,
  sandbox: {
    ms: 60,
    source:
      'AWS Compute Blog, "Understanding and Remediating Cold Starts: An AWS Lambda Perspective" (2024): placement and the microVM come before Init Duration and are not in it',
    estimate: 'the part of a cold start the Init Duration does not report',
  } satisfies Figure,
  /** Cold: a new TLS connection to each service the function calls, on its first request. */
  tlsConnection: {
    ms: 15,
    source: NO_PUBLISHED,
    estimate:
      'TCP and a TLS 1.3 handshake in the region (two round trips) plus certificate checks at 0.29 vCPU',
  } satisfies Figure,
  /** Lambda gives a function CPU in proportion to its memory: one full vCPU at 1,769 MB. */
  fullVcpuMb: {
    ms: 1769,
    source:
      'AWS Lambda docs, "Configure Lambda function memory": at 1,769 MB a function has the equivalent of one vCPU (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html)',
  } satisfies Figure,
  /** Graviton2 (Lambda arm64) against one core of the machine the bench measured on. */
  armVsBenchCore: {
    ms: 1.3,
    source: 'a ratio, not ms',
    estimate:
      'a Graviton2 core runs single-threaded Node.js about 1.2–1.4× slower than a recent x86 server core; a stated factor until the bench runs in Lambda',
  } satisfies Figure,
};

/** Handler CPU of one invocation when the bench measured none (the issue's goal: ≤ 10 ms per request). */
export const DEFAULT_CPU_MS: Figure = {
  ms: 5,
  source: 'default',
  estimate:
    'half the issue\u2019s goal of 10 ms per request on one core, until bench/.out/census-measured.json exists',
};

/**
 * Handler CPU measured apart for functions whose work is deliberately slow (bench-machine ms), used when the
 * bench's measured census does not have the function.
 */
export const KNOWN_CPU_MS: Readonly<Record<string, Figure>> = {
  CheckDuress: {
    ms: 65,
    source:
      'docs/benchmarks.md, Login (A1–A9): the duress argon2id (19 MiB, t=2) measured apart at ~65 ms on the bench machine (2026-11-23)',
  },
};

/**
 * Bundle import (init) time on the bench machine as a function of the minified size: a least-squares line
 * through docs/benchmarks.md (2026-12-04: 138 KB → 75 ms, 391 KB → 129 ms, 581 KB → 153 ms).
 */
export const IMPORT_FIT = { baseMs: 51, msPerKb: 0.176 } as const;

export const DEFAULT_BUNDLE_KB = 450;

/** The share of a vCPU a function of this memory gets (capped at one core: handlers are single-threaded). */
export function vcpuShare(memoryMb: number): number {
  return Math.min(1, memoryMb / PLATFORM.fullVcpuMb.ms);
}

/** Bench-machine CPU ms → wall ms in a Lambda of this memory on arm64. */
export function lambdaCpuMs(benchCpuMs: number, memoryMb: number): number {
  return (benchCpuMs * PLATFORM.armVsBenchCore.ms) / vcpuShare(memoryMb);
}

/**
 * The bundle's import in a cold Lambda: the bench machine's fit × the arm64 factor, at a full vCPU whatever the
 * memory. An estimate: AWS documents no CPU share for the INIT phase; cold starts measured in the open do not
 * grow as memory shrinks the way invocations do (e.g. the Momento write-up: 256, 512 and 1,024 MB gave the same
 * cold start), which points to an unthrottled init. At the invocation's share (0.29 vCPU at 512 MB) it would
 * take 3.5× longer.
 */
export function importMs(bundleKb: number): number {
  return (IMPORT_FIT.baseMs + IMPORT_FIT.msPerKb * bundleKb) * PLATFORM.armVsBenchCore.ms;
}

export interface ModelInputs {
  /** Measured handler CPU (bench machine ms), when the bench wrote it. */
  measured?: MeasuredCpu;
  /** Minified bundle size per function id (KB), when known. */
  bundleKb?: ReadonlyMap<string, number>;
}

/** The p50 of the request's remote calls, weighted by how often each is made. */
export function meanCallMs(calls: Readonly<Record<string, number>>): number {
  let total = 0;
  let n = 0;
  for (const [operation, count] of Object.entries(calls)) {
    total += callP50(operation).ms * count;
    n += count;
  }
  return n === 0 ? 0 : total / n;
}

/** Σ of every call's p50: what the request would wait if nothing ran in parallel. */
export function serialCallMs(calls: Readonly<Record<string, number>>): number {
  return Object.entries(calls).reduce((sum, [operation, count]) => sum + callP50(operation).ms * count, 0);
}

/**
 * The remote-wait time of the critical path: its depth times the mean call of the request's mix, never more
 * than all the calls one after the other.
 */
export function chainMs(request: Pick<CensusRequest, 'calls' | 'criticalPath'>): number {
  return Math.min(request.criticalPath * meanCallMs(request.calls), serialCallMs(request.calls));
}

/**
 * The CPU (bench ms) of one invocation: measured at its place, else that function's median in the run, else a
 * figure measured apart (KNOWN_CPU_MS), else the default.
 */
export function benchCpuMs(
  journey: string,
  request: Pick<CensusRequest, 'request' | 'functions'>,
  index: number,
  inputs: ModelInputs,
): { ms: number; measured: boolean } {
  const fn = request.functions[index];
  const exact = inputs.measured?.exact.get(cpuKey(journey, request.request, index));
  if (exact !== undefined) return { ms: exact, measured: true };
  const median = fn ? inputs.measured?.byFunction.get(fn.id) : undefined;
  if (median !== undefined) return { ms: median, measured: true };
  const known = fn ? KNOWN_CPU_MS[fn.id] : undefined;
  if (known) return { ms: known.ms, measured: true };
  return { ms: DEFAULT_CPU_MS.ms, measured: false };
}

export interface RequestLatency {
  request: string;
  kind: ReturnType<typeof requestKind>;
  /** Gateway overhead (the gateway itself and its invoke of each function it starts) or state transitions (workflows). */
  platformMs: number;
  /** The critical path's remote waits. */
  chainMs: number;
  /**
   * Handler CPU of every invocation, as wall time in its Lambda, added up: a conservative sum, since a function
   * invoked beside a remote call (the duress check beside the password check) overlaps it.
   */
  cpuMs: number;
  /** Handler CPU of the queued invocations (after the answer): billed, not waited for. */
  queuedCpuMs: number;
  warmMs: number;
  /** Added when the functions the request starts (authorizer and route, or the first task) start cold. */
  coldExtraMs: number;
  coldMs: number;
  /** Added when every function of the request starts cold (the worst case). */
  allColdExtraMs: number;
  /** Whether every CPU figure was measured (else the default stood in for some). */
  cpuMeasured: boolean;
}

/** The cold-start penalty of one function: sandbox, runtime, bundle import, first TLS connections. */
export function coldStartMs(bundleKb: number, services: number): number {
  return (
    PLATFORM.sandbox.ms + PLATFORM.runtimeInit.ms + importMs(bundleKb) + services * PLATFORM.tlsConnection.ms
  );
}

/** An authorizer by its catalogue id (UserAuthorizer, AdminAuthorizer). */
export const isAuthorizer = (functionId: string) => functionId.endsWith('Authorizer');

/**
 * The positions of the functions the request itself starts: for a route, API Gateway's authorizer(s) and the
 * route's function (the first function that is not an authorizer); for an authorizer request, itself; for a
 * workflow, its first task. The others are invoked by these (nested) or are later tasks.
 */
export function entryFunctions(request: Pick<CensusRequest, 'request' | 'functions'>): number[] {
  if (request.functions.length === 0) return [];
  if (requestKind(request) === 'workflow') return [0];
  const entries: number[] = [];
  for (const [index, fn] of request.functions.entries()) {
    entries.push(index);
    if (!isAuthorizer(fn.id)) break;
  }
  return entries;
}

export function requestLatency(
  journey: string,
  request: CensusRequest,
  inputs: ModelInputs = {},
): RequestLatency {
  const kind = requestKind(request);
  const entries = entryFunctions(request);
  const platformMs =
    kind === 'workflow'
      ? request.transitions * PLATFORM.stateTransition.ms
      : (kind === 'route' ? PLATFORM.apiGatewayRest.ms : 0) + entries.length * PLATFORM.gatewayToLambda.ms;
  let cpuMs = 0;
  let queuedCpuMs = 0;
  let cpuMeasured = true;
  request.functions.forEach((fn, index) => {
    const cpu = benchCpuMs(journey, request, index, inputs);
    cpuMeasured &&= cpu.measured;
    // A queued invocation (a login's email) runs after the answer: nobody waits for its CPU.
    if (fn.queued) queuedCpuMs += lambdaCpuMs(cpu.ms, fn.memoryMb);
    else cpuMs += lambdaCpuMs(cpu.ms, fn.memoryMb);
  });
  const services = new Set(Object.keys(request.calls).map((op) => op.split(':')[0]));
  const perFunctionServices = Math.max(1, Math.ceil(services.size / Math.max(1, request.functions.length)));
  const colds = request.functions.map((fn) =>
    coldStartMs(inputs.bundleKb?.get(fn.id) ?? DEFAULT_BUNDLE_KB, perFunctionServices),
  );
  const coldExtraMs = entries.reduce((sum, index) => sum + (colds[index] ?? 0), 0);
  const allColdExtraMs = colds.reduce((a, b) => a + b, 0);
  const chain = chainMs(request);
  const warmMs = platformMs + chain + cpuMs;
  return {
    request: request.request,
    kind,
    platformMs,
    chainMs: chain,
    cpuMs,
    queuedCpuMs,
    warmMs,
    coldExtraMs,
    coldMs: warmMs + coldExtraMs,
    allColdExtraMs,
    cpuMeasured,
  };
}

export interface JourneyLatency {
  id: string;
  requests: RequestLatency[];
  /** What the user waits: every route and authorizer request in turn (workflows run after the answer). */
  userWarmMs: number;
  userColdMs: number;
  /** Every function of every user-facing request cold. */
  userAllColdMs: number;
  /** The asynchronous work the journey starts (workflows), end to end. */
  asyncWarmMs: number;
  /** The deepest critical path among the journey's user-facing requests. */
  maxCriticalPath: number;
}

export function journeyLatency(
  id: string,
  journey: { requests: readonly CensusRequest[] },
  inputs: ModelInputs = {},
): JourneyLatency {
  const requests = journey.requests.map((r) => requestLatency(id, r, inputs));
  const user = requests.filter((r) => r.kind !== 'workflow');
  return {
    id,
    requests,
    userWarmMs: user.reduce((s, r) => s + r.warmMs, 0),
    userColdMs: user.reduce((s, r) => s + r.coldMs, 0),
    userAllColdMs: user.reduce((s, r) => s + r.warmMs + r.allColdExtraMs, 0),
    asyncWarmMs: requests.filter((r) => r.kind === 'workflow').reduce((s, r) => s + r.warmMs, 0),
    maxCriticalPath: Math.max(
      0,
      ...journey.requests.filter((r) => requestKind(r) !== 'workflow').map((r) => r.criticalPath),
    ),
  };
}

/** One cell of the cold-start table: a bundle of this size in a function of this memory. */
export interface ColdStartCell {
  bundleKb: number;
  memoryMb: number;
  /** The model: sandbox + runtime + import at a full vCPU + one TLS connection. */
  coldMs: number;
  /** The same if INIT ran at the invocation's share of a vCPU (the pessimistic reading). */
  throttledMs: number;
  /** What 5 ms of bench-machine handler CPU takes warm at this memory. */
  warmCpuMs: number;
}

export function coldStartTable(
  bundles: readonly number[] = [150, 350, 500, 600],
  memories: readonly number[] = [512, 1024, 1769],
): ColdStartCell[] {
  return bundles.flatMap((bundleKb) =>
    memories.map((memoryMb) => {
      const coldMs = coldStartMs(bundleKb, 1);
      return {
        bundleKb,
        memoryMb,
        coldMs,
        throttledMs: coldMs - importMs(bundleKb) + importMs(bundleKb) / vcpuShare(memoryMb),
        warmCpuMs: lambdaCpuMs(DEFAULT_CPU_MS.ms, memoryMb),
      };
    }),
  );
}
