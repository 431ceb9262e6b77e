// HTTP wiring for every API handler: Powertools middlewares, size/JSON/zod checks, typed-error mapping.

import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import {
  PayloadTooLarge,
  toErrorResponse,
  Unauthorized,
  UnsupportedMediaType,
  ValidationError,
} from './errors.js';
import { logger, publishMetrics, SERVICE_NAME } from './observability.js';
import { logContext } from './runtime/log-context.js';
import { checkRequiredEnv } from './runtime/required-env.js';
import { captureLambdaHandler } from './runtime/tracing.js';
import { ADMIN_TIERS, type AdminTier } from './settings.js';

export const MAX_BODY_BYTES = 16 * 1024;

export interface CallerIdentity {
  userId: string;
  sessionId: string;
  username: string;
}

export interface HttpRequest<B, Q> {
  body: B;
  query: Q;
  pathParams: Record<string, string>;
  sourceIp: string;
  userAgent: string | undefined;
  requestId: string;
  /** The API's configured public base URL (baseUrlOf): where links in emails and SMS point. */
  readonly baseUrl: string;
}

export interface HttpResult {
  status?: number;
  body: unknown;
}

export const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
} as const;

export const jsonResponse = (
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): APIGatewayProxyResult => ({
  statusCode: status,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

/** A request header's value, whatever its case (API Gateway passes names as the client sent them). */
export const headerOf = (event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

/**
 * The stage variable listing the web origins allowed to read the API's answers (CORS), comma-separated:
 * lib/api.ts sets it from the deploy setting `corsOrigins` (lambdas/kernel/cors.ts checks each), the local
 * gateway from PALISADE_CORS_ORIGINS. Absent: no origin is allowed, no CORS header is sent.
 */
export const CORS_ORIGINS_VARIABLE = 'corsOrigins';

/**
 * The answer header naming the request (every answer of a function, success or error, and every answer of the
 * local gateway): API Gateway's request id, the `requestId` of an error body and the logs' correlation id.
 */
export const REQUEST_ID_HEADER = 'x-request-id';

/** The answer headers a web page may read besides the safelisted ones. */
export const CORS_EXPOSED_HEADERS = `Retry-After, ${REQUEST_ID_HEADER}, x-amzn-RequestId`;

/**
 * The one id of a request end to end: API Gateway's (`$context.requestId`, which API Gateway also answers as
 * `x-amzn-RequestId` and writes in its access log). The Lambda's own invocation id (`awsRequestId`) names an
 * invocation, not the client's request, so it is only the fallback of an event without a request context.
 */
export const requestIdOf = (
  event: Pick<APIGatewayProxyEvent, 'requestContext'> | null | undefined,
  context: Pick<Context, 'awsRequestId'>,
): string => {
  const id = event?.requestContext?.requestId;
  return typeof id === 'string' && id !== '' ? id : context.awsRequestId;
};

/**
 * CORS on an answer: when the request's Origin is one of the stage's allowed origins (exactly: never a
 * pattern, never `*`, and no credentials, the API takes bearer tokens, not cookies), that origin with
 * `Vary: Origin`; nothing otherwise, so the browser keeps the answer from the page.
 */
export function corsHeaders(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'stageVariables'>,
): Record<string, string> {
  const origin = headerOf(event, 'origin');
  return origin && event.stageVariables?.[CORS_ORIGINS_VARIABLE]?.split(',').includes(origin)
    ? {
        'access-control-allow-origin': origin,
        'access-control-expose-headers': CORS_EXPOSED_HEADERS,
        vary: 'Origin',
      }
    : {};
}

/** Turns zod issues into client-facing details: paths and messages, never the submitted values. */
export function validationError(message: string, issues: readonly z.core.$ZodIssue[]): ValidationError {
  return new ValidationError(
    message,
    issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })),
  );
}

export function parseWith<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const result = z.safeParse(schema, value);
  if (!result.success) throw validationError(`Invalid ${what}`, result.error.issues);
  return result.data;
}

/**
 * The request body as JSON; with `form` (an emailed link's button, kernel/link-page.ts), an
 * application/x-www-form-urlencoded body is taken as well, as its fields. Any other type is 415.
 */
