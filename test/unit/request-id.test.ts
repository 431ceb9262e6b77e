// One request id end to end (issue 13): API Gateway's request id (the event's requestContext.requestId, not the
// Lambda's invocation id) is the `requestId` of an error body, the `x-request-id` answer header (on success
// too) and the correlation id of every log line the request writes.
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { Conflict } from '../../lambdas/kernel/errors.js';
import { httpHandler, REQUEST_ID_HEADER, requestIdOf } from '../../lambdas/kernel/http.js';
import { linkActionHandler } from '../../lambdas/kernel/link-page.js';
import { logger } from '../../lambdas/kernel/observability.js';

// The Logger reads its level when it is made, and goes back to it at every invocation: INFO for this file.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

const context = { awsRequestId: 'lambda-invocation-1', functionName: 'test' } as Context;

const event = (requestId: string | undefined, body: unknown = { name: 'a' }): APIGatewayProxyEvent =>
  ({
    body: JSON.stringify(body),
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
      ...(requestId === undefined ? {} : { requestId }),
      identity: { sourceIp: '203.0.113.9', userAgent: 'test' },
    },
  }) as unknown as APIGatewayProxyEvent;

/** The JSON lines Powertools writes (it writes to process.stdout/stderr through a Console of its own). */
let lines: Record<string, unknown>[];
beforeEach(() => {
  lines = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const handler = httpHandler({ body: z.object({ name: z.string() }) }, async (request) => {
  logger.info('inside the logic', { seen: request.requestId });
  if (request.body.name === 'taken') throw new Conflict('That name is taken', 'USERNAME_TAKEN');
  return { body: { ok: true } };
});

describe('request id', () => {
  it("I1 an error answer: the body's requestId and the x-request-id header are API Gateway's id, and so is every log line's correlation id", async () => {
    const answer = await handler(event('apigw-request-7', { name: 'taken' }), context);
    const body = JSON.parse(answer.body) as { error: { code: string; requestId: string } };
    expect(answer.statusCode).toBe(409);
    expect(body.error).toMatchObject({ code: 'USERNAME_TAKEN', requestId: 'apigw-request-7' });
    expect(answer.headers?.[REQUEST_ID_HEADER]).toBe(body.error.requestId);
    const messages = lines.map((l) => l.message);
    expect(messages).toEqual(expect.arrayContaining(['inside the logic', 'request refused']));
    for (const line of lines) expect(line.correlation_id, String(line.message)).toBe('apigw-request-7');
    expect(lines.find((l) => l.message === 'inside the logic')?.seen).toBe('apigw-request-7');
  });

  it('I1 a successful answer carries the request id too; the next request logs its own id, not the last one', async () => {
    const first = await handler(event('apigw-request-8'), context);
    expect(first.statusCode).toBe(200);
    expect(first.headers?.[REQUEST_ID_HEADER]).toBe('apigw-request-8');
    lines = [];
    const second = await handler(event('apigw-request-9'), context);
    expect(second.headers?.[REQUEST_ID_HEADER]).toBe('apigw-request-9');
    expect(lines.map((l) => l.correlation_id)).toEqual(['apigw-request-9']);
  });

  it("I1 an emailed link's action answers and logs the request's id as well", async () => {
    const action = linkActionHandler(async () => {
      throw new Conflict('That name is taken', 'USERNAME_TAKEN');
    });
    const answer = await action(event('apigw-request-10', { token: 'a'.repeat(43) }), context);
    const body = JSON.parse(answer.body) as { error: { requestId: string } };
    expect(body.error.requestId).toBe('apigw-request-10');
    expect(answer.headers?.[REQUEST_ID_HEADER]).toBe('apigw-request-10');
    expect(lines.every((l) => l.correlation_id === 'apigw-request-10')).toBe(true);
  });

  it("I1 without a request context (not an API Gateway event) the Lambda's invocation id stands in", () => {
    expect(requestIdOf(event(undefined), context)).toBe('lambda-invocation-1');
    expect(requestIdOf(event('apigw-request-11'), context)).toBe('apigw-request-11');
  });
});
