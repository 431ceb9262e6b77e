// One request id end to end over HTTP (issue 13): the local gateway makes one per request as API Gateway does
// and hands it to the function in the event (requestContext.requestId; the Lambda context has an invocation
// id of its own, as in AWS). Every answer names it in `x-request-id` (and API Gateway's `x-amzn-RequestId`),
// an error body's `requestId` is the same, and the function's log lines carry it as their correlation id.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { callFrom } from '../support/local-client.js';

// The functions run in this process: their Logger writes INFO lines here (it reads the level when made).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

const SOURCE = '127.0.0.71';
let stateDir: string;
let cloud: LocalCloud;
let lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-request-id-'));
  cloud = await startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
}, 60_000);
afterAll(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true); // the stop's own log lines
  await cloud?.stop();
  vi.restoreAllMocks();
  await rm(stateDir, { recursive: true, force: true });
});
beforeEach(() => {
  lines = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const idOf = (answer: { headers: Record<string, string | string[] | undefined> }) =>
  answer.headers['x-request-id'] as string;

describe('request id', () => {
  it("I1 a function's error: x-request-id equals the body's requestId and x-amzn-RequestId, and the function's log lines carry it", async () => {
    const refused = await callFrom(cloud, SOURCE, 'POST', '/v1/auth/login', { username: 'x' });
    expect(refused.status).toBe(400);
    const id = idOf(refused);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((refused.body.error as { requestId?: string }).requestId).toBe(id);
    expect(refused.headers['x-amzn-requestid']).toBe(id);
    const logged = lines.filter((l) => l.correlation_id === id);
    expect(logged.map((l) => l.message)).toContain('request refused');
    // The Lambda's own invocation id is another id, as in AWS: the answer names the request, not it.
    expect(logged.every((l) => l.function_request_id !== id)).toBe(true);
  });

  it("I1 a success carries the request id too, a new one for each request; the gateway's own refusals name theirs", async () => {
    const first = await callFrom(cloud, SOURCE, 'GET', '/v1/health');
    const second = await callFrom(cloud, SOURCE, 'GET', '/v1/health');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(idOf(first)).toMatch(/^[0-9a-f-]{36}$/);
    expect(idOf(second)).not.toBe(idOf(first));
    for (const [method, path] of [
      ['GET', '/v1/me'],
      ['GET', '/v1/nothing-here'],
      ['PATCH', '/v1/me'],
    ] as const) {
      const answer = await callFrom(cloud, SOURCE, method, path);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect((answer.body.error as { requestId?: string }).requestId, path).toBe(idOf(answer));
    }
  });
});
