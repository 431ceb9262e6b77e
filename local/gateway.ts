// The local API Gateway: a node:http server that matches the catalogue's routes, runs the same TOKEN
// authorizer and handlers in-process with REST proxy events, and answers its own refusals with the API's
// JSON error shape (lib/api.ts maps API Gateway's responses to the same shape in the cloud).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult } from 'aws-lambda';
import type { FunctionSpec, RouteSpec } from '../lambdas/catalogue.js';
import { CORS_ALLOWED_HEADERS, CORS_MAX_AGE_SECONDS } from '../lambdas/kernel/cors.js';
import {
  AppError,
  Forbidden,
  MethodNotAllowed,
  NotFound,
  toErrorResponse,
  UNAUTHORIZED,
  Unauthorized,
  UnsupportedMediaType,
  ValidationError,
} from '../lambdas/kernel/errors.js';
import { corsHeaders, jsonResponse, MAX_BODY_BYTES, REQUEST_ID_HEADER } from '../lambdas/kernel/http.js';
import type { GatewayExchange } from './gateway-observer.js';
import { isLoopback, LOCAL_TOKEN_HEADER, sameToken } from './local-token.js';
import {
  authorizerDecision,
  headerValue,
  methodArn,
  proxyEvent,
  stageVariablesOf,
  tokenAuthorizerEvent,
} from './proxy-event.js';
import { discardBody, readBody, readBytes } from './request-body.js';
import { MalformedPath, matchRoute } from './route-match.js';

/** A local-only endpoint (openapi, outbox, JWKS, dev users): never in the catalogue, never deployed. */
export interface LocalRoute {
  method: 'GET' | 'POST';
  path: string;
  /** An upload endpoint: the body is read as bytes up to this many (`body` is then null). */
  binaryLimit?: number;
  /**
   * `query`: the request's query parameters. A `contentType` answer sends `body` (a string) as it is, with
   * its `headers` if any.
   */
  handle(
    body: string | null,
    query: URLSearchParams,
    /** A `binary` route's body as bytes, with its content type (an upload). */
    upload?: { bytes: Uint8Array; contentType: string },
  ): Promise<{
    status: number;
    body: unknown;
    contentType?: string;
    headers?: Record<string, string>;
    /** With `contentType`: `body` is bytes, sent as they are (a document the local store serves). */
    binary?: boolean;
  }>;
}

export interface GatewayOptions {
  routes: readonly RouteSpec[];
  /** The authorizer of `auth: 'user'` routes. */
  authorizer: FunctionSpec;
  /** D1: the authorizer of `auth: 'admin'` routes; without one, every admin route answers 401. */
  adminAuthorizer?: FunctionSpec;
  localRoutes: readonly LocalRoute[];
  /**
   * The per-start secret of the local-only routes (/_local/*): they answer only loopback peers that send it,
   * with no Origin header (no web page), and POST only JSON. Without one, the local routes are not served.
   */
  localToken?: string;
  /**
   * The public base URL handed to every function as the stage variable lib/api.ts sets in the cloud
   * (PUBLIC_URL_VARIABLE): where emailed links point, whatever Host header a request carries.
   */
  publicBaseUrl: () => string;
  /**
   * CORS: the web origins allowed to read the answers (local/config.ts checked them; PALISADE_CORS_ORIGINS).
   * As in the cloud (lib/api.ts): a preflight (OPTIONS) on every route's path, and the functions' and the
   * gateway's own answers name an allowed Origin. None: no preflight and no CORS header.
   */
  corsOrigins?: readonly string[];
  invoke: (functionId: string, event: unknown, requestId: string) => Promise<unknown>;
  region: string;
  /** Access lines and crashes; the client never sees a crash's detail. */
  log?: (line: string, error?: unknown) => void;
  /** Sees every answer as sent (the e2e suite's contract check). */
  observe?: (exchange: GatewayExchange) => void;
}

/** A refusal before any function runs: the body is not read, and `allow` lists the path's methods. */
class Refusal extends Error {
  constructor(
    readonly error: AppError,
    readonly allow?: readonly string[],
  ) {
    super(error.message);
  }
}

