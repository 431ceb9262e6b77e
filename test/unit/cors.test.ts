// Unit tests of the CORS origin rule (lambdas/kernel/cors.ts, kernel/http.ts) and of the headers every
// handler answer carries: an allowed Origin exactly, on successes and on errors alike; a 429's Retry-After.
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { corsOrigin, corsOrigins, originAllowed } from '../../lambdas/kernel/cors.js';
import { Conflict, TooManyRequests } from '../../lambdas/kernel/errors.js';
import { CORS_ORIGINS_VARIABLE, corsHeaders, httpHandler } from '../../lambdas/kernel/http.js';

const APP = 'https://app.exchange.example';
const DEV = 'http://localhost:5173';
const context = { awsRequestId: 'req-1', functionName: 'test' } as Context;

function event(headers: Record<string, string>, origins = `${APP},${DEV}`) {
  return {
    body: null,
    headers,
    multiValueHeaders: {},
    httpMethod: 'GET',
    isBase64Encoded: false,
    path: '/v1/things',
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: {
      publicBaseUrl: 'https://api.exchange.example',
      ...(origins ? { [CORS_ORIGINS_VARIABLE]: origins } : {}),
    },
    resource: '/v1/things',
    requestContext: { identity: { sourceIp: '203.0.113.9' } } as APIGatewayProxyEvent['requestContext'],
  } as APIGatewayProxyEvent;
}

describe('CORS origin rule', () => {
  it('E3 an allowed origin is exact: https, or plain http on loopback; no wildcard, path, credentials or null', () => {
    expect(corsOrigin(APP)).toBe(APP);
    expect(corsOrigin(' https://app.exchange.example:8443 ')).toBe('https://app.exchange.example:8443');
    expect(corsOrigin(DEV)).toBe(DEV);
    expect(corsOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    for (const bad of [
      '*',
      'https://*.exchange.example',
      'null',
      'app.exchange.example',
      'http://app.exchange.example',
      'https://app.exchange.example/',
      'https://app.exchange.example/app',
      'https://app.exchange.example?x=1',
      'https://user:pw@app.exchange.example',
      'file:///etc/passwd',
    ]) {
      expect(() => corsOrigin(bad), bad).toThrow();
    }
    expect(corsOrigins(`${APP}, ${DEV},${APP},`)).toEqual([APP, DEV]);
    expect(corsOrigins('')).toEqual([]);
    expect(originAllowed(APP, [APP])).toBe(true);
    expect(originAllowed('https://APP.exchange.example', [APP])).toBe(false);
    expect(originAllowed(undefined, [APP])).toBe(false);
  });

  it('E3 an answer names the Origin only when it is allowed, with Vary: Origin; otherwise no CORS header', () => {
    expect(corsHeaders(event({ Origin: APP }))).toEqual({
      'access-control-allow-origin': APP,
      'access-control-expose-headers': 'Retry-After, x-request-id, x-amzn-RequestId',
      vary: 'Origin',
    });
    // Header names as the client sent them (HTTP/2 lowercases).
    expect(corsHeaders(event({ origin: DEV }))['access-control-allow-origin']).toBe(DEV);
    expect(corsHeaders(event({ Origin: 'https://evil.example' }))).toEqual({});
    expect(corsHeaders(event({ Origin: `${APP}.evil.example` }))).toEqual({});
    expect(corsHeaders(event({ Origin: 'null' }))).toEqual({});
    expect(corsHeaders(event({}))).toEqual({});
    // No origins configured: nothing, whatever the request says.
    expect(corsHeaders(event({ Origin: APP }, ''))).toEqual({});
  });

  it("E3 a handler's answers carry it, its error answers too (A3: a 429 with Retry-After and RATE_LIMITED)", async () => {
    const outcomes: Error[] = [
      new Conflict('Busy', 'CONCURRENT_UPDATE'),
      new TooManyRequests('Slow down', 42),
    ];
    const handler = httpHandler({ query: z.object({}) }, async () => {
      const next = outcomes.shift();
      if (next) throw next;
      return { body: { ok: true } };
    });
    const call = () => handler(event({ Origin: APP }), context);
    const conflict = await call();
    expect(conflict.statusCode).toBe(409);
    expect(conflict.headers).toMatchObject({ 'access-control-allow-origin': APP, vary: 'Origin' });
    const limited = await call();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers).toMatchObject({ 'access-control-allow-origin': APP, 'retry-after': '42' });
    expect(JSON.parse(limited.body).error.code).toBe('RATE_LIMITED');
    const ok = await call();
    expect(ok.statusCode).toBe(200);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': APP });
    // Another origin gets no CORS header on any answer.
    const other = await handler(event({ Origin: 'https://evil.example' }), context);
    expect(other.headers).not.toHaveProperty('access-control-allow-origin');
  });
});
