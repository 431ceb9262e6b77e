// One SigV4-signed AWS API request over node:http(s), for the APIs Palisade calls without an SDK client (the
// Lambda Invoke, lambda-invoke.ts; the S3 operations, s3-client.ts): docs/decisions.md, "Bundles". SigV4 is
// @smithy/signature-v4 (already in every bundle for the other clients) with the SDK's node:crypto SHA-256; the
// credentials are the environment's (a Lambda's role session) unless a caller passes its own; sockets are kept
// alive; throttling (429) and service faults (5xx) are retried with jittered backoff, client errors never; and
// each call writes its X-Ray subsegment (`<service>` · `<operation>`) when the invocation is traced.

import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { once } from '../runtime/aws-env.js';
import { awsOutcome, daemonSink, subsegment } from '../runtime/tracing.js';
import { envCredentials } from './env-credentials.js';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (data: SourceData): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/**
 * SHA-256, or HMAC-SHA-256 under `secret`, over node:crypto in the shape SigV4 expects (`new Sha256(secret?)`,
 * `update`, `digest`, `reset`): what @smithy/core's checksum module gives, without its pure-JS fallback.
 */
export class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  digestSync(): Uint8Array {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** An AWS API's refusal of a call, named by the service's error code, with the SDK's `$metadata`. */
export class AwsApiError extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  constructor(name: string, status: number, message: string, requestId?: string) {
    super(message || `${name} (${status})`);
    this.name = name;
    this.$metadata = { httpStatusCode: status, ...(requestId ? { requestId } : {}) };
  }
}

/** What a signed call needs from its surroundings; the environment by default, a test's own otherwise. */
export interface AwsTransport {
  region: string;
  /** The endpoint: the service's own, or AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL as the SDK reads them. */
  endpoint: URL;
  credentials: AwsCredentialIdentityProvider;
  /** Backoff before retry `attempt` (1-based), in ms. */
  backoffMs?: (attempt: number) => number;
}

/** The region, and the endpoint variable of the service (`AWS_ENDPOINT_URL_S3`) or the general one, if set. */
export function regionAndEndpoint(
  variable: string,
  env: NodeJS.ProcessEnv = process.env,
): { region: string; endpoint: string | undefined } {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('AWS_REGION is not set');
  return { region, endpoint: env[variable] ?? env.AWS_ENDPOINT_URL };
}

/**
 * A service's transport from the environment, as the SDK's clients build it: the Region, the service's endpoint
 * variable (else AWS_ENDPOINT_URL, else its regional host) and the role session's credentials.
 */
export function transportFromEnvironment(
  variable: string,
  host: (region: string) => string,
  env: NodeJS.ProcessEnv = process.env,
): AwsTransport {
  const { region, endpoint } = regionAndEndpoint(variable, env);
  return {
    region,
    endpoint: new URL(endpoint ?? `https://${host(region)}`),
    credentials: envCredentials(env),
  };
}

export const signerFor = (
  transport: Pick<AwsTransport, 'region' | 'credentials'>,
  service: string,
  // S3 signs the path as sent (no second encoding) and always carries x-amz-content-sha256.
  options: { uriEscapePath?: boolean } = {},
) =>
  new SignatureV4({
    service,
    region: transport.region,
    credentials: transport.credentials,
    sha256: NodeSha256,
    uriEscapePath: options.uriEscapePath ?? true,
  });

export interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export const header = (answer: Answer, name: string): string | undefined => {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** One request to sign and send: where (the endpoint's protocol, host, port), the encoded path and query. */
export interface ApiRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  /** Already encoded, as sent (the signer of S3 signs it as it is). */
  path: string;
  query?: Record<string, string>;
  headers: Record<string, string>;
  body?: Buffer;
}

const agents = /* @__PURE__ */ once(() => ({
  http: new HttpAgent({ keepAlive: true }),
  https: new HttpsAgent({ keepAlive: true }),
}));

/** RFC 3986 encoding, as SigV4 canonicalises a query (`!'()*` too). */
export const uriEncode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export const queryString = (query: Record<string, string> | undefined) => {
  const pairs = Object.entries(query ?? {}).map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
};

/** Sends one request; a body longer than `maxBody` (by its Content-Length) is not read: `body` is empty. */
export function send(request: ApiRequest, maxBody = Number.POSITIVE_INFINITY): Promise<Answer> {
  const secure = request.protocol === 'https:';
  const transmit = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = transmit(
      {
        method: request.method,
        protocol: request.protocol,
        hostname: request.hostname,
        ...(request.port ? { port: request.port } : {}),
        path: request.path + queryString(request.query),
        headers: request.headers,
        agent: secure ? agents().https : agents().http,
      },
      (res) => {
        const answer = { status: res.statusCode ?? 0, headers: res.headers };
        if (Number(res.headers['content-length'] ?? 0) > maxBody) {
          res.destroy();
          resolve({ ...answer, body: Buffer.alloc(0) });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ ...answer, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    // A kept-alive socket the server had closed while idle (a thawed Lambda's): the request never reached it.
    req.on('error', (error: Error & { reusedSocket?: boolean }) => {
      if (req.reusedSocket) error.reusedSocket = true;
      reject(error);
    });
    req.end(request.body);
  });
}

const MAX_ATTEMPTS = 3;
const retryable = (status: number) => status === 429 || status >= 500;
const jittered = (attempt: number) => Math.random() * Math.min(20_000, 100 * 2 ** attempt);
/** A connection that failed before any answer (a kept-alive socket the server had closed, a reset). */
const NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN']);

export interface CallOptions {
  /** The error of an answer that is not a success (its name the service's error code). */
  errorOf: (answer: Answer) => Error;
  /** Whether a connection failure is retried too: only for idempotent operations. */
  retryNetwork?: boolean;
  /** Whether a refusal that is not a 429 or 5xx is retried too (JSON APIs' throttling comes as a 400). */
  retryError?: (error: Error) => boolean;
  maxBody?: number;
}

/**
 * In a Lambda invocation, the invocation's trace header on every AWS call, as the SDK's recursion-detection
 * middleware sends it: the service joins the caller's trace (a Step Functions execution, an invoked function)
 * and Lambda's recursive-loop detection sees the chain. SigV4 never signs it (X-Ray may rewrite it on the way);
 * a header the caller set wins.
 */
function traceHeader(headers: Record<string, string>): Record<string, string> {
  const trace = process.env._X_AMZN_TRACE_ID;
  if (!trace || !process.env.AWS_LAMBDA_FUNCTION_NAME) return {};
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'x-amzn-trace-id')) return {};
  return { 'x-amzn-trace-id': trace };
}

/** Signs and sends a request, retrying throttling and service faults (twice, jittered backoff). */
export async function signedCall(
  transport: Pick<AwsTransport, 'backoffMs'>,
  signer: SignatureV4,
  request: ApiRequest,
  options: CallOptions,
): Promise<Answer> {
  const host = `${request.hostname}${request.port ? `:${request.port}` : ''}`;
  const headers = { ...traceHeader(request.headers), ...request.headers, host };
  for (let attempt = 1; ; attempt++) {
    const signed = await signer.sign({
      method: request.method,
      protocol: request.protocol,
      hostname: request.hostname,
      ...(request.port ? { port: request.port } : {}),
      path: request.path,
      query: request.query ?? {},
      headers,
      ...(request.body ? { body: request.body } : {}),
    });
    let answer: Answer;
    try {
      answer = await send({ ...request, headers: signed.headers }, options.maxBody);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // Any operation is sent again when a reused idle socket was found closed (ECONNRESET/EPIPE on it, as
      // node's documentation advises); other connection failures only for operations safe to repeat.
      const stale =
        (error as { reusedSocket?: boolean }).reusedSocket === true &&
        (code === 'ECONNRESET' || code === 'EPIPE');
      const again = stale || (options.retryNetwork === true && code !== undefined && NETWORK.has(code));
      if (!again || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, (transport.backoffMs ?? jittered)(attempt)));
      continue;
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    const error = options.errorOf(answer);
    const again = retryable(answer.status) || options.retryError?.(error) === true;
    if (!again || attempt >= MAX_ATTEMPTS) throw error;
    await new Promise((resolve) => setTimeout(resolve, (transport.backoffMs ?? jittered)(attempt)));
  }
}

const sink = /* @__PURE__ */ once(() => daemonSink());

/** Runs one API call with its trace subsegment (`service` · `operation`) when the invocation is traced. */
export async function traced<T>(
  service: string,
  operation: string,
  region: string,
  call: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  let failure: { $metadata?: { httpStatusCode?: number; requestId?: string } } | undefined;
  try {
    return await call();
  } catch (error) {
    failure = error as typeof failure;
    throw error;
  } finally {
    const out = sink();
    if (out) {
      const { request_id, ...outcome } = awsOutcome(
        failure ? undefined : { $metadata: { httpStatusCode: 200 } },
        failure,
      );
      const document = subsegment(service, started, {
        namespace: 'aws',
        aws: { operation, region, ...(request_id ? { request_id } : {}) },
        ...outcome,
      });
      if (document) out(document);
    }
  }
}