export function parseBody(event: APIGatewayProxyEvent, form?: boolean): unknown {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLarge(`Request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  const contentType = headerOf(event, 'content-type');
  if (contentType && !/^application\/json\b/i.test(contentType)) {
    if (form && /^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      return Object.fromEntries(new URLSearchParams(raw));
    }
    throw new UnsupportedMediaType('Request body must be application/json');
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new ValidationError('Request body is not valid JSON', undefined, 'MALFORMED_JSON');
  }
}

/** The stage variable holding the API's public base URL: lib/api.ts sets it, the local gateway likewise. */
export const PUBLIC_URL_VARIABLE = 'publicBaseUrl';

/**
 * The API's public base URL, where emailed and texted links point: configured for the stage (lib/api.ts: the
 * `publicBaseUrl` setting, else the stage's execute-api URL; locally the gateway's own configured address),
 * never taken from the request (its Host header is the client's to choose).
 */
export function baseUrlOf(event: APIGatewayProxyEvent): string {
  const url = event.stageVariables?.[PUBLIC_URL_VARIABLE];
  if (!url) throw new Error(`The stage variable ${PUBLIC_URL_VARIABLE} is not set`);
  return url;
}

/** The caller as established by the authorizer: the only source of a user id on user routes (E5). */
export function callerOf(event: APIGatewayProxyEvent): CallerIdentity {
  const ctx = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const userId = ctx?.userId;
  const sessionId = ctx?.sessionId;
  const username = ctx?.username;
  // An admin is never a user (D1): an admin context on a user route is refused even if it names a user.
  if (ctx?.principal === 'admin') throw new Unauthorized('Authentication required');
  if (typeof userId !== 'string' || typeof sessionId !== 'string' || typeof username !== 'string') {
    throw new Unauthorized('Authentication required');
  }
  return { userId, sessionId, username };
}

/** An admin as the admin authorizer describes them (D1): never a user, whatever the token says. */
export interface AdminCaller {
  adminId: string;
  username: string;
  sessionId: string;
  /** The admin's tiers (groups of the admin pool), as the authorizer verified them. */
  tiers: AdminTier[];
}

/**
 * The admin behind an admin route: the admin authorizer's context carries `principal: 'admin'` and the tiers
 * joined by commas. A user's context (no `principal`) is Unauthorized here, as an admin's is in `callerOf`.
 */
export function adminCallerOf(event: APIGatewayProxyEvent): AdminCaller {
  const ctx = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const { principal, adminId, sessionId, username, tiers } = ctx ?? {};
  if (
    principal !== 'admin' ||
    typeof adminId !== 'string' ||
    typeof sessionId !== 'string' ||
    typeof username !== 'string' ||
    typeof tiers !== 'string'
  ) {
    throw new Unauthorized('Authentication required');
  }
  const parsed = tiers
    .split(',')
    .filter((t): t is AdminTier => (ADMIN_TIERS as readonly string[]).includes(t));
  if (parsed.length === 0) throw new Unauthorized('Authentication required');
  return { adminId, username, sessionId, tiers: parsed };
}

const errorResponses = (): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> => ({
  onError: async (request) => {
    const { status, body, headers } = toErrorResponse(
      request.error,
      requestIdOf(request.event, request.context),
    );
    if (status >= 500) logger.error('request failed', { error: request.error as Error });
    else logger.info('request refused', { status, code: body.error.code });
    request.response = jsonResponse(status, body, headers);
  },
});

export interface RouteContract<B, Q> {
  body?: z.ZodMiniType<B>;
  query?: z.ZodMiniType<Q>;
  /**
   * The body is not parsed here: a webhook whose signature covers the raw bytes (F1) reads it with
   * raw-body.ts `rawBodyOf` (bounded by MAX_BODY_BYTES there); `body` must then be absent. Kept out of this
   * module so the bundles of every other route do not carry it.
   */
  raw?: true;
  /** Runs first, before the body is read: refuses a caller (401/403) whatever they sent (admin-route.ts). */
  authorize?: (event: APIGatewayProxyEvent) => void | Promise<void>;
}

/** Wraps route logic into a Lambda handler: parse and validate first, then call the domain, then map errors. */
export function httpHandler<B = undefined, Q = undefined>(
  contract: RouteContract<B, Q>,
  logic: (request: HttpRequest<B, Q>, event: APIGatewayProxyEvent) => Promise<HttpResult>,
) {
  const base = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    await contract.authorize?.(event);
    const rawBody = contract.raw ? undefined : parseBody(event);
    if (!contract.body && rawBody !== undefined) {
      throw new ValidationError('This endpoint takes no request body', undefined, 'UNEXPECTED_BODY');
    }
    const body = contract.body ? parseWith(contract.body, rawBody, 'request body') : (undefined as B);
    const query = contract.query
      ? parseWith(contract.query, event.queryStringParameters ?? {}, 'query string')
      : (undefined as Q);
    const result = await logic(
      {
        body,
        query,
        pathParams: (event.pathParameters ?? {}) as Record<string, string>,
        sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
        userAgent: event.requestContext?.identity?.userAgent ?? undefined,
        requestId: requestIdOf(event, context),
        get baseUrl() {
          return baseUrlOf(event);
        },
      },
      event,
    );
    return jsonResponse(result.status ?? 200, result.body);
  };
  return instrumented(base).use(errorResponses());
}

/**
 * Adds the CORS headers and the request id to whatever the function answers, its error answers included
 * (registered first: last to run).
 */
const withAnswerHeaders = async (request: {
  event: APIGatewayProxyEvent;
  context: Context;
  response?: APIGatewayProxyResult | null;
}) => {
  if (request.response)
    request.response.headers = {
      ...request.response.headers,
      ...corsHeaders(request.event),
      [REQUEST_ID_HEADER]: requestIdOf(request.event, request.context),
    };
};

/**
 * A proxy handler with the Powertools middlewares every API function has, the request id as the logs'
 * correlation id, and CORS and the request id on every answer; the caller adds its error mapping.
 */
export const instrumented = (
  base: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>,
) =>
  middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>(base)
    .use({ after: withAnswerHeaders, onError: withAnswerHeaders })
    // The Lambda context on the logger, then the request id as its correlation id: every line of the request
    // names it.
    .use(logContext<APIGatewayProxyEvent, APIGatewayProxyResult>(logger, requestIdOf))
    .use(publishMetrics())
    .use(captureLambdaHandler(SERVICE_NAME));

/** For handlers whose dependencies are built from the Lambda environment on first use, not at import. */
export function lazyHandler<E, R>(
  build: () => (event: E, context: Context) => Promise<R>,
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  // In a Lambda container this runs at init: a function whose template lacks a variable its access list
  // needs fails its init naming the variable, not its first request. The local runtime calls makeHandler.
  if (env.AWS_LAMBDA_FUNCTION_NAME) checkRequiredEnv(env);
  let built: ((event: E, context: Context) => Promise<R>) | undefined;
  return (event: E, context: Context): Promise<R> => {
    built ??= build();
    return built(event, context);
  };
}
