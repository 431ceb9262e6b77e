// One Lambda execution environment in a worker thread: process.env is exactly what the harness hands the
// worker (the template's variables, the Lambda runtime's, the harness plumbing), the production bundle is
// imported once (init), and each message is one invocation of its `handler` with a Lambda context.
//
// Harness plumbing in here, none of it in the bundle:
// - stdout/stderr are captured per invocation (the function's CloudWatch log lines);
// - node:https is guarded: Cognito's JWKS URL (derived from the pool id, no endpoint setting) and SQS's
//   QueueUrl host (the SQS client sends to the queue URL's host) are sent to the harness; any other request
//   to *.amazonaws.com is sent there too and reported as a call that escaped its endpoint variable. Nothing
//   leaves the machine.
import { readFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { bundle, functionId, endpoint } = workerData;

// A test's clock for one invocation (`invokeFunction(id, event, { clockOffsetMs })`): the bundle's `new Date()`
// and `Date.now()` run that far ahead during it, as a scheduled function would run years later (F5's sweep).
const RealDate = Date;
let clockOffsetMs = 0;
globalThis.Date = class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + clockOffsetMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + clockOffsetMs;
  }
};
/** The environment as the worker received it, before any code of the bundle ran. */
const initialNames = Object.keys(process.env).sort();
const require = createRequire(import.meta.url);

let lines = [];
const capture = (stream) => {
  stream.write = (chunk, encoding, callback) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  };
};
capture(process.stdout);
capture(process.stderr);

const http = require('node:http');
const https = require('node:https');
const harness = new URL(endpoint);
const AWS_HOST = /^([a-z0-9-]+)\.([a-z0-9-]+)\.amazonaws\.com$/;
const S3_HOST = /^(?:[a-z0-9.-]+\.)?s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com$/;

/** The harness path of a request to an AWS host: `/<function>/<service>/<original path>`. */
function reroute(hostname, path) {
  const [, service] = AWS_HOST.exec(hostname) ?? [];
  if (service === 'cognito-idp' && /\/\.well-known\/jwks\.json$/.test(path))
    return `/${functionId}/jwks${path}`;
  if (service === 'sqs') return `/${functionId}/sqs${path}`;
  // S3 virtual-host style (`<bucket>.s3.<region>.amazonaws.com`): the S3 service reads the bucket from Host.
  if (S3_HOST.test(hostname)) return `/${functionId}/s3${path}`;
  return `/${functionId}/escaped/${hostname}${path}`;
}

function guarded(original) {
  return function request(...args) {
    let url;
    let options = {};
    if (typeof args[0] === 'string' || args[0] instanceof URL) {
      url = new URL(args[0]);
      if (args[1] && typeof args[1] === 'object') options = args[1];
    } else options = args[0] ?? {};
    const callback = args.find((a) => typeof a === 'function');
    const hostname = url?.hostname ?? options.hostname ?? String(options.host ?? '').replace(/:\d+$/, '');
    if (!AWS_HOST.test(hostname) && !S3_HOST.test(hostname)) return original(...args);
    const path = url ? `${url.pathname}${url.search}` : (options.path ?? '/');
    const {
      agent: _agent,
      protocol: _protocol,
      host: _host,
      hostname: _hostname,
      port: _port,
      ...rest
    } = options;
    return http.request(
      {
        ...rest,
        protocol: 'http:',
        hostname: harness.hostname,
        port: harness.port,
        path: reroute(hostname, path),
        headers: { ...(options.headers ?? {}), host: hostname },
      },
      callback,
    );
  };
}
https.request = guarded(https.request);
// F1: the KYC verification provider is an external https service whose URL is in a Secrets Manager secret; the
// harness's secret names it on a `.invalid` host, and the bundle's fetch to such a host goes to the harness's
// provider stand-in (services/kyc-provider.ts) instead of the network.
const originalFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (!url.hostname.endsWith('.invalid')) return originalFetch(input, init);
  const target = `${harness.origin}/${functionId}/kycprovider/${url.hostname}${url.pathname}${url.search}`;
  return originalFetch(target, init);
};
https.get = (...args) => {
  const req = https.request(...args);
  req.end();
  return req;
};
syncBuiltinESMExports();

