// Unit tests of the local gateway with stand-in functions: API Gateway's handling of the authorizer's answer,
// the proxy event it builds, and crashes answered as JSON without their detail.
import { request } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import type { RouteSpec } from '../../lambdas/catalogue.js';
import { jsonResponse, PUBLIC_URL_VARIABLE } from '../../lambdas/kernel/http.js';
import { createGateway, type GatewayOptions } from '../../local/gateway.js';
import { close } from '../../local/listen.js';
import { LOCAL_TOKEN_HEADER } from '../../local/local-token.js';

const route = (
  method: RouteSpec['method'],
  path: string,
  auth: 'public' | 'user',
  id: string,
): RouteSpec => ({
  id,
  method,
  path,
  auth,
  entry: `lambdas/${id}.ts`,
  summary: id,
  tag: 'test',
  response: z.object({}),
  status: 200,
  access: [],
});

const routes = [
  route('GET', '/v1/things/{thingId}', 'user', 'GetThing'),
  route('GET', '/v1/things/latest', 'public', 'GetLatestThing'),
  route('GET', '/v1/crash', 'public', 'Crash'),
  route('GET', '/v1/malformed', 'public', 'Malformed'),
];

const allow = (event: APIGatewayTokenAuthorizerEvent, effect: 'Allow' | 'Deny') => ({
  principalId: 'u-1',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn }],
  },
  context: { userId: 'u-1', sessionId: 's-1', username: 'alice', level: 2 },
});

const TOKEN = 'test-local-token-0123456789abcdef';
const PUBLIC_URL = 'http://127.0.0.1:3000';
const withToken = { [LOCAL_TOKEN_HEADER]: TOKEN };
let server: ReturnType<typeof createGateway> | undefined;
const calls: { id: string; event: unknown }[] = [];
const logged: unknown[] = [];

