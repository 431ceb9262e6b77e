// The events API Gateway (REST, Lambda proxy) hands to Lambdas, built from a node:http request: the TOKEN
// authorizer event, the proxy event, and the evaluation of the authorizer's IAM policy.
import type { IncomingMessage } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import type { RouteSpec } from '../lambdas/catalogue.js';
import { CORS_ORIGINS_VARIABLE, PUBLIC_URL_VARIABLE } from '../lambdas/kernel/http.js';
import { LOCAL_ACCOUNT } from './lambda-context.js';

export const LOCAL_API_ID = 'local';
export const LOCAL_STAGE = 'local';

export interface RequestFacts {
  route: RouteSpec;
  url: URL;
  pathParameters: Record<string, string> | null;
  body: string | null;
  requestId: string;
  region: string;
  /** The stage variable of the API's public base URL (lib/api.ts sets it in the cloud). */
  publicBaseUrl: string;
  /** CORS: the allowed web origins, the stage variable lib/api.ts sets in the cloud (none: not set). */
  corsOrigins?: readonly string[];
}

/** The stage variables of the local stage, as lib/api.ts sets them in the cloud. */
export const stageVariablesOf = (
  facts: Pick<RequestFacts, 'publicBaseUrl' | 'corsOrigins'>,
): Record<string, string> => ({
  [PUBLIC_URL_VARIABLE]: facts.publicBaseUrl,
  ...(facts.corsOrigins?.length ? { [CORS_ORIGINS_VARIABLE]: facts.corsOrigins.join(',') } : {}),
});

export const methodArn = (region: string, method: string, path: string): string =>
  `arn:aws:execute-api:${region}:${LOCAL_ACCOUNT}:${LOCAL_API_ID}/${LOCAL_STAGE}/${method}${path}`;

/** The client's address as API Gateway reports it: IPv4-mapped IPv6 addresses in their IPv4 form. */
export const sourceIpOf = (req: IncomingMessage): string =>
  (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

/** Header names as the client sent them; `headers` keeps the last value of a repeated header. */
function headersOf(req: IncomingMessage) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  return { headers, multiValueHeaders };
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function tokenAuthorizerEvent(
  req: IncomingMessage,
  facts: Pick<RequestFacts, 'url' | 'region'>,
  token: string,
): APIGatewayTokenAuthorizerEvent {
  return {
    type: 'TOKEN',
    authorizationToken: token,
    methodArn: methodArn(facts.region, req.method ?? 'GET', facts.url.pathname),
  };
}

export function proxyEvent(
  req: IncomingMessage,
  facts: RequestFacts,
  authorizer: Record<string, string> | null,
): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = headersOf(req);
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of facts.url.searchParams) {
    query[key] = value;
    multiQuery[key] = [...(multiQuery[key] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;
  const method = req.method ?? 'GET';
  const now = Date.now();
  return {
    resource: facts.route.path,
    path: facts.url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: facts.pathParameters,
    stageVariables: stageVariablesOf(facts),
    body: facts.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: LOCAL_API_ID,
      authorizer,
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: sourceIpOf(req),
        user: null,
        userAgent: headerValue(req, 'user-agent') ?? null,
        userArn: null,
      },
      path: `/${LOCAL_STAGE}${facts.url.pathname}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: facts.requestId,
      requestTimeEpoch: now,
      resourceId: facts.route.id,
      resourcePath: facts.route.path,
      stage: LOCAL_STAGE,
    },
  };
}

/**
 * What API Gateway does with an authorizer's answer: an explicit Deny or no matching Allow refuses the call;
 * otherwise the context (values as strings, with principalId) reaches the integration.
 */
export function authorizerDecision(
  result: APIGatewayAuthorizerResult,
  arn: string,
): { allow: true; context: Record<string, string> } | { allow: false } {
  const statements = [result.policyDocument?.Statement ?? []].flat() as unknown as Record<string, unknown>[];
  const applies = (s: Record<string, unknown>) =>
    [s.Action ?? []].flat().some((a) => matches(String(a), 'execute-api:Invoke')) &&
    [s.Resource ?? []].flat().some((r) => matches(String(r), arn));
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return { allow: false };
  if (!statements.some((s) => s.Effect === 'Allow' && applies(s))) return { allow: false };
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(result.context ?? {})) {
    if (value !== null && value !== undefined) context[key] = String(value);
  }
  context.principalId = result.principalId;
  return { allow: true, context };
}

/** IAM wildcards: `*` any run of characters, `?` one character. */
function matches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}