// The census (bench/census.ts): this thread's own CPU time, from the kernel's per-thread scheduler
// statistics (nanoseconds on a CPU), so neither the emulators (other threads) nor the time this thread waited
// for a core count. WebAssembly runs on this thread: the duress argon2id (hash-wasm) is the only WebAssembly
// in the bundles, and its exports are timed the same way, so the password hash can be taken out.
// node ≥ 23.9's process.threadCpuUsage() (getrusage of this thread, microseconds) first: one syscall, where
// reading the schedstat file is an open, a read and a close (~60–150 µs each, and hash-wasm's argon2id calls
// its exports dozens of times per hash: that timing alone once made up most of CheckDuress's measured CPU).
const SCHEDSTAT = '/proc/thread-self/schedstat';
let schedstat = true;
const threadCpuNs = () => {
  if (typeof process.threadCpuUsage === 'function') {
    const { user, system } = process.threadCpuUsage();
    return (user + system) * 1000;
  }
  if (!schedstat) return 0;
  try {
    return Number(readFileSync(SCHEDSTAT, 'latin1').split(' ')[0]);
  } catch {
    schedstat = false;
    return 0;
  }
};
let wasmNs = 0;
let wasmDepth = 0;
const timedExports = (instance) => {
  const wrapped = {};
  for (const [name, value] of Object.entries(instance.exports)) {
    wrapped[name] =
      typeof value === 'function'
        ? (...args) => {
            if (wasmDepth++ > 0) return value(...args);
            const started = threadCpuNs();
            try {
              return value(...args);
            } finally {
              wasmDepth--;
              wasmNs += threadCpuNs() - started;
            }
          }
        : value;
  }
  return { exports: wrapped };
};
const instantiate = WebAssembly.instantiate.bind(WebAssembly);
WebAssembly.instantiate = async (source, imports) => {
  const made = await instantiate(source, imports);
  return made instanceof WebAssembly.Instance
    ? timedExports(made)
    : { module: made.module, instance: timedExports(made.instance) };
};

let handler;
let initError;
const initStarted = performance.now();
try {
  const module = await import(pathToFileURL(bundle).href);
  handler = module.handler;
  if (typeof handler !== 'function') {
    initError = {
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'index.handler is undefined or not exported',
    };
  }
} catch (err) {
  initError = {
    errorType: err?.name ?? 'Error',
    errorMessage: String(err?.message ?? err),
    trace: String(err?.stack ?? '').split('\n'),
  };
}
const initMs = performance.now() - initStarted;
const drain = () => {
  const out = lines;
  lines = [];
  return out;
};
parentPort.postMessage({ type: 'ready', initError, initMs, logs: drain() });

// An invocation's V8 CPU profile, on request (the harness's `profileDir`): the inspector of this thread,
// sampling every 100 µs from just before the handler to just after it.
let profiler;
const post = (method, params) =>
  new Promise((resolve, reject) =>
    profiler.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
  );
async function startProfile() {
  if (!profiler) {
    const { Session } = await import('node:inspector');
    profiler = new Session();
    profiler.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 100 });
  }
  await post('Profiler.start');
  profiling = true;
}
// Stops the profile once: the failure path must not stop it again when the success path's write failed.
let profiling = false;
async function stopProfile(dir, requestId) {
  if (!profiling) return undefined;
  profiling = false;
  const { profile } = await post('Profiler.stop');
  const file = `${dir}/${functionId}.${requestId}.${Date.now()}.cpuprofile`;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

parentPort.on('message', async (message) => {
  // Harness introspection: the names of the variables this environment holds.
  if (message.type === 'env') {
    parentPort.postMessage({ type: 'env', names: initialNames });
    return;
  }
  if (message.type !== 'invoke') return;
  const { id, event, context: facts } = message;
  if (initError) {
    parentPort.postMessage({ type: 'result', id, error: { ...initError, phase: 'init' }, logs: drain() });
    return;
  }
  process.env._X_AMZN_TRACE_ID = facts.traceId;
  clockOffsetMs = facts.clockOffsetMs ?? 0;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: facts.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: facts.invokedFunctionArn,
    memoryLimitInMB: String(facts.memoryLimitInMB),
    awsRequestId: facts.awsRequestId,
    logGroupName: facts.logGroupName,
    logStreamName: facts.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, facts.deadline - RealDate.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  if (facts.profileDir) await startProfile();
  const cpuStart = threadCpuNs();
  const wasmStart = wasmNs;
  const elu = performance.eventLoopUtilization();
  const usage = () => ({
    cpuMs: (threadCpuNs() - cpuStart) / 1e6,
    hashMs: (wasmNs - wasmStart) / 1e6,
    activeMs: performance.eventLoopUtilization(elu).active,
    measured: schedstat ? 'thread' : 'none',
  });
  try {
    const result = await handler(JSON.parse(event), context).finally(() => {
      clockOffsetMs = 0;
    });
    const cpu = usage();
    if (facts.profileDir) cpu.profile = await stopProfile(facts.profileDir, facts.awsRequestId);
    parentPort.postMessage({
      type: 'result',
      id,
      payload: JSON.stringify(result ?? null),
      logs: drain(),
      cpu,
    });
  } catch (err) {
    // A failed invocation is profiled as a successful one: a workflow's retried task (a hold not yet over)
    // fails by design, and a profiler left running would also swallow the next invocation's samples.
    const cpu = usage();
    if (facts.profileDir) cpu.profile = await stopProfile(facts.profileDir, facts.awsRequestId);
    parentPort.postMessage({
      type: 'result',
      id,
      error: {
        errorType: err?.name ?? 'Error',
        errorMessage: String(err?.message ?? err),
        trace: String(err?.stack ?? '').split('\n'),
        phase: 'invoke',
      },
      logs: drain(),
      cpu,
    });
  }
});
