// The OpenAPI document as a test oracle: every answer the local gateway gives in the e2e suite must be one the
// document declares for its operation (status, media type, body schema, the error code's enum, a 429's
// Retry-After). Validated with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) and ajv-formats.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { ROUTES } from '../../lambdas/catalogue.js';
import { buildOpenApi, errorSchema } from '../../lambdas/openapi.js';
import type { GatewayExchange } from '../../local/gateway-observer.js';
import { MalformedPath, matchRoute } from '../../local/route-match.js';

type Json = Record<string, unknown>;
interface HeaderSpec {
  required?: boolean;
  $ref?: string;
}
interface ResponseSpec {
  headers?: Record<string, HeaderSpec>;
  content?: Record<string, { schema: Json }>;
}

const document = buildOpenApi();
const ajv = new Ajv2020({ allErrors: true, strict: false });
// ajv-formats is CommonJS: its plugin is the module's `default` under Node's ESM interop.
const addFormats = ((formats as unknown as { default?: unknown }).default ?? formats) as (a: Ajv2020) => void;
addFormats(ajv);
const compiled = new Map<Json, ValidateFunction>();
const validatorOf = (schema: Json): ValidateFunction => {
  const known = compiled.get(schema);
  if (known) return known;
  // `#/components/...` references resolve against the root: the document's components go beside the schema.
  const validate = ajv.compile({ ...schema, components: document.components });
  compiled.set(schema, validate);
  return validate;
};

/** What a path no route serves may answer: the gateway's own refusals. */
const unroutedError = errorSchema([
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'MALFORMED_PATH',
  'BAD_REQUEST',
]) as Json;

/**
 * The answers served outside the catalogue (never deployed): not part of the document. `/local/…`: the
 * local stand-ins of S3's upload endpoints (presigned POSTs), which answer as S3 does. `/console…`: the admin
 * console's static files (CloudFront serves them in the cloud).
 */
const LOCAL_ONLY = /^\/(_local\/|local\/|openapi\.json$|docs\b|console\b)/;

/** A declared header, its `#/components/headers/…` reference resolved. */
const headerSpec = (header: HeaderSpec): HeaderSpec =>
  header.$ref
    ? ((document.components.headers as Record<string, HeaderSpec>)[header.$ref.split('/').at(-1) ?? ''] ??
      header)
    : header;

/**
 * One request id end to end, on every answer of the local gateway: `x-request-id`, the same as
 * `x-amzn-RequestId` and, on an error, as the body's `requestId`.
 */
function requestIdProblems(what: string, exchange: GatewayExchange): string[] {
  const id = exchange.headers['x-request-id'];
  if (!id) return [`${what}: no x-request-id`];
  const problems =
    exchange.headers['x-amzn-requestid'] === id ? [] : [`${what}: x-amzn-RequestId ≠ x-request-id`];
  let body: { error?: { requestId?: unknown } } | undefined;
  try {
    body = JSON.parse(exchange.body) as typeof body;
  } catch {
    return problems;
  }
  if (body?.error && body.error.requestId !== id) {
    problems.push(`${what}: the error's requestId ${String(body.error.requestId)} is not x-request-id ${id}`);
  }
  return problems;
}

/** Why this answer is not one the document declares; empty when it is. */
export function contractViolations(exchange: GatewayExchange): string[] {
  const url = new URL(`http://localhost${exchange.url.startsWith('/') ? exchange.url : '/'}`);
  if (LOCAL_ONLY.test(url.pathname)) return [];
  const what = `${exchange.method} ${url.pathname} → ${exchange.status}`;
  const problems: string[] = requestIdProblems(what, exchange);
  if (exchange.status === 429 && !/^\d+$/.test(exchange.headers['retry-after'] ?? '')) {
    problems.push(`${what}: a 429 without Retry-After`);
  }
  let match: ReturnType<typeof matchRoute>;
  try {
    match = matchRoute(ROUTES, exchange.method, url.pathname);
  } catch (err) {
    if (!(err instanceof MalformedPath)) throw err;
    match = { kind: 'none' };
  }
  if (match.kind !== 'route') {
    // A CORS preflight, or the gateway's 404/405/400 for what no route serves.
    if (exchange.method === 'OPTIONS' && exchange.status === 204) return problems;
    return [...problems, ...bodyProblems(what, exchange, unroutedError)];
  }
  const operation = (document.paths[match.route.path] as Record<string, Json> | undefined)?.[
    match.route.method.toLowerCase()
  ] as { responses: Record<string, ResponseSpec> } | undefined;
  const declared = operation?.responses[String(exchange.status)];
  if (!declared)
    return [...problems, `${what}: status not declared for ${match.route.id}${codeOf(exchange)}`];
  for (const [name, header] of Object.entries(declared.headers ?? {})) {
    if (headerSpec(header).required && exchange.headers[name.toLowerCase()] === undefined) {
      problems.push(`${what}: header ${name} missing`);
    }
  }
  const type = (exchange.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const content = declared.content?.[type];
  if (!content) {
    if (exchange.body === '' && !declared.content) return problems;
    return [
      ...problems,
      `${what}: media type "${type}" not declared for ${match.route.id}${codeOf(exchange)}`,
    ];
  }
  if (type !== 'application/json') return problems;
  return [...problems, ...bodyProblems(`${what} (${match.route.id})`, exchange, content.schema)];
}

function bodyProblems(what: string, exchange: GatewayExchange, schema: Json): string[] {
  let body: unknown;
  try {
    body = JSON.parse(exchange.body);
  } catch {
    return [`${what}: body is not JSON`];
  }
  const validate = validatorOf(schema);
  if (validate(body)) return [];
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ');
  return [`${what}: body does not match the document (${errors})${codeOf(exchange)}`];
}

const codeOf = (exchange: GatewayExchange): string => {
  try {
    const code = (JSON.parse(exchange.body) as { error?: { code?: string } }).error?.code;
    return code ? ` [code ${code}]` : '';
  } catch {
    return '';
  }
};