async function start(authorizer: GatewayOptions['invoke']): Promise<string> {
  calls.length = 0;
  server = createGateway({
    routes,
    authorizer: { id: 'Authorizer', entry: 'lambdas/auth.ts', access: [] },
    localRoutes: [
      { method: 'GET', path: '/_local/ping', handle: async () => ({ status: 200, body: { pong: true } }) },
      { method: 'POST', path: '/_local/make', handle: async () => ({ status: 201, body: { made: true } }) },
    ],
    localToken: TOKEN,
    publicBaseUrl: () => PUBLIC_URL,
    region: 'eu-west-1',
    log: (_line, error) => error && logged.push(error),
    invoke: async (id, event, requestId) => {
      calls.push({ id, event });
      if (id === 'Authorizer') return authorizer(id, event, requestId);
      if (id === 'Crash') throw new Error(`boom at ${import.meta.url}`);
      if (id === 'Malformed') return { body: 'no status' };
      return jsonResponse(200, { id, pathParameters: (event as APIGatewayProxyEvent).pathParameters });
    },
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  if (server) await close(server);
  server = undefined;
});

describe('local gateway', () => {
  it('builds a REST proxy event with path parameters, query, headers, source IP and the authorizer context', async () => {
    const url = await start(async (_id, event) => allow(event as APIGatewayTokenAuthorizerEvent, 'Allow'));
    const response = await fetch(`${url}/v1/things/t%2F1?x=1&x=2`, {
      headers: { Authorization: 'Bearer a.b.c', 'User-Agent': 'palisade-test/1' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'GetThing', pathParameters: { thingId: 't/1' } });
    const authorizerEvent = calls[0]?.event as APIGatewayTokenAuthorizerEvent;
    expect(authorizerEvent).toEqual({
      type: 'TOKEN',
      authorizationToken: 'Bearer a.b.c',
      methodArn: 'arn:aws:execute-api:eu-west-1:000000000000:local/local/GET/v1/things/t%2F1',
    });
    const event = calls[1]?.event as APIGatewayProxyEvent;
    expect(event).toMatchObject({
      resource: '/v1/things/{thingId}',
      httpMethod: 'GET',
      queryStringParameters: { x: '2' },
      multiValueQueryStringParameters: { x: ['1', '2'] },
      body: null,
    });
    expect(event.headers.Authorization).toBe('Bearer a.b.c');
    expect(event.requestContext.identity.sourceIp).toBe('127.0.0.1');
    expect(event.requestContext.identity.userAgent).toBe('palisade-test/1');
    expect(event.requestContext.authorizer).toEqual({
      userId: 'u-1',
      sessionId: 's-1',
      username: 'alice',
      level: '2',
      principalId: 'u-1',
    });
    expect(response.headers.get('x-amzn-requestid')).toBe(event.requestContext.requestId);
  });

  it('A4 A7 C1 every function gets the configured public base URL as its stage variable, whatever the Host', async () => {
    const url = await start(async (_id, event) => allow(event as APIGatewayTokenAuthorizerEvent, 'Allow'));
    const { port } = new URL(url);
    const answer = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/things/t1',
          headers: { host: 'evil.example', authorization: 'Bearer a.b.c' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer).toBe(200);
    const event = calls[1]?.event as APIGatewayProxyEvent;
    expect(event.headers.host).toBe('evil.example');
    expect(event.stageVariables).toEqual({ [PUBLIC_URL_VARIABLE]: PUBLIC_URL });
  });

  it('a literal path segment wins over a path parameter', async () => {
    const url = await start(async () => ({}));
    expect(await (await fetch(`${url}/v1/things/latest`)).json()).toMatchObject({ id: 'GetLatestThing' });
  });

  it('a missing Authorization header is 401 without calling the authorizer; its Unauthorized is 401', async () => {
    const url = await start(async () => {
      throw new Error('Unauthorized');
    });
    const missing = await fetch(`${url}/v1/things/t1`);
    expect(missing.status).toBe(401);
    expect(calls).toHaveLength(0);
    const refused = await fetch(`${url}/v1/things/t1`, { headers: { authorization: 'Bearer x' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(calls.map((c) => c.id)).toEqual(['Authorizer']);
  });

  it("an authorizer's Deny is 403, and a failing authorizer is a 500 with no detail", async () => {
    const denied = await start(async (_id, event) => allow(event as APIGatewayTokenAuthorizerEvent, 'Deny'));
    const response = await fetch(`${denied}/v1/things/t1`, { headers: { authorization: 'Bearer x' } });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    await close(server as NonNullable<typeof server>);

    const broken = await start(async () => {
      throw new TypeError('cannot read properties of undefined');
    });
    const failed = await fetch(`${broken}/v1/things/t1`, { headers: { authorization: 'Bearer x' } });
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain('cannot read');
  });

  it('a crashing or malformed handler is a 500 JSON error without stack or paths; the log keeps the error', async () => {
    const url = await start(async () => ({}));
    for (const path of ['/v1/crash', '/v1/malformed']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({
        error: { code: 'INTERNAL_ERROR', message: 'Internal error' },
      });
      expect(text).not.toMatch(/boom|file:|\.ts|at /);
    }
    expect(logged.length).toBeGreaterThanOrEqual(2);
  });

  it('serves local routes, with 405 and an Allow header for another method', async () => {
    const url = await start(async () => ({}));
    expect(await (await fetch(`${url}/_local/ping`, { headers: withToken })).json()).toEqual({ pong: true });
    const wrong = await fetch(`${url}/_local/ping`, { method: 'DELETE', headers: withToken });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    const wrongRoute = await fetch(`${url}/v1/crash`, { method: 'POST', body: '{}' });
    expect(wrongRoute.status).toBe(405);
    expect(wrongRoute.headers.get('allow')).toBe('GET');
  });

  it('A1/I2 local routes need the per-start token, refuse web pages (Origin) and non-JSON posts', async () => {
    const url = await start(async () => ({}));
    const codeOf = async (r: Response) => ((await r.json()) as { error?: { code: string } }).error?.code;
    const none = await fetch(`${url}/_local/ping`);
    expect([none.status, await codeOf(none)]).toEqual([403, 'LOCAL_ONLY']);
    const wrongToken = await fetch(`${url}/_local/ping`, { headers: { [LOCAL_TOKEN_HEADER]: 'guess' } });
    expect(wrongToken.status).toBe(403);
    const fromPage = await fetch(`${url}/_local/make`, {
      method: 'POST',
      headers: { ...withToken, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect([fromPage.status, await codeOf(fromPage)]).toEqual([403, 'LOCAL_ONLY']);
    const plain = await fetch(`${url}/_local/make`, {
      method: 'POST',
      headers: { ...withToken, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(plain.status).toBe(415);
    const json = await fetch(`${url}/_local/make`, {
      method: 'POST',
      headers: { ...withToken, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(201);
  });

  it('a request node:http cannot parse gets a 400 in the same JSON shape', async () => {
    const url = new URL(await start(async () => ({})));
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'BAD_REQUEST' },
    });
  });
});
