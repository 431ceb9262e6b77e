// A synchronous invocation of another Palisade function, by the environment variable lib/ sets on the
// caller: the answer, or the error the function reported (its type kept, so typed errors survive the hop).
// The Lambda API's Invoke is one signed POST; it is made here over SigV4 (@smithy/signature-v4, already in
// every bundle for the other clients) and node:https instead of @aws-sdk/client-lambda (~70 KB minified):
// docs/decisions.md, "Bundles". Like the SDK client it reads its endpoint from AWS_ENDPOINT_URL_LAMBDA or
// AWS_ENDPOINT_URL, its credentials from the environment, forwards the trace header, retries throttling and
// service faults (not client errors) with jittered backoff, and writes the call's trace subsegment.
import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, Checksum, SourceData } from '@smithy/types';
import { SmsCountryNotAllowed } from '../errors.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import { awsOutcome, daemonSink, subsegment } from '../runtime/tracing.js';

export class InvokeError extends Error {
  constructor(readonly errorType: string | undefined) {
    super(`The invoked function failed${errorType ? ` (${errorType})` : ''}`);
  }
}

/** The Lambda API refused the call itself (throttled, not found, not allowed, service fault), by its error type. */
export class LambdaApiError extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  constructor(name: string, status: number, message: string, requestId?: string) {
    super(message || `Lambda Invoke failed (${name}, ${status})`);
    this.name = name;
    this.$metadata = { httpStatusCode: status, ...(requestId ? { requestId } : {}) };
  }
}

/** SHA-256 and HMAC-SHA-256 over node:crypto, in the shape SigV4 expects (`new Sha256(secret?)`). */
class NodeSha256 implements Checksum {
  private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** What one Invoke needs from its surroundings; the environment by default, a test's own otherwise. */
export interface InvokeTransport {
  region: string;
  endpoint: URL;
  credentials: AwsCredentialIdentityProvider;
  /** Backoff before retry `attempt` (1-based), in ms. */
  backoffMs?: (attempt: number) => number;
}

export function transportFromEnv(env: NodeJS.ProcessEnv = process.env): InvokeTransport {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('AWS_REGION is not set');
  const endpoint =
    env.AWS_ENDPOINT_URL_LAMBDA ?? env.AWS_ENDPOINT_URL ?? `https://lambda.${region}.amazonaws.com`;
  return { region, endpoint: new URL(endpoint), credentials: fromEnv() };
}

const MAX_ATTEMPTS = 3;
/** Keep-alive agents, built at the first invoke: node:http and node:https (TLS) load then, not at init. */
let agents: { http: HttpAgent; https: HttpsAgent } | undefined;

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function post(url: URL, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  agents ??= { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const { http, https } = agents;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', headers, agent: secure ? https : http }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const header = (answer: Answer, name: string) => {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The Lambda API's own error: its type from x-amzn-ErrorType (or the body's Type/__type), its message. */
function apiError(answer: Answer): LambdaApiError {
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
  return new LambdaApiError(
    type,
    answer.status,
    parsed.message ?? parsed.Message ?? '',
    header(answer, 'x-amzn-requestid'),
  );
}

const retryable = (status: number) => status === 429 || status >= 500;
const jittered = (attempt: number) => Math.random() * Math.min(20_000, 100 * 2 ** attempt);

/** One RequestResponse Invoke: the payload bytes and the function error header, or a LambdaApiError. */
export async function invokeRaw(
  transport: InvokeTransport,
  functionName: string,
  payload: Buffer,
): Promise<{ payload: Buffer; functionError: string | undefined }> {
  const signer = new SignatureV4({
    service: 'lambda',
    region: transport.region,
    credentials: transport.credentials,
    sha256: NodeSha256,
  });
  const base = transport.endpoint;
  const path = `${base.pathname.replace(/\/$/, '')}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;
  const trace = process.env._X_AMZN_TRACE_ID;
  for (let attempt = 1; ; attempt++) {
    const signed = await signer.sign({
      method: 'POST',
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path,
      query: {},
      headers: {
        host: base.host,
        'content-type': 'application/octet-stream',
        'content-length': String(payload.byteLength),
        'x-amz-invocation-type': 'RequestResponse',
        ...(trace && process.env.AWS_LAMBDA_FUNCTION_NAME ? { 'x-amzn-trace-id': trace } : {}),
      },
      body: payload,
    });
    const answer = await post(new URL(path, base), signed.headers, payload);
    if (answer.status >= 200 && answer.status < 300) {
      return { payload: answer.body, functionError: header(answer, 'x-amz-function-error') };
    }
    const error = apiError(answer);
    if (!retryable(answer.status) || attempt >= MAX_ATTEMPTS) throw error;
    await new Promise((resolve) => setTimeout(resolve, (transport.backoffMs ?? jittered)(attempt)));
  }
}

const transport = /* @__PURE__ */ once(() => transportFromEnv());
const sink = /* @__PURE__ */ once(() => daemonSink());

/** Invoke, with the call's trace subsegment (`Lambda` · `Invoke`) when the invocation is traced. */
async function traced(functionName: string, payload: Buffer) {
  const started = Date.now();
  let failure: LambdaApiError | undefined;
  try {
    return await invokeRaw(transport(), functionName, payload);
  } catch (error) {
    failure = error as LambdaApiError;
    throw error;
  } finally {
    const out = sink();
    if (out) {
      const { request_id, ...outcome } = awsOutcome(
        failure ? undefined : { $metadata: { httpStatusCode: 200 } },
        failure,
      );
      const document = subsegment('Lambda', started, {
        namespace: 'aws',
        aws: { operation: 'Invoke', region: transport().region, ...(request_id ? { request_id } : {}) },
        ...outcome,
      });
      if (document) out(document);
    }
  }
}

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

export function invoker(
  variable:
    | 'VAULT_FUNCTION'
    | 'USER_MAIL_FUNCTION'
    | 'PGP_SIGNER_FUNCTION'
    | 'DURESS_FUNCTION'
    | 'SMS_FUNCTION'
    | 'TASK_ANSWER_FUNCTION'
    | 'KYC_CHECK_FUNCTION',
) {
  return async (request: unknown): Promise<unknown> =>
    answerOf(await traced(requireEnv(variable), Buffer.from(JSON.stringify(request))));
}
