// A synchronous invocation of another Palisade function, by the environment variable lib/ sets on the
// caller: the answer, or the error the function reported (its type kept, so typed errors survive the hop).
// The Lambda API's Invoke is one signed POST, made through signed-request.ts (SigV4, node:https, retries of
// throttling and service faults with jittered backoff, the call's trace subsegment; shared with the S3
// adapter) instead of @aws-sdk/client-lambda (~70 KB minified): docs/decisions.md, "Bundles". Like the SDK
// client it reads its endpoint from AWS_ENDPOINT_URL_LAMBDA or AWS_ENDPOINT_URL and its credentials from the
// environment, and forwards the trace header.
import { SmsCountryNotAllowed } from '../errors.js';
import type { InvokeTarget } from '../infra.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import {
  type Answer,
  AwsApiError,
  type AwsTransport,
  header,
  signedCall,
  signerFor,
  traced,
  transportFromEnvironment,
} from './signed-request.js';

export class InvokeError extends Error {
  constructor(readonly errorType: string | undefined) {
    super(`The invoked function failed${errorType ? ` (${errorType})` : ''}`);
  }
}

/** The Lambda API refused the call itself (throttled, not found, not allowed, service fault), by its error type. */
export { AwsApiError as LambdaApiError };

/** What one Invoke needs from its surroundings; the environment by default, a test's own otherwise. */
export type InvokeTransport = AwsTransport;

export function transportFromEnv(env: NodeJS.ProcessEnv = process.env): InvokeTransport {
  return transportFromEnvironment(
    'AWS_ENDPOINT_URL_LAMBDA',
    (region) => `lambda.${region}.amazonaws.com`,
    env,
  );
}

/** The Lambda API's own error: its type from x-amzn-ErrorType (or the body's Type/__type), its message. */
function apiError(answer: Answer): AwsApiError {
  let parsed: { Type?: string; __type?: string; message?: string; Message?: string } = {};
  try {
    parsed = JSON.parse(answer.body.toString('utf8'));
  } catch {
    // a body that is not JSON: the status names the error
  }
  const type = (header(answer, 'x-amzn-errortype') ?? parsed.__type ?? parsed.Type ?? `Http${answer.status}`)
    .split(':')[0]
    ?.split('#')
    .at(-1) as string;
  return new AwsApiError(
    type,
    answer.status,
    parsed.message ?? parsed.Message ?? '',
    header(answer, 'x-amzn-requestid'),
  );
}

/** Synchronous (the answer) or asynchronous (Lambda queues the event). */
type InvocationType = 'RequestResponse' | 'Event';

/**
 * One Invoke: RequestResponse (the payload bytes and the function error header) or Event (Lambda queues the
 * event and answers 202 at once; the function runs later, retried by Lambda), or a LambdaApiError.
 */
export async function invokeRaw(
  transport: InvokeTransport,
  functionName: string,
  payload: Buffer,
  type: InvocationType = 'RequestResponse',
): Promise<{ payload: Buffer; functionError: string | undefined }> {
  const base = transport.endpoint;
  const answer = await signedCall(
    transport,
    signerFor(transport, 'lambda'),
    {
      method: 'POST',
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path: `${base.pathname.replace(/\/$/, '')}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(payload.byteLength),
        'x-amz-invocation-type': type,
      },
      body: payload,
    },
    { errorOf: apiError },
  );
  return { payload: answer.body, functionError: header(answer, 'x-amz-function-error') };
}

const transport = /* @__PURE__ */ once(() => transportFromEnv());
/** Invoke, with the call's trace subsegment (`Lambda` · `Invoke`) when the invocation is traced. */
const invokeTraced = (functionName: string, payload: Buffer, type: InvocationType = 'RequestResponse') =>
  traced('Lambda', 'Invoke', transport().region, () => invokeRaw(transport(), functionName, payload, type));

/** The answer of a function's reply, or its reported error as InvokeError (a typed refusal as itself). */
export function answerOf(out: { payload: Buffer; functionError: string | undefined }): unknown {
  const payload = out.payload.length ? JSON.parse(out.payload.toString('utf8')) : undefined;
  if (out.functionError) {
    const errorType = (payload as { errorType?: string } | undefined)?.errorType;
    // A typed refusal of the called function comes back as itself, as it would locally (in-process).
    if (errorType === 'SmsCountryNotAllowed') throw new SmsCountryNotAllowed();
    throw new InvokeError(errorType);
  }
  return payload;
}

export function invoker(variable: InvokeTarget) {
  return async (request: unknown): Promise<unknown> =>
    answerOf(await invokeTraced(requireEnv(variable), Buffer.from(JSON.stringify(request))));
}

/**
 * An asynchronous invocation (InvocationType Event): resolves once Lambda has queued the event. Lambda runs the
 * function after, retries a failed run twice, then hands the event to the function's on-failure destination
 * (lib/: a queue, alarmed on). The caller does not wait for the work, nor learn whether it succeeded.
 */
export function queuedInvoker(variable: InvokeTarget) {
  return async (request: unknown): Promise<void> => {
    await invokeTraced(requireEnv(variable), Buffer.from(JSON.stringify(request)), 'Event');
  };
}
