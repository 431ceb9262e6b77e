// Unit tests of the HTTP wiring every handler shares: bad input is a 4xx JSON error and reaches no logic.
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { Conflict, IntegrityError } from '../../lambdas/kernel/errors.js';
import { callerOf, httpHandler, MAX_BODY_BYTES } from '../../lambdas/kernel/http.js';

const context = { awsRequestId: 'req-1', functionName: 'test' } as Context;

function event(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    body: null,
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: {},
    httpMethod: 'POST',
    isBase64Encoded: false,
    path: '/v1/things',
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: '/v1/things',
    requestContext: {
      identity: { sourceIp: '203.0.113.9', userAgent: 'test' },
    } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

const contract = {
  body: z.object({ name: z.string().check(z.minLength(1)), amount: z.number() }),
  query: z.object({ page: z.optional(z.string()) }),
};

function makeRoute() {
  const logic = vi.fn(async (req: { body: unknown }) => ({ status: 201, body: { echoed: req.body } }));
  return { logic, handler: httpHandler(contract, logic) };
}

const call = async (handler: ReturnType<typeof makeRoute>['handler'], e: APIGatewayProxyEvent) => {
  const res = await handler(e, context);
  return { status: res.statusCode, body: JSON.parse(res.body), headers: res.headers ?? {} };
};

describe('httpHandler', () => {
  it('E3 a valid request reaches the logic and answers JSON with no-store and HSTS headers', async () => {
    const { handler, logic } = makeRoute();
    const res = await call(handler, event({ body: JSON.stringify({ name: 'a', amount: 1 }) }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ echoed: { name: 'a', amount: 1 } });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(logic).toHaveBeenCalledOnce();
  });

  it.each([
    ['malformed JSON', { body: '{"name":' }, 400, 'MALFORMED_JSON'],
    ['a wrong type', { body: JSON.stringify({ name: 'a', amount: 'ten' }) }, 400, 'VALIDATION_FAILED'],
    ['a missing body', { body: null }, 400, 'VALIDATION_FAILED'],
    [
      'an oversized body',
      { body: JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES), amount: 1 }) },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a non-JSON content type',
      { body: 'name=a', headers: { 'Content-Type': 'text/plain' } },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a bad query string',
      { body: '{"name":"a","amount":1}', queryStringParameters: { page: 3 as unknown as string } },
      400,
      'VALIDATION_FAILED',
    ],
  ])(
    'E3 %s is refused with a JSON error, no stack, and the logic never runs',
    async (_name, overrides, status, code) => {
      const { handler, logic } = makeRoute();
      const res = await call(handler, event(overrides as Partial<APIGatewayProxyEvent>));
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.requestId).toBe('req-1');
      expect(JSON.stringify(res.body)).not.toMatch(/\bat \S+ \(|\.ts:\d+/);
      expect(logic).not.toHaveBeenCalled();
    },
  );

  it('E3 validation details name the field but never echo the submitted value', async () => {
    const { handler } = makeRoute();
    const res = await call(
      handler,
      event({ body: JSON.stringify({ name: '', amount: 'secret-value-123' }) }),
    );
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['amount', 'name']);
    expect(JSON.stringify(res.body)).not.toContain('secret-value-123');
  });

  it('E3 a route without a body contract refuses a body', async () => {
    const handler = httpHandler({}, async () => ({ body: {} }));
    const res = await handler(event({ body: '{}' }), context);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('UNEXPECTED_BODY');
  });

  it('E3 typed errors map to their status; unknown and integrity errors become a generic 500', async () => {
    const conflict = httpHandler({}, async () => {
      throw new Conflict('Username is taken', 'USERNAME_TAKEN');
    });
    const res1 = await conflict(event(), context);
    expect(res1.statusCode).toBe(409);
    expect(JSON.parse(res1.body).error).toMatchObject({
      code: 'USERNAME_TAKEN',
      message: 'Username is taken',
    });

    for (const err of [
      new Error('db exploded at /srv/x.ts:12'),
      new IntegrityError('row u-1 signature mismatch'),
    ]) {
      const failing = httpHandler({}, async () => {
        throw err;
      });
      const res = await failing(event(), context);
      expect(res.statusCode).toBe(500);
      expect(JSON.parse(res.body).error).toEqual({
        code: 'INTERNAL_ERROR',
        message: 'Internal error',
        requestId: 'req-1',
      });
    }
  });
});

describe('callerOf', () => {
  it('E5 the caller comes only from the authorizer context; without it the request is unauthorized', () => {
    const withCtx = event({
      requestContext: { authorizer: { userId: 'u-1', sessionId: 's-1', username: 'alice' } } as never,
    });
    expect(callerOf(withCtx)).toEqual({ userId: 'u-1', sessionId: 's-1', username: 'alice' });
    expect(() => callerOf(event())).toThrow('Authentication required');
  });
});
