// End to end, what a web client meets over HTTP (issue 13): the local gateway configured with one allowed origin
// answers a browser's preflight for it (and not for another origin), and every answer it gives that origin
// names it: a function's success and error, the gateway's own 401 and 404, a 405. And a body with a field the
// document does not declare is refused, as the document's `additionalProperties: false` promises.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { callFrom } from '../support/local-client.js';

const APP = 'http://localhost:5173';
const EVIL = 'https://evil.example';
const SOURCE = '127.0.0.61';
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-cors-'));
  cloud = await startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0, corsOrigins: [APP] });
}, 60_000);
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const preflight = (path: string, origin: string, method = 'POST') =>
  fetch(`${cloud.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  });

describe('CORS', () => {
  it('E3 a preflight from an allowed origin: 204 with the origin, the path’s methods and the headers a client sends', async () => {
    const answer = await preflight('/v1/me/withdrawals', APP);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answer.headers.get('vary')).toBe('Origin');
    expect(answer.headers.get('access-control-allow-methods')?.split(',').sort()).toEqual([
      'GET',
      'OPTIONS',
      'POST',
    ]);
    expect(answer.headers.get('access-control-allow-headers')).toBe(
      'Authorization,Content-Type,Idempotency-Key',
    );
    expect(Number(answer.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    // A path parameter's route too.
    const session = await preflight('/v1/me/sessions/abc', APP, 'DELETE');
    expect(session.headers.get('access-control-allow-methods')).toContain('DELETE');
  });

  it('E3 a preflight from another origin gets no CORS header (the browser stops there); an unknown path is 404', async () => {
    const answer = await preflight('/v1/me/withdrawals', EVIL);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('access-control-allow-methods')).toBeNull();
    expect((await preflight('/v1/nothing-here', APP)).status).toBe(404);
  });

  it("E3 answers to the allowed origin name it: a function's success and error, the gateway's 401, 404 and 405", async () => {
    const from = (method: string, path: string, body?: unknown, origin = APP) =>
      callFrom(cloud, SOURCE, method, path, body, { origin });
    const answers = {
      health: await from('GET', '/v1/health'),
      invalid: await from('POST', '/v1/auth/login', { username: 'x' }),
      unauthorized: await from('GET', '/v1/me'),
      notFound: await from('GET', '/v1/nothing-here'),
      notAllowed: await from('PATCH', '/v1/me'),
    };
    expect(Object.values(answers).map((a) => a.status)).toEqual([200, 400, 401, 404, 405]);
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer.headers['access-control-allow-origin'], name).toBe(APP);
      expect(answer.headers.vary, name).toBe('Origin');
      expect(answer.headers['access-control-expose-headers'], name).toContain('Retry-After');
    }
    expect(answers.invalid.body.error?.code).toBe('VALIDATION_FAILED');
    // Another origin reads none of them.
    const evil = await from('GET', '/v1/me', undefined, EVIL);
    expect(evil.status).toBe(401);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('E3 a request body with a field the document does not declare is 400 VALIDATION_FAILED, naming nothing it holds', async () => {
    const answer = await callFrom(cloud, SOURCE, 'POST', '/v1/auth/login', {
      username: 'nobody',
      password: 'a long enough password',
      deviceId: 'device-000001',
      isAdmin: true,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(answer.body)).toContain('isAdmin');
    expect(JSON.stringify(answer.body)).not.toContain('a long enough password');
  });
});
