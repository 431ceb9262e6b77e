// The remote-call census as the latency and cost models read it (`bench/census.json`, format shared with the
// census bench): per journey, the requests it makes; per request, the Lambda invocations, the remote calls
// ("<IAM service prefix>:<Operation>" → count), the depth of the critical path and the Step Functions state
// transitions. Optionally the measured handler CPU per function (`bench/.out/census-measured.json`, same
// shape plus `cpuMs` and `wallMs` per function entry). Parsing only: no I/O but the two loaders at the end.
import { existsSync, readFileSync } from 'node:fs';
import * as z from 'zod/mini';

const count = z.number().check(z.int(), z.minimum(0));

const functionEntry = z.object({
  id: z.string(),
  memoryMb: z.number().check(z.int(), z.minimum(128), z.maximum(10_240)),
  // Run from an asynchronous invocation (or invoked by one): after the answer, nobody waits for it.
  queued: z.optional(z.boolean()),
  // The measured census only (bench/.out/census-measured.json): the handler's CPU without the password hash,
  // the hash (argon2id) apart, the invocation's wall time, whether it started cold. A CPU the run could not
  // read is written as null.
  cpuMs: z.optional(z.nullable(z.number())),
  hashMs: z.optional(z.nullable(z.number())),
  wallMs: z.optional(z.nullable(z.number())),
  cold: z.optional(z.boolean()),
});

const censusRequest = z.object({
  request: z.string(),
  functions: z.array(functionEntry),
  calls: z.record(z.string().check(z.regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/)), count),
  criticalPath: count,
  transitions: count,
});

const censusJourney = z.object({ title: z.string(), requests: z.array(censusRequest) });

const censusFile = z.object({ journeys: z.record(z.string(), censusJourney) });

export type CensusFunction = z.infer<typeof functionEntry>;
export type CensusRequest = z.infer<typeof censusRequest>;
export type CensusJourney = z.infer<typeof censusJourney>;
export type Census = z.infer<typeof censusFile>;

/** How a request is started: by API Gateway (a route or an authorizer) or by a workflow (asynchronous). */
export type RequestKind = 'route' | 'authorizer' | 'workflow';

export function requestKind(request: Pick<CensusRequest, 'request'>): RequestKind {
  if (request.request.startsWith('workflow:')) return 'workflow';
  if (request.request.startsWith('authorizer')) return 'authorizer';
  return 'route';
}

/** Parses a census document; the message names the path and the first field that is wrong. */
export function parseCensus(json: unknown, source = 'census'): Census {
  const parsed = censusFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${source} is not a census: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
  for (const [id, journey] of Object.entries(parsed.data.journeys)) {
    for (const request of journey.requests) {
      const calls = Object.values(request.calls).reduce((a, b) => a + b, 0);
      const invokes = Math.max(0, request.functions.length - 1);
      if (request.criticalPath > calls + invokes + 1) {
        throw new Error(
          `${source}: ${id} / ${request.request}: a critical path of ${request.criticalPath} is longer than its ${calls} calls`,
        );
      }
    }
  }
  return parsed.data;
}

/** Reads the census at `path`, or says what is missing and how to make it. */
export function loadCensus(path: string): Census {
  if (!existsSync(path)) {
    throw new Error(
      `No census at ${path}. \`npm run bench\` writes bench/census.json; give another file with --census <path>.`,
    );
  }
  return parseCensus(JSON.parse(readFileSync(path, 'utf8')), path);
}

/**
 * Measured handler CPU (ms, the password hash included) of one invocation: by its place in the census (journey, request, function), else the
 * median of that function over the run.
 */
export interface MeasuredCpu {
  exact: ReadonlyMap<string, number>;
  byFunction: ReadonlyMap<string, number>;
}

export const cpuKey = (journey: string, request: string, functionIndex: number) =>
  `${journey}\u0000${request}\u0000${functionIndex}`;

export function measuredCpuOf(measured: Census): MeasuredCpu {
  const exact = new Map<string, number>();
  const samples = new Map<string, number[]>();
  for (const [journeyId, journey] of Object.entries(measured.journeys)) {
    for (const request of journey.requests) {
      request.functions.forEach((fn, index) => {
        if (typeof fn.cpuMs !== 'number' || !Number.isFinite(fn.cpuMs)) return;
        // The password hash is CPU the function spends in AWS as well: counted with the rest.
        const cpu = fn.cpuMs + (typeof fn.hashMs === 'number' && Number.isFinite(fn.hashMs) ? fn.hashMs : 0);
        exact.set(cpuKey(journeyId, request.request, index), cpu);
        samples.set(fn.id, [...(samples.get(fn.id) ?? []), cpu]);
      });
    }
  }
  const byFunction = new Map<string, number>();
  for (const [id, values] of samples) {
    const sorted = [...values].sort((a, b) => a - b);
    byFunction.set(id, sorted[Math.floor(sorted.length / 2)] as number);
  }
  return { exact, byFunction };
}

/** The measured CPU of the bench's last run, when it wrote one. */
export function loadMeasuredCpu(path: string): MeasuredCpu | undefined {
  if (!existsSync(path)) return undefined;
  return measuredCpuOf(parseCensus(JSON.parse(readFileSync(path, 'utf8')), path));
}
