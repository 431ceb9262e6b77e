// Builds the OpenAPI 3.1 document from the catalogue: served by the local gateway at /openapi.json and
// checked against the routes in the tests. Every status a route can answer is listed with the error body
// whose `code` is an enum of the codes that route can produce: those every route of its kind answers
// (routeCodes) and the route's own (`errors` in its routes.ts), all from the one registry
// (lambdas/kernel/error-codes.ts). The e2e suite validates every answer it gets against this document.
import * as z from 'zod/mini';
import { ROUTES, type RouteSpec } from './catalogue.js';
import { CORS_ALLOWED_HEADERS } from './kernel/cors.js';
import { ERROR_CODES, type ErrorCode, statusesOf } from './kernel/error-codes.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request',
  401: 'Missing, invalid or revoked token, or wrong credentials',
  403: 'Refused',
  404: 'Not found',
  405: 'Method not allowed on this path',
  409: 'Conflict with the current state',
  410: 'Used up or expired',
  413: 'Request too large',
  415: 'Unsupported media type',
  429: 'Rate limited: wait `Retry-After` seconds',
  500: 'Internal error (no detail is disclosed)',
  503: 'Temporarily unavailable: nothing was done',
};

/** The error body, with its `code` limited to `codes` (every registered code when none are given). */
export function errorSchema(codes?: readonly ErrorCode[]) {
  return {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', enum: [...(codes ?? (Object.keys(ERROR_CODES) as ErrorCode[]))] },
          message: { type: 'string' },
          requestId: { type: 'string' },
          details: {
            type: 'array',
            items: {
              type: 'object',
              required: ['path', 'message'],
              additionalProperties: false,
              properties: { path: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
    },
  } as const;
}

/** The Error schema with its `code` narrowed to `codes`: what one operation's error answer of a status is. */
const codesOnly = (codes: readonly ErrorCode[]) => ({
  allOf: [
    { $ref: '#/components/schemas/Error' },
    { properties: { error: { properties: { code: { enum: [...codes] } } } } },
  ],
});

const jsonSchemaOf = (schema: z.ZodMiniType, io: 'input' | 'output' = 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io }) as Record<string, unknown>;
  return rest;
};

/** The `{name}` parameters of an API Gateway path template. */
export const pathParametersOf = (path: string): string[] =>
  [...path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1] as string);

/**
 * The codes every route of this kind can answer, whatever its own rules: API Gateway's and the firewall's
 * refusals (400, 403, 413, 415, 429, 500 on every route), the handler's input checks (kernel/http.ts), the
 * authorizers (401, 403) and an emailed link's action (410).
 */
export function routeCodes(route: RouteSpec): ErrorCode[] {
  const codes: ErrorCode[] = [
    'VALIDATION_FAILED',
    'BAD_REQUEST',
    'MALFORMED_PATH',
    'MALFORMED_JSON',
    ...(route.body ? [] : (['UNEXPECTED_BODY'] as const)),
    'FORBIDDEN',
    'PAYLOAD_TOO_LARGE',
    'UNSUPPORTED_MEDIA_TYPE',
    'RATE_LIMITED',
    'INTERNAL_ERROR',
  ];
  if (route.auth !== 'public') codes.push('UNAUTHORIZED', 'NOT_FOUND');
  if (pathParametersOf(route.path).length > 0 && !route.link) codes.push('NOT_FOUND');
  // A write (or an audited admin read) may meet another request changing the same signed row or the audit chain.
  if (route.method !== 'GET' || route.auth === 'admin') codes.push('CONCURRENT_UPDATE', 'AUDIT_CONTENTION');
  if (route.auth === 'admin') codes.push('TIER_NOT_ALLOWED');
  if (route.link === 'action') codes.push('LINK_INVALID', 'LINK_EXPIRED', 'LINK_USED');
  return [...new Set([...codes, ...(route.errors ?? [])])];
}

/** The statuses of a route's error answers, each with its codes. */
export function errorStatuses(route: RouteSpec): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of routeCodes(route)) {
    for (const status of statusesOf(code)) byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

function parameters(route: RouteSpec) {
  const params: Record<string, unknown>[] = pathParametersOf(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', minLength: 1 },
  }));
  if (route.query) {
    const schema = jsonSchemaOf(route.query, 'input') as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      params.push({
        name,
        in: 'query',
        required: schema.required?.includes(name) ?? false,
        schema: property,
      });
    }
  }
  for (const [name, header] of Object.entries(route.headers ?? {})) {
    params.push({
      name,
      in: 'header',
      required: header.required,
      description: header.description,
      schema: jsonSchemaOf(header.schema, 'input'),
    });
  }
  return params;
}

