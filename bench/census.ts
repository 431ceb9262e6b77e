// Issue 18's remote-call census and handler CPU, measured on the deployed artifact: the journeys that matter
// run through the cloud harness (test/cloud/harness, docs/cloud-fidelity.md) — each function's production
// bundle in its own worker thread, with the template's environment and role — and the harness's endpoint
// records every AWS call with the environment (so the invocation) that made it and when it started and
// ended. Per HTTP request (and per workflow it started) that gives, exactly: the calls per
// "<service>:<Operation>", the Lambda invocations (authorizer, invoked functions, task states), the Step
// Functions transitions, the critical path (the longest chain of calls each waiting on the one before, an
// invoke counting with the chain inside the invoked function), and the CPU each invocation's own thread spent
// (lambda-worker.mjs: the thread's scheduler time, so neither dynalite nor the emulators, which run on other
// threads, nor the waits for a core count; the duress argon2id, WebAssembly on that thread, taken out).
//
// The counts (no timings) are bench/census.json, which test/cloud/census.test.ts holds the journeys to;
// `npx tsx bench/census-run.ts --update` rewrites it. The timings go to bench/.out/census-measured.json.
import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  adminOf,
  expectStatus,
  freshCode,
  person,
  type TestUser,
  type TotpHolder,
} from '../test/cloud/harness/client.js';
import { CloudHarness } from '../test/cloud/harness/cloud.js';
import type { CallRecord } from '../test/cloud/harness/endpoints.js';
import type { InvocationRecord } from '../test/cloud/harness/lambda-runtime.js';
import { openLink, pressButton } from '../test/support/email-links.js';
import { attribute } from './cpu-attribution.js';
import { median } from './init-time.js';

export const CENSUS_FILE = join(import.meta.dirname, 'census.json');
export const MEASURED_FILE = join(import.meta.dirname, '.out', 'census-measured.json');
export const UPDATE_COMMAND = 'npx tsx bench/census-run.ts --update';

/** The floor of every emulated call's answer time during a census (endpoints.ts, minLatencyMs). */
export const MIN_LATENCY_MS = 200;

export interface CensusFunction {
  id: string;
  memoryMb: number;
  /**
   * Run from an asynchronous invocation (a login's queued email), or invoked by one: off the request's path,
   * nobody waits for it (the latency model leaves its CPU out; it is billed all the same).
   */
  queued?: boolean;
}
export interface CensusRequest<F extends CensusFunction = CensusFunction> {
  request: string;
  functions: F[];
  calls: Record<string, number>;
  criticalPath: number;
  transitions: number;
}
export interface Census<F extends CensusFunction = CensusFunction> {
  journeys: Record<string, { title: string; requests: CensusRequest<F>[] }>;
}
export interface MeasuredFunction extends CensusFunction {
  /** The handler's CPU on its own thread, the password hash taken out. */
  cpuMs: number;
  /** The WebAssembly password hash (argon2id) the handler computed, not in cpuMs. */
  hashMs: number;
  /** The invocation's time as Lambda bills it here (init of a cold one included). */
  wallMs: number;
  cold: boolean;
  /**
   * Of cpuMs, the handler's own work without its AWS calls (SDK, signing, HTTP): what in-memory adapters
   * would leave. From a profiled pass (`--profile`, bench/cpu-attribution.ts); absent without one.
   */
  handlerMs?: number;
  /** Of cpuMs, the password-strength estimate (zxcvbn, a new password's A1 check), from the same profile. */
  strengthMs?: number;
  /**
   * Of cpuMs, the password hash's JavaScript (hash-wasm around its WebAssembly: Argon2's H', the modules'
   * instantiation), from the same profile: password work like hashMs, which only times the WebAssembly.
   */
  hashJsMs?: number;
  /** The CPU profile of this invocation (profiled pass only; not written out). */
  profile?: string;
}
export interface MeasuredCensus extends Census<MeasuredFunction> {
  machine: {
    node: string;
    date: string;
    minLatencyMs: number;
    warmPasses?: number;
    /** Measured passes: each invocation's CPU is the median of its counterparts in them. */
    measuredPasses?: number;
    /** Profiled passes: each invocation's split is the mean of its counterparts' in them. */
    profiledPasses?: number;
  };
  /** CPU microseconds of one ECDSA P-256 verify in the same run. */
  ecdsaUs: number;
}

/** The recorded window of one HTTP request: its calls, invocations and transitions, and async work it left. */
interface Step {
  journey: string;
  label: string;
  calls: CallRecord[];
  invocations: InvocationRecord[];
  transitions: { workflow: string; at: number }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until no call is in flight and nothing new was recorded for a while (the async work it left is done). */
async function quiet(h: CloudHarness, settleMs = 60, maxMs = 20_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = -1;
  while (Date.now() < deadline) {
    const now = h.calls.length + h.invocations.length + h.states.transitions.length;
    const inFlight =
      h.lambda.running() > 0 || h.calls.some((c) => c.started !== undefined && c.ended === undefined);
    if (now === last && !inFlight) return;
    last = now;
    await sleep(settleMs);
  }
}

class Recorder {
  readonly steps: Step[] = [];
  constructor(
    private readonly h: CloudHarness,
    private readonly recording: boolean,
  ) {}