export function createGateway(options: GatewayOptions): Server {
  const server = createServer((req, res) => {
    const started = Date.now();
    const requestId = randomUUID();
    // API Gateway's own answers carry the CORS headers its gateway responses set (lib/api.ts); the functions'
    // answers carry them already (kernel/http.ts). The local-only routes never answer a web page.
    const cors = (result: APIGatewayProxyResult): APIGatewayProxyResult =>
      req.url?.startsWith('/_local/')
        ? result
        : { ...result, headers: { ...result.headers, ...gatewayCors(options, req) } };
    const reply = (result: APIGatewayProxyResult) => {
      send(res, result, requestId);
      options.observe?.({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        status: res.statusCode,
        headers: Object.fromEntries(
          Object.entries(res.getHeaders()).map(([name, value]) => [name.toLowerCase(), String(value)]),
        ),
        body: result.isBase64Encoded ? '' : (result.body ?? ''),
      });
    };
    serve(options, req, requestId)
      .then((result) => reply(cors(result)))
      .catch((err: unknown) => {
        if (err instanceof Refusal) {
          discardBody(req);
          const response = errorResponse(err.error, requestId);
          if (err.allow) response.headers = { ...response.headers, allow: err.allow.join(', ') };
          return reply(cors(response));
        }
        if (!(err instanceof AppError && err.status < 500)) {
          options.log?.(`${req.method} ${req.url} failed (request ${requestId})`, err);
        }
        reply(cors(errorResponse(err, requestId)));
      })
      .finally(() => options.log?.(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`));
  });
  // Requests node:http cannot parse get the same JSON error shape instead of its bare 400.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const requestId = randomUUID();
    const body = JSON.stringify(
      toErrorResponse(new ValidationError('Malformed HTTP request', undefined, 'BAD_REQUEST'), requestId)
        .body,
    );
    const head = `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-amzn-requestid: ${requestId}\r\n${REQUEST_ID_HEADER}: ${requestId}\r\nconnection: close\r\n\r\n`;
    socket.end(head + body);
  });
  return server;
}

async function serve(
  options: GatewayOptions,
  req: IncomingMessage,
  requestId: string,
): Promise<APIGatewayProxyResult> {
  const method = req.method ?? 'GET';
  const url = requestUrl(req.url);

  const local = options.localRoutes.filter((r) => r.path === url.pathname);
  if (local.length > 0) {
    if (url.pathname.startsWith('/_local/')) guardLocal(options, req, method);
    const route = local.find((r) => r.method === method);
    if (!route)
      throw notAllowed(
        method,
        url,
        local.map((r) => r.method),
      );
    const result =
      route.binaryLimit === undefined
        ? await route.handle(await readBody(req, MAX_BODY_BYTES), url.searchParams)
        : await route.handle(null, url.searchParams, {
            bytes: await readBytes(req, route.binaryLimit),
            contentType: req.headers['content-type'] ?? '',
          });
    if (result.contentType && result.binary) {
      return {
        statusCode: result.status,
        headers: { ...result.headers, 'content-type': result.contentType },
        body: Buffer.from(result.body as Uint8Array).toString('base64'),
        isBase64Encoded: true,
      };
    }
    if (result.contentType) {
      return {
        statusCode: result.status,
        headers: { ...result.headers, 'content-type': result.contentType },
        body: String(result.body),
      };
    }
    return jsonResponse(result.status, result.body);
  }

  if (method === 'OPTIONS' && options.corsOrigins?.length) return preflight(options, req, url);
  const match = matchOrRefuse(options.routes, method, url);
  const body = await readBody(req, MAX_BODY_BYTES);
  const authorizer =
    match.route.auth === 'public'
      ? null
      : await authorize(options, authorizerOf(options, match.route), req, url, requestId);
  const event = proxyEvent(
    req,
    {
      ...match,
      url,
      body,
      requestId,
      region: options.region,
      publicBaseUrl: options.publicBaseUrl(),
      ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    },
    authorizer,
  );
  return asProxyResult(await options.invoke(match.route.id, event, requestId));
}

/**
 * The local-only routes create users and admins and show every code sent: only this machine's developer may
 * call them. Loopback peers only, the per-start token, no browser (an Origin header), JSON bodies only.
 */
function guardLocal(options: GatewayOptions, req: IncomingMessage, method: string): void {
  const refuse = (message: string) => new Refusal(new Forbidden(message, 'LOCAL_ONLY'));
  if (!isLoopback(req.socket.remoteAddress)) throw refuse('Local routes answer this machine only');
  if (!options.localToken) throw refuse('Local routes are not served');
  const given = req.headers[LOCAL_TOKEN_HEADER];
  if (!sameToken(options.localToken, typeof given === 'string' ? given : undefined)) {
    throw refuse(`Local routes need the ${LOCAL_TOKEN_HEADER} header that npm start printed`);
  }
  if (req.headers.origin !== undefined) throw refuse('Local routes refuse cross-origin requests');
  if (method === 'POST' && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new Refusal(new UnsupportedMediaType('Local routes take application/json'));
  }
}

/** The request target as a path: `//host/x` stays a path, an absolute-form target is refused. */
function requestUrl(target: string | undefined): URL {
  const malformed = () =>
    new Refusal(new ValidationError('Malformed request target', undefined, 'MALFORMED_PATH'));
  if (!target?.startsWith('/')) throw malformed();
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    throw malformed();
  }
}

function matchOrRefuse(routes: readonly RouteSpec[], method: string, url: URL) {
  let match: ReturnType<typeof matchRoute>;
  try {
    match = matchRoute(routes, method, url.pathname);
  } catch (err) {
    if (err instanceof MalformedPath)
      throw new Refusal(new ValidationError(err.message, undefined, 'MALFORMED_PATH'));
    throw err;
  }
  if (match.kind === 'none') throw new Refusal(new NotFound(`No route for ${method} ${url.pathname}`));
  if (match.kind === 'method-not-allowed') throw notAllowed(method, url, match.allowed);
  return match;
}

const notAllowed = (method: string, url: URL, allow: readonly string[]) =>
  new Refusal(new MethodNotAllowed(`${method} is not allowed on ${url.pathname}`), allow);

/** Each route's own authorizer, as lib/api.ts wires them: user routes the user's, admin routes the admin's. */
function authorizerOf(options: GatewayOptions, route: RouteSpec): FunctionSpec | undefined {
  return route.auth === 'admin' ? options.adminAuthorizer : options.authorizer;
}

/** API Gateway answers 401 without calling the authorizer when the identity source header is missing. */
async function authorize(
  options: GatewayOptions,
  spec: FunctionSpec | undefined,
  req: IncomingMessage,
  url: URL,
  requestId: string,
) {
  const token = headerValue(req, 'authorization');
  if (!token || !spec) throw new Unauthorized(UNAUTHORIZED);
  let result: APIGatewayAuthorizerResult;
  try {
    const event = tokenAuthorizerEvent(req, { url, region: options.region }, token);
    result = (await options.invoke(spec.id, event, requestId)) as APIGatewayAuthorizerResult;
  } catch (err) {
    // Exactly this message is API Gateway's 401; any other failure of the authorizer is a 500.
    if (err instanceof Error && err.message === UNAUTHORIZED) throw new Unauthorized(UNAUTHORIZED);
    throw err;
  }
  const decision = authorizerDecision(result, methodArn(options.region, req.method ?? 'GET', url.pathname));
  if (!decision.allow) throw new Forbidden('User is not authorized to access this resource');
  return decision.context;
}

function errorResponse(err: unknown, requestId: string): APIGatewayProxyResult {
  const { status, body, headers } = toErrorResponse(err, requestId);
  return jsonResponse(status, body, headers);
}

/** The CORS headers of an answer to this request: the functions' own rule (kernel/http.ts), same stage. */
function gatewayCors(options: GatewayOptions, req: IncomingMessage): Record<string, string> {
  const origin = headerValue(req, 'origin');
  return corsHeaders({
    headers: origin === undefined ? {} : { origin },
    stageVariables: stageVariablesOf({
      publicBaseUrl: '',
      ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    }),
  });
}

/**
 * A CORS preflight, answered as lib/api.ts's mock integration answers it: 204, and for an allowed Origin the
 * path's methods, the headers a client may send and how long to keep the answer. The gateway adds the
 * Origin itself (gatewayCors). A path without routes is 404; no function runs.
 */
async function preflight(
  options: GatewayOptions,
  req: IncomingMessage,
  url: URL,
): Promise<APIGatewayProxyResult> {
  let methods: readonly string[];
  try {
    const match = matchRoute(options.routes, 'OPTIONS', url.pathname);
    if (match.kind !== 'method-not-allowed')
      throw new Refusal(new NotFound(`No route for OPTIONS ${url.pathname}`));
    methods = match.allowed;
  } catch (err) {
    if (err instanceof MalformedPath)
      throw new Refusal(new ValidationError(err.message, undefined, 'MALFORMED_PATH'));
    throw err;
  }
  discardBody(req);
  const allowed = Object.keys(gatewayCors(options, req)).length > 0;
  return {
    statusCode: 204,
    headers: allowed
      ? {
          'access-control-allow-methods': [...methods, 'OPTIONS'].join(','),
          'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(','),
          'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
        }
      : {},
    body: '',
  };
}

function asProxyResult(result: unknown): APIGatewayProxyResult {
  const candidate = result as Partial<APIGatewayProxyResult> | null;
  if (!candidate || !Number.isInteger(candidate.statusCode))
    throw new Error('Malformed Lambda proxy response');
  return candidate as APIGatewayProxyResult;
}

function send(res: ServerResponse, result: APIGatewayProxyResult, requestId: string): void {
  if (res.headersSent) return;
  res.statusCode = result.statusCode;
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    res.setHeader(name, values.map(String));
  // API Gateway's own header, and the API's: the same id as an error body's `requestId` (the functions set
  // REQUEST_ID_HEADER from the event's requestContext.requestId, the gateway's own answers here).
  res.setHeader('x-amzn-requestid', requestId);
  if (!res.hasHeader(REQUEST_ID_HEADER)) res.setHeader(REQUEST_ID_HEADER, requestId);
  const body = result.body ?? '';
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}