/** The request id headers every answer carries (docs/decisions.md: one request id end to end). */
const REQUEST_ID_HEADERS = {
  'x-amzn-RequestId': { $ref: '#/components/headers/AmznRequestId' },
  'x-request-id': { $ref: '#/components/headers/RequestId' },
} as const;

const HEADER_COMPONENTS = {
  AmznRequestId: {
    description:
      "API Gateway's id of the request, on every answer: the same as an error's `requestId` and the logs' " +
      'correlation id',
    required: true,
    schema: { type: 'string' },
  },
  RequestId: {
    description:
      "The same id, on every answer of an operation (API Gateway's own refusals carry `x-amzn-RequestId` only)",
    required: false,
    schema: { type: 'string' },
  },
} as const;

function operation(route: RouteSpec) {
  // A link's page answers HTML, its refusals too; an action answers a form with HTML as well.
  const errorContent = (codes: ErrorCode[]) => ({
    ...(route.link === 'page' ? {} : { 'application/json': { schema: codesOnly(codes) } }),
    ...(route.link ? { 'text/html': { schema: { type: 'string' } } } : {}),
  });
  const errors = Object.fromEntries(
    [...errorStatuses(route)].map(([status, codes]) => [
      String(status),
      {
        description: `${STATUS_TEXT[status] ?? 'Error'}: ${codes.join(', ')}`,
        headers: {
          ...REQUEST_ID_HEADERS,
          ...(status === 429
            ? {
                'Retry-After': {
                  description:
                    'Seconds to wait before the same request may succeed (0: start the flow again)',
                  required: true,
                  schema: { type: 'integer', minimum: 0 },
                },
              }
            : {}),
        },
        content: errorContent(codes),
      },
    ]),
  );
  const params = parameters(route);
  return {
    operationId: route.id,
    summary: route.summary,
    tags: [route.tag],
    security:
      route.auth === 'user' ? [{ userToken: [] }] : route.auth === 'admin' ? [{ adminToken: [] }] : [],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: jsonSchemaOf(route.body, 'input') },
              // An emailed link's action also takes its page's form (kernel/link-page.ts), and answers it in HTML.
              ...(route.link === 'action'
                ? { 'application/x-www-form-urlencoded': { schema: jsonSchemaOf(route.body, 'input') } }
                : {}),
            },
          },
        }
      : {}),
    responses: {
      [String(route.status)]: {
        description: route.summary,
        headers: REQUEST_ID_HEADERS,
        content:
          route.link === 'page'
            ? { 'text/html': { schema: { type: 'string' } } }
            : {
                'application/json': { schema: jsonSchemaOf(route.response) },
                ...(route.link === 'action' ? { 'text/html': { schema: { type: 'string' } } } : {}),
              },
      },
      ...errors,
    },
  };
}

export function buildOpenApi(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Palisade API',
      version: '0.1.0',
      description:
        'Account security and compliance API of the exchange. Every error answer is ' +
        '`{"error":{"code","message","requestId"}}` (`details` on validation errors) with a stable `code` from ' +
        '`components.schemas.Error`; each operation lists the codes it can answer per status. A method a path ' +
        'does not take is 405 (`METHOD_NOT_ALLOWED`, with `Allow`), a path that does not exist 404 ' +
        '(`NOT_FOUND`). Every 429 carries `Retry-After`. Every answer names its request in `x-amzn-RequestId` ' +
        "(API Gateway's request id) and every answer of an operation also in `x-request-id`: the same id as an " +
        "error's `requestId` and the logs' correlation id; quote it when reporting a problem. " +
        'Request bodies refuse unknown fields. Web clients: the ' +
        'allowed origins are configured per deploy (`corsOrigins`); preflight requests may send ' +
        `${CORS_ALLOWED_HEADERS.join(', ')}.`,
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      schemas: { Error: errorSchema() },
      headers: HEADER_COMPONENTS,
      securitySchemes: {
        userToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Cognito access token of the user pool',
        },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'D1: access token of the admin pool (POST /v1/admin/auth/login, then /challenge); never valid on a ' +
            'user route, as a user token is never valid on an admin route',
        },
      },
    },
  };
}