  /** Runs one HTTP request of a journey (or untracked set-up when journey is empty) and records its window. */
  async step<T>(journey: string, label: string, run: () => Promise<T>): Promise<T> {
    const { h } = this;
    await quiet(h);
    const from = {
      calls: h.calls.length,
      invocations: h.invocations.length,
      transitions: h.states.transitions.length,
    };
    const result = await run();
    await quiet(h);
    if (this.recording && journey)
      this.steps.push({
        journey,
        label,
        calls: h.calls.slice(from.calls),
        invocations: h.invocations.slice(from.invocations),
        transitions: h.states.transitions.slice(from.transitions),
      });
    return result;
  }
}

const sixDigits = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? '';

export const JOURNEYS: Record<string, string> = {
  signup: 'A1 sign-up and its verification (emailed and texted codes)',
  'login-new-device': 'A6 A7 first login of a device: password, emailed code, device link',
  me: 'GET /v1/me behind the user authorizer',
  'totp-enrolment': 'A2 TOTP enrolment (a security change: the security-hold workflow)',
  'login-password-totp': 'A2 login with password and TOTP',
  refresh: 'A8 token refresh',
  address: 'C1 a withdrawal address and its emailed confirmation',
  withdrawal: 'C2 C3 a withdrawal request and its workflow',
  'admin-approval': 'D2 an admin request and its two approvals (admin-approval workflow, executor)',
};

/** One pass of every journey, as a fresh user and fresh admins. */
async function journeys(h: CloudHarness, r: Recorder, pass: number): Promise<void> {
  const user: TestUser = person(`census${pass}`);
  const source = `127.0.0.${60 + pass}`;
  const device = `device-census-${pass}0001`;
  const authenticator: TotpHolder = { totpSecret: '' };

  // A1 sign-up
  const started = await r.step('signup', 'POST /v1/auth/signup', () =>
    h.call('POST', '/v1/auth/signup', user, { source }),
  );
  expectStatus(started, 201);
  const emailCode = sixDigits(await h.mailText(user.email, /verify your email/i));
  const phoneCode = sixDigits(
    h.sms
      .list()
      .filter((m) => m.to === user.phone)
      .at(-1)?.text ?? '',
  );
  expectStatus(
    await r.step('signup', 'POST /v1/auth/signup/verify', () =>
      h.call('POST', '/v1/auth/signup/verify', { signupId: started.body.signupId, emailCode, phoneCode }),
    ),
    200,
  );

  // A6 A7 the first login of the device
  const login = await r.step('login-new-device', 'POST /v1/auth/login', () =>
    h.call(
      'POST',
      '/v1/auth/login',
      { username: user.username, password: user.password, deviceId: device },
      { source },
    ),
  );
  expectStatus(login, 200);
  const loginId = login.body.loginId;
  if (login.body.challenge === 'ip-code') {
    const code = sixDigits(await h.mailText(user.email, /login code/i));
    await r.step('login-new-device', 'POST /v1/auth/challenge (emailed code)', () =>
      h.call('POST', '/v1/auth/challenge', { loginId, challenge: 'ip-code', code }, { source }),
    );
  }
  const link = linkOf(await h.mailText(user.email, /new device/i), '/v1/auth/device-links/');
  const page = await r.step('login-new-device', 'GET /v1/auth/device-links/{token}', () => openLink(link));
  await r.step('login-new-device', 'POST /v1/auth/device-links/{token}', () => pressButton(page));
  const done = await r.step('login-new-device', 'POST /v1/auth/challenge (device link)', () =>
    h.call('POST', '/v1/auth/challenge', { loginId, challenge: 'device-confirmation' }, { source }),
  );
  expectStatus(done, 200);
  let token = (done.body.tokens as { accessToken: string }).accessToken;

  // GET /v1/me (the user authorizer in front)
  const me = await r.step('me', 'GET /v1/me', () => h.call('GET', '/v1/me', undefined, { token, source }));
  expectStatus(me, 200);
  const userId = me.body.userId as string;

  // C1 an address, C2 C3 a withdrawal (before the TOTP enrolment, whose security hold stops withdrawals)
  const added = await r.step('address', 'POST /v1/me/addresses', () =>
    h.call(
      'POST',
      '/v1/me/addresses',
      { asset: 'BTC', address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', label: 'cold wallet' },
      { token, source },
    ),
  );
  expectStatus(added, 201);
  const addressId = (added.body.address as { addressId: string }).addressId;
  const confirm = linkOf(await h.mailText(user.email, /withdrawal address/i), '/v1/addresses/confirm/');
  const confirmPage = await r.step('address', 'GET /v1/addresses/confirm/{token}', () => openLink(confirm));
  await r.step('address', 'POST /v1/addresses/confirm/{token}', () => pressButton(confirmPage));
  await r.step('', 'set-up', () =>
    h.invokeFunction('SetTravelRulePrices', { prices: [{ asset: 'BTC', fiat: 'EUR', price: '50000' }] }),
  );
  const withdrawal = await r.step('withdrawal', 'POST /v1/me/withdrawals', () =>
    h.call(
      'POST',
      '/v1/me/withdrawals',
      { asset: 'BTC', amount: '0.0150', addressId, password: user.password },
      { token, source, headers: { 'idempotency-key': `census-${pass}-${Date.now().toString(36)}` } },
    ),
  );
  expectStatus(withdrawal, 202);

  // A2 TOTP enrolment, then a login with password and TOTP
  const enrol = await r.step('totp-enrolment', 'POST /v1/me/mfa/totp', () =>
    h.call('POST', '/v1/me/mfa/totp', undefined, { token, source }),
  );
  expectStatus(enrol, 200);
  authenticator.totpSecret = enrol.body.secret as string;
  const totpCode = await freshCode(authenticator);
  expectStatus(
    await r.step('totp-enrolment', 'POST /v1/me/mfa/totp/confirm', () =>
      h.call(
        'POST',
        '/v1/me/mfa/totp/confirm',
        { code: totpCode, password: user.password },
        { token, source },
      ),
    ),
    200,
  );
  const start = await r.step('login-password-totp', 'POST /v1/auth/login', () =>
    h.call(
      'POST',
      '/v1/auth/login',
      { username: user.username, password: user.password, deviceId: device },
      { source },
    ),
  );
  expectStatus(start, 200);
  if (start.body.challenge !== 'totp')
    throw new Error(`expected the TOTP challenge: ${JSON.stringify(start.body)}`);
  const code = await freshCode(authenticator);
  const answered = await r.step('login-password-totp', 'POST /v1/auth/challenge (TOTP)', () =>
    h.call(
      'POST',
      '/v1/auth/challenge',
      { loginId: start.body.loginId, challenge: 'totp', code },
      { source },
    ),
  );
  expectStatus(answered, 200);
  const tokens = answered.body.tokens as { accessToken: string; refreshToken: string };
  token = tokens.accessToken;

  // A8 refresh
  const refreshed = await r.step('refresh', 'POST /v1/auth/refresh', () =>
    h.call('POST', '/v1/auth/refresh', { refreshToken: tokens.refreshToken, deviceId: device }, { source }),
  );
  expectStatus(refreshed, 200);
  token = (refreshed.body.tokens as { accessToken: string }).accessToken;

  // D2 an admin request and its two approvals
  const [ops, comp, sec] = await r.step('', 'set-up', () =>
    Promise.all([
      adminOf(h, `censusops${pass}${Date.now().toString(36)}`, ['operations']),
      adminOf(h, `censuscomp${pass}${Date.now().toString(36)}`, ['compliance']),
      adminOf(h, `censussec${pass}${Date.now().toString(36)}`, ['security']),
    ]),
  );
  if (!ops || !comp || !sec) throw new Error('admins');
  const made = await r.step('admin-approval', 'POST /v1/admin/requests', () =>
    h.call(
      'POST',
      '/v1/admin/requests',
      {
        action: 'change-withdrawal-limits',
        target: { kind: 'user', id: userId },
        parameters: { asset: 'BTC', daily: '5', monthly: '50' },
        reason: 'ticket 4711: census',
      },
      { token: ops.token },
    ),
  );
  expectStatus(made, 201);
  const path = `/v1/admin/requests/${made.body.requestId as string}/approve`;
  for (const [admin, label] of [
    [comp, 'POST /v1/admin/requests/{id}/approve (first)'],
    [sec, 'POST /v1/admin/requests/{id}/approve (second)'],
  ] as const) {
    const body = {
      payloadHash: made.body.payloadHash,
      password: admin.password,
      code: await freshCode(admin),
    };
    expectStatus(
      await r.step('admin-approval', label, () => h.call('POST', path, body, { token: admin.token })),
      200,
    );
  }
}

function linkOf(text: string, prefix: string): string {
  const match = new RegExp(`https?://[^\\s"<>]+?${prefix.replace(/[/]/g, '\\/')}[A-Za-z0-9_-]+`).exec(text);
  if (!match) throw new Error(`no ${prefix} link in ${text}`);
  return match[0];
}

/**
 * Reads an execution environment makes once and caches for its life (a key's public half, a pool's JWKS, a
 * secret): not a cost of the request that happens to meet a new environment, and whether a request meets one
 * depends on timing (a function invoked twice at once gets a second environment). Left out of the census.
 */
const ENVIRONMENT_FILLS = new Set([
  'kms:GetPublicKey',
  'cognito-idp:GetJwks',
  'secretsmanager:GetSecretValue',
]);

/** "<service>:<Operation>" with the service as IAM names it. */
function callName(c: CallRecord): string {
  if (c.service === 'jwks') return 'cognito-idp:GetJwks';
  if (c.service === 'pwnedpasswords') return 'pwnedpasswords:GetRange';
  return `${c.service}:${c.operation}`;
}

/** The longest chain of nodes each starting after the one before it ended, by weight. */
function longestChain(nodes: { start: number; end: number; weight: number }[]): number {
  const sorted = [...nodes].sort((a, b) => a.start - b.start);
  const best: number[] = [];
  let max = 0;
  sorted.forEach((n, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) {
      const m = sorted[j] as (typeof sorted)[number];
      if (m.end <= n.start) before = Math.max(before, best[j] as number);
    }
    best[i] = before + n.weight;
    max = Math.max(max, best[i] as number);
  });
  return max;
}

/** The requests of one recorded step: the HTTP request itself, then each workflow it started or resumed. */
function requestsOf(h: CloudHarness, step: Step): CensusRequest<MeasuredFunction>[] {
  const bySeq = new Map(step.calls.filter((c) => c.environment).map((c) => [c.seq, c]));
  const byId = new Map(step.invocations.map((i) => [i.invocationId, i]));
  const callsOf = (inv: InvocationRecord) =>
    step.calls.filter(
      (c) =>
        c.invocation === inv.invocationId && c.started !== undefined && !ENVIRONMENT_FILLS.has(callName(c)),
    );
  /** The invocation whose call invoked this one (a function calling a function), if any. */
  const parentOf = (inv: InvocationRecord): InvocationRecord | undefined => {
    if (inv.cause.kind !== 'call') return undefined;
    const call = bySeq.get(inv.cause.seq);
    return call?.invocation ? byId.get(call.invocation) : undefined;
  };
  const rootOf = (inv: InvocationRecord, depth = 0): string => {
    if (depth > 20) return 'direct';
    const cause = inv.cause;
    if (cause.kind === 'api') return 'api';
    if (cause.kind === 'task') return `workflow:${cause.workflow}`;
    const parent = parentOf(inv);
    return parent ? rootOf(parent, depth + 1) : 'direct';
  };
  const queuedOf = (inv: InvocationRecord, depth = 0): boolean => {
    if (inv.cause.kind !== 'call' || depth > 20) return false;
    if (inv.cause.queued) return true;
    const parent = parentOf(inv);
    return parent ? queuedOf(parent, depth + 1) : false;
  };
  const depthOf = (inv: InvocationRecord): number =>
    longestChain(
      callsOf(inv).map((c) => {
        const children = step.invocations.filter(
          (i) => i.cause.kind === 'call' && i.cause.seq === c.seq && i.ended <= (c.ended ?? 0) + 1,
        );
        return {
          start: c.started as number,
          end: c.ended as number,
          weight: 1 + Math.max(0, ...children.map(depthOf)),
        };
      }),
    );
  const groups = new Map<string, InvocationRecord[]>();
  for (const inv of step.invocations) {
    const root = rootOf(inv);
    groups.set(root, [...(groups.get(root) ?? []), inv]);
  }
  const requests: CensusRequest<MeasuredFunction>[] = [];
  const order = [...groups.keys()].sort((a, b) => (a === 'api' ? -1 : b === 'api' ? 1 : a.localeCompare(b)));
  for (const root of order) {
    const invocations = (groups.get(root) ?? []).sort((a, b) => a.started - b.started);
    const calls: Record<string, number> = {};
    for (const inv of invocations)
      for (const c of callsOf(inv)) calls[callName(c)] = (calls[callName(c)] ?? 0) + 1;
    const top = invocations.filter((i) => i.cause.kind === 'api' || i.cause.kind === 'task');
    const criticalPath = longestChain(
      top.map((i) => ({
        start: i.started,
        end: i.ended,
        // Step Functions invoking a task is a remote call of its own; API Gateway's invocations are not ours.
        weight: (i.cause.kind === 'task' ? 1 : 0) + depthOf(i),
      })),
    );
    const debug = process.env.CENSUS_DEBUG;
    if (debug && (debug === '*' || (root === 'api' ? step.label : root).includes(debug))) {
      console.log(`— ${root === 'api' ? step.label : root}`);
      const t0 = Math.min(...invocations.map((i) => i.started));
      for (const inv of invocations) {
        console.log(
          `  ${inv.functionId} ${(inv.started - t0).toFixed(0)}–${(inv.ended - t0).toFixed(0)} ${inv.cause.kind}`,
        );
        for (const c of callsOf(inv))
          console.log(
            `    ${callName(c)} ${((c.started as number) - t0).toFixed(0)}–${((c.ended as number) - t0).toFixed(0)}`,
          );
      }
    }
    const workflow = root.startsWith('workflow:') ? root.slice('workflow:'.length) : undefined;
    requests.push({
      request: root === 'api' ? step.label : root,
      functions: invocations.map((i) => ({
        id: i.functionId,
        memoryMb: h.fn(i.functionId).memorySize,
        ...(queuedOf(i) ? { queued: true } : {}),
        cpuMs: round((i.cpu?.cpuMs ?? Number.NaN) - (i.cpu?.hashMs ?? 0)),
        hashMs: round(i.cpu?.hashMs ?? 0),
        wallMs: round(i.ended - i.started),
        cold: i.outcome.cold,
        ...(i.cpu?.profile ? { profile: i.cpu.profile } : {}),
      })),
      calls: Object.fromEntries(Object.entries(calls).sort(([a], [b]) => a.localeCompare(b))),
      criticalPath,
      transitions: workflow ? step.transitions.filter((t) => t.workflow === workflow).length : 0,
    });
  }
  return requests;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The census's deterministic part: what bench/census.json holds. */
export function expectedOf(measured: Census<MeasuredFunction>): Census {
  return {
    journeys: Object.fromEntries(
      Object.entries(measured.journeys).map(([id, j]) => [
        id,
        {
          title: j.title,
          requests: j.requests.map((r) => ({
            request: r.request,
            functions: r.functions.map((f) => ({
              id: f.id,
              memoryMb: f.memoryMb,
              ...(f.queued ? { queued: true } : {}),
            })),
            calls: r.calls,
            criticalPath: r.criticalPath,
            transitions: r.transitions,
          })),
        },
      ]),
    ),
  };
}

/** CPU microseconds of one ECDSA P-256 verify, this process, one core. */
export function ecdsaVerifyUs(verifies = 2000): number {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signature = createSign('SHA256').update('census').sign(privateKey);
  const start = process.cpuUsage();
  for (let i = 0; i < verifies; i++) createVerify('SHA256').update('census').verify(publicKey, signature);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / verifies;
}

/** How a census run goes: its passes, and whether it profiles. */
export interface CensusOptions {
  log?: (line: string) => void;
  /** Warm-up passes before the measured ones (default 1). */
  warmPasses?: number;
  /** A profiled pass (or several) for the handler's share of each invocation's CPU. */
  profile?: boolean;
  /** Measured passes (default 1): one invocation's CPU moves by ±25 % between passes on this machine. */
  measuredPasses?: number;
  /** Profiled passes with `profile` (default 1). */
  profiledPasses?: number;
}

/**
 * Runs the journeys twice through one harness: the first pass starts every environment (cold starts, lazy
 * init, cached keys), the second is measured warm, as most requests meet a warm Lambda.
 */
export async function measureCensus(
  options: CensusOptions & { minLatencyMs?: number } = {},
): Promise<MeasuredCensus> {
  const minLatencyMs = options.minLatencyMs ?? MIN_LATENCY_MS;
  const h = await CloudHarness.start({
    variant: { name: 'journeys', context: { addressCoolingHours: 0 } },
  });
  try {
    const warmPasses = options.warmPasses ?? 1;
    for (let pass = 1; pass <= warmPasses; pass++) {
      const at = Date.now();
      await journeys(h, new Recorder(h, false), pass);
      await quiet(h);
      h.assertClean();
      h.reset();
      options.log?.(`census: warm-up pass ${pass} in ${((Date.now() - at) / 1000).toFixed(1)} s`);
    }
    h.endpoint.minLatencyMs = minLatencyMs;
    const measuredPasses = Math.max(1, options.measuredPasses ?? 1);
    const profiledPasses = Math.max(1, options.profiledPasses ?? 1);
    const recorders: Recorder[] = [];
    for (let pass = 1; pass <= measuredPasses; pass++) {
      const at = Date.now();
      const recorder = new Recorder(h, true);
      await journeys(h, recorder, warmPasses + pass);
      recorders.push(recorder);
      options.log?.(
        `census: measured pass ${pass}/${measuredPasses} in ${((Date.now() - at) / 1000).toFixed(1)} s`,
      );
      h.assertClean();
    }
    const recorder = recorders[0] as Recorder;
    let profiled: Step[] = [];
    let profileDir: string | undefined;
    if (options.profile) {
      // One more pass with a CPU profile of every invocation: the profiler slows the thread down, so its
      // figures only give each invocation's split (handler / AWS calls), applied to the measured pass's CPU.
      const profileAt = Date.now();
      // CENSUS_PROFILE_DIR keeps the profiles (one .cpuprofile per invocation, named by function) to read them.
      const kept = process.env.CENSUS_PROFILE_DIR;
      if (kept) await mkdir(kept, { recursive: true });
      profileDir = kept ?? (await mkdtemp(join(tmpdir(), 'palisade-census-profiles-')));
      h.lambda.profileDir = profileDir;
      for (let pass = 1; pass <= profiledPasses; pass++) {
        const profiling = new Recorder(h, true);
        await journeys(h, profiling, warmPasses + measuredPasses + pass);
        h.assertClean();
        profiled = [...profiled, ...profiling.steps];
      }
      h.lambda.profileDir = undefined;
      options.log?.(
        `census: ${profiledPasses} profiled pass(es) in ${((Date.now() - profileAt) / 1000).toFixed(1)} s`,
      );
    }
    const census: MeasuredCensus = {
      machine: {
        node: process.versions.node,
        date: new Date().toISOString(),
        minLatencyMs,
        warmPasses,
        measuredPasses,
        ...(options.profile ? { profiledPasses } : {}),
      },
      ecdsaUs: ecdsaVerifyUs(),
      journeys: {},
    };
    // Each measured invocation takes the split of its counterpart in the profiled pass (same journey, step,
    // request and position), or else the mean split of the same function's profiled invocations.
    type Split = { handlerShare: number; strengthShare: number; hashJsShare: number };
    const shares = new Map<string, Split[]>();
    const byFunction = new Map<string, Split[]>();
    for (const step of profiled)
      for (const request of requestsOf(h, step))
        request.functions.forEach((f, k) => {
          if (!f.profile) return;
          const split = attribute(f.profile);
          const key = `${step.journey}|${step.label}|${request.request}|${k}|${f.id}`;
          shares.set(key, [...(shares.get(key) ?? []), split]);
          byFunction.set(f.id, [...(byFunction.get(f.id) ?? []), split]);
        });
    const meanSplit = (all: readonly Split[]): Split => {
      const mean = (pick: (s: Split) => number) => all.reduce((t, s) => t + pick(s), 0) / all.length;
      return {
        handlerShare: mean((s) => s.handlerShare),
        strengthShare: mean((s) => s.strengthShare),
        hashJsShare: mean((s) => s.hashJsShare),
      };
    };
    // An invocation's split is the mean of its counterparts' in the profiled passes, else of its function's.
    const splitOf = (key: string, id: string): Split | undefined => {
      const own = shares.get(key) ?? byFunction.get(id);
      return own?.length ? meanSplit(own) : undefined;
    };
    // Each invocation's CPU: the median of its counterparts (same journey, step, request, position and
    // function) over the measured passes.
    const measuredCpu = new Map<string, { cpuMs: number[]; hashMs: number[] }>();
    for (const r of recorders)
      for (const step of r.steps)
        for (const request of requestsOf(h, step))
          request.functions.forEach((f, k) => {
            const key = `${step.journey}|${step.label}|${request.request}|${k}|${f.id}`;
            const seen = measuredCpu.get(key) ?? { cpuMs: [], hashMs: [] };
            seen.cpuMs.push(f.cpuMs);
            seen.hashMs.push(f.hashMs);
            measuredCpu.set(key, seen);
          });
    if (profileDir && !process.env.CENSUS_PROFILE_DIR) await rm(profileDir, { force: true, recursive: true });
    for (const step of recorder.steps) {
      const journey = census.journeys[step.journey] ?? {
        title: JOURNEYS[step.journey] ?? step.journey,
        requests: [],
      };
      census.journeys[step.journey] = journey;
      for (const request of requestsOf(h, step)) {
        request.functions.forEach((f, k) => {
          const key = `${step.journey}|${step.label}|${request.request}|${k}|${f.id}`;
          const passes = measuredCpu.get(key);
          if (passes && passes.cpuMs.length > 1) {
            f.cpuMs = round(median(passes.cpuMs));
            f.hashMs = round(median(passes.hashMs));
          }
          const split = splitOf(key, f.id);
          if (!split) return;
          f.handlerMs = round(f.cpuMs * split.handlerShare);
          if (split.strengthShare > 0) f.strengthMs = round(f.cpuMs * split.strengthShare);
          if (split.hashJsShare > 0) f.hashJsMs = round(f.cpuMs * split.hashJsShare);
        });
        // A workflow a journey resumes again (each approval) is numbered: the names of a journey are unique.
        const same = journey.requests.filter((r) => r.request.replace(/ \(\d+\)$/, '') === request.request);
        if (same.length > 0) request.request = `${request.request} (${same.length + 1})`;
        journey.requests.push(request);
      }
    }
    return census;
  } catch (err) {
    // What the functions logged as errors: why a journey's request failed.
    const errors = h.invocations.flatMap((i) => [
      ...(i.outcome.ok ? [] : [`${i.functionId}: ${i.outcome.errorType}: ${i.outcome.errorMessage}`]),
      ...i.logs.filter((l) => /ERROR/.test(l)).map((l) => `${i.functionId}: ${l.slice(0, 1500)}`),
    ]);
    throw new Error(`${(err as Error).stack}\n${errors.join('\n')}`);
  } finally {
    await h.stop();
  }
}

/** Differences of `actual` from `expected`, one line each (functions, calls, critical path, transitions). */
export function censusDiff(expected: Census, actual: Census): string[] {
  const lines: string[] = [];
  const ids = new Set([...Object.keys(expected.journeys), ...Object.keys(actual.journeys)]);
  for (const id of ids) {
    const e = expected.journeys[id]?.requests ?? [];
    const a = actual.journeys[id]?.requests ?? [];
    const names = new Set([...e.map((r) => r.request), ...a.map((r) => r.request)]);
    for (const name of names) {
      const er = e.find((r) => r.request === name);
      const ar = a.find((r) => r.request === name);
      const where = `${id} › ${name}`;
      if (!er) {
        lines.push(`${where}: new request (${ar?.criticalPath} on its critical path)`);
        continue;
      }
      if (!ar) {
        lines.push(`${where}: no longer made`);
        continue;
      }
      if (ar.criticalPath !== er.criticalPath)
        lines.push(`${where}: critical path ${er.criticalPath} → ${ar.criticalPath}`);
      const fe = er.functions.map((f) => f.id).join(', ');
      const fa = ar.functions.map((f) => f.id).join(', ');
      if (fe !== fa) lines.push(`${where}: functions [${fe}] → [${fa}]`);
      for (const op of new Set([...Object.keys(er.calls), ...Object.keys(ar.calls)])) {
        if ((er.calls[op] ?? 0) !== (ar.calls[op] ?? 0))
          lines.push(`${where}: ${op} ${er.calls[op] ?? 0} → ${ar.calls[op] ?? 0}`);
      }
      if (ar.transitions !== er.transitions)
        lines.push(`${where}: transitions ${er.transitions} → ${ar.transitions}`);
    }
  }
  return lines;
}

export async function readCensus(): Promise<Census> {
  return JSON.parse(await readFile(CENSUS_FILE, 'utf8')) as Census;
}

/** Calls per service, with the operations: `dynamodb 5 (GetItem 3, Query 2)`. */
function byService(calls: Record<string, number>): string {
  const services = new Map<string, [string, number][]>();
  for (const [name, n] of Object.entries(calls)) {
    const [service, op] = name.split(':') as [string, string];
    services.set(service, [...(services.get(service) ?? []), [op, n]]);
  }
  return [...services]
    .map(
      ([s, ops]) =>
        `${s} ${ops.reduce((t, [, n]) => t + n, 0)} (${ops.map(([o, n]) => `${o} ${n}`).join(', ')})`,
    )
    .join(' · ');
}

export function censusReport(census: MeasuredCensus): { text: string; markdown: string } {
  const profiled = Object.values(census.journeys).some((j) =>
    j.requests.some((r) => r.functions.some((f) => f.handlerMs !== undefined)),
  );
  const text: string[] = [
    `Remote-call census and handler CPU (warm; one ECDSA P-256 verify = ${census.ecdsaUs.toFixed(0)} µs):`,
  ];
  const md: string[] = [
    '## Remote-call census and handler CPU (issue 18)',
    '',
    'The journeys run through the cloud harness (the production bundles, each Lambda in its own worker',
    'thread, the template’s environment and roles; `bench/census.ts`); warm-up passes first, then the measured one. Every',
    'AWS call is recorded by the harness’s endpoint with the invocation that made it and its start and end, so',
    'the census of each HTTP request is exact: its Lambda invocations (authorizer, invoked functions), its calls',
    'per service and operation, and its **critical path**, the longest chain of calls each starting after the',
    'one before it ended (an invoke counts 1 plus the chain inside the invoked function; a workflow’s task',
    'counts 1 plus its own chain). In the measured pass every emulated answer takes',
    `${census.machine.minLatencyMs} ms (more than the emulation and the handlers’ work between calls), so the timing follows the`,
    'requests’ structure, not the machine’s load: calls made together overlap, calls that wait follow. Work a',
    'request leaves to a workflow is its own row (`workflow:<name>`), with its Step Functions transitions.',
    '',
    '**CPU** is each invocation’s own thread’s CPU time while its handler ran (`/proc/thread-self/schedstat`,',
    'read in the Lambda worker): dynalite, the KMS, Cognito and Step Functions emulations run on other threads',
    'and are not in it, nor is time the thread waited for a core; the SDK’s own work (serialising, signing,',
    'parsing) is, as in AWS. The password hashes are out: Cognito’s scrypt runs in the Cognito emulation, not',
    'in a handler, and the duress check’s argon2id (hash-wasm, WebAssembly on the handler’s thread) is timed',
    'around its WebAssembly exports and subtracted (its figure is in the password-work column; the hash’s',
    'JavaScript around the WebAssembly is taken out of the handler column below). The ratio is',
    `to one ECDSA P-256 verify measured in the same run (${census.ecdsaUs.toFixed(0)} µs).`,
    '',
    'Why through the cloud harness and not with in-memory adapters: the census must count the calls the',
    'production bundles make under the template (the AWS adapters and their signed calls, the invokes the template',
    'wires), which in-memory adapters would stand in for; and with each Lambda in its own thread, the thread’s',
    'CPU is the handler’s alone, the emulators excluded by construction rather than subtracted. The CPU',
    'includes what runs in AWS too and in-memory adapters would leave out: each call’s signing and',
    'serialisation, the HTTP client, the X-Ray and Powertools work.',
    '',
    '**Handler ms, no AWS calls** is what in-memory adapters would leave of that CPU: after the measured passes,',
    'further passes profile every invocation (a V8 CPU profile per invocation, 100 µs sampling, mapped back',
    'to sources by the bundles’ source maps) and `bench/cpu-attribution.ts` splits each sample by its stack:',
    'our sources, zod, Powertools and the other non-AWS libraries are the handler; `@aws-sdk/*`, `@smithy/*`,',
    'node’s HTTP, socket and stream modules and our own AWS clients (the signed transport, the JSON-protocol',
    'caller, the DynamoDB conversion, KMS, Cognito, S3, the invoke, the role credentials each signing reads)',
    'are the AWS calls; node internals take their caller’s side; the event loop, microtask runs and garbage',
    'collection are shared in proportion.',
    'The handler’s share of that invocation’s samples (the mean over its counterparts in the profiled passes),',
    'times its CPU (the median over its counterparts in the measured passes), is the column (the profiler',
    'slows the thread, so its own figures are not used). The 10 ms goal is for this column: one invocation’s',
    'figure moved by up to 80 % between single passes on this shared machine, hence several. A new',
    'password’s zxcvbn strength estimate (A1’s policy, at sign-up and password change) is deliberate password',
    'work like the hashes: it is in the CPU column but not the handler column, and is added to the',
    'password-work column (from the same profiles). So is the JavaScript half of the duress check’s argon2id',
    '(hash-wasm’s Argon2 H’ over BLAKE2b, its modules’ instantiation, and the worker’s timing of each',
    'WebAssembly call, all under hash-wasm’s frames): the same password hash, outside its WebAssembly.',
    '',
    `This run: ${census.machine.warmPasses ?? 1} warm-up pass(es) before ${census.machine.measuredPasses ?? 1} measured`,
    `and ${census.machine.profiledPasses ?? 0} profiled pass(es) (the code has run that often; a Lambda warm for`,
    'hours, JIT-optimised, spends less).',
    '',
    `Counts: \`bench/census.json\` (\`test/cloud/census.test.ts\` fails when a journey changes; \`${UPDATE_COMMAND}\``,
    'rewrites it). Timings of this run: `bench/.out/census-measured.json`.',
    '',
  ];
  for (const [id, journey] of Object.entries(census.journeys)) {
    text.push(`  ${id} — ${journey.title}`);
    md.push(`### ${id}: ${journey.title}`, '');
    md.push(
      `| request | Lambda invocations | remote calls | critical path | CPU ms (× verify) |${profiled ? ' handler ms, no AWS calls |' : ''} password work ms |`,
    );
    md.push(`| --- | --- | --- | ---: | ---: |${profiled ? ' ---: |' : ''} ---: |`);
    for (const r of journey.requests) {
      const cpu = r.functions.reduce((t, f) => t + f.cpuMs, 0);
      const hash = r.functions.reduce((t, f) => t + f.hashMs + (f.hashJsMs ?? 0) + (f.strengthMs ?? 0), 0);
      const ratio = (cpu * 1000) / census.ecdsaUs;
      const fns = r.functions.map((f) => `${f.id} ${f.cpuMs.toFixed(1)}`).join(', ');
      // A request whose functions the profiled pass did not all meet (a workflow's timing-dependent retries
      // can differ between passes) has no handler figure rather than a partial one.
      const handler = r.functions.every((f) => f.handlerMs !== undefined)
        ? r.functions.reduce((t, f) => t + (f.handlerMs ?? 0), 0).toFixed(1)
        : '–';
      const handlerText = profiled ? `, handler ${handler} ms` : '';
      const handlerCell = profiled ? ` ${handler} |` : '';
      const total = Object.values(r.calls).reduce((t, n) => t + n, 0);
      const transitions = r.transitions ? `, ${r.transitions} transitions` : '';
      text.push(
        `    ${r.request}: ${total} calls, critical path ${r.criticalPath}${transitions}, CPU ${cpu.toFixed(1)} ms (${ratio.toFixed(0)}× verify)${handlerText}${hash ? ` + password work ${hash.toFixed(0)} ms` : ''} [${fns}]`,
      );
      md.push(
        `| ${r.request} | ${r.functions.map((f) => f.id).join(', ')}${transitions} | ${total}${total ? `: ${byService(r.calls)}` : ''} | ${r.criticalPath} | ${cpu.toFixed(1)} (${ratio.toFixed(0)}×) |${handlerCell} ${hash ? hash.toFixed(0) : ''} |`,
      );
    }
    md.push('');
  }
  return { text: text.join('\n'), markdown: md.join('\n') };
}

/** Writes the measured census (and bench/census.json with `update`); the report. */
export async function runCensus(options: CensusOptions & { update?: boolean } = {}) {
  const measured = await measureCensus({
    ...(options.log ? { log: options.log } : {}),
    warmPasses: options.warmPasses ?? 1,
    profile: options.profile ?? false,
    measuredPasses: options.measuredPasses ?? 1,
    profiledPasses: options.profiledPasses ?? 1,
  });
  await mkdir(join(import.meta.dirname, '.out'), { recursive: true });
  await writeFile(MEASURED_FILE, `${JSON.stringify(measured, null, 2)}\n`);
  const actual = expectedOf(measured);
  if (options.update) await writeFile(CENSUS_FILE, `${JSON.stringify(actual, null, 2)}\n`);
  const expected = await readCensus().catch(() => undefined);
  const diff = expected ? censusDiff(expected, actual) : ['bench/census.json is missing'];
  return { measured, diff, report: censusReport(measured) };
}
