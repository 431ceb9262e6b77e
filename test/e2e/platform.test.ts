// End to end: the local cloud booted in-process on a temp state folder, driven over HTTP as a mobile client
// would, with the real authorizer, handlers, DynamoDB emulator, directory, SES emulator and workflow runner.
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/catalogue.js';
import { Unauthorized } from '../../lambdas/kernel/errors.js';
import { MAX_BODY_BYTES } from '../../lambdas/kernel/http.js';
import { USER_TOKENS } from '../../lambdas/kernel/token-lifetimes.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { type DevAccount, signInDevAccount } from '../../local/dev-accounts.js';
import { createDevUser, localFetch } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
/** The cloud's clock follows real time shifted by this much: tests mint already-expired tokens without sleeping. */
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };

let stateDir: string;
let cloud: LocalCloud;

const boot = () => startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-'));
  cloud = await boot();
});

afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const newUser = (username: string): Promise<DevAccount> => createDevUser(cloud, username, PASSWORD);

const me = (token?: string) =>
  fetch(`${cloud.url}/v1/me`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

/** node:http, because fetch refuses a body on GET and always declares its length. */
function rawRequest(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {},
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${cloud.url}${path}`, { method, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    if (options.body !== undefined) {
      if (options.chunked) req.setHeader('transfer-encoding', 'chunked');
      else req.setHeader('content-length', Buffer.byteLength(options.body));
    }
    req.end(options.body);
  });
}

/** A client-safe error: JSON with a stable code and message, no stack frame, no file path. */
function expectCleanError(text: string, status: number, code?: string) {
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(typeof body.error.message).toBe('string');
  if (code) expect(body.error.code).toBe(code);
  expect(status).toBeGreaterThanOrEqual(400);
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|\n\s+at |\.ts:\d+|\.js:\d+|node_modules|\/work\/|[A-Z]:\\/);
}

describe('platform, end to end', () => {
  it('E3 GET /v1/health is public and answers with the transport security headers', async () => {
    const response = await fetch(`${cloud.url}/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', service: 'palisade' });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('E3 /openapi.json describes exactly the catalogue routes, and no local-only route', async () => {
    const response = await fetch(`${cloud.url}/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      servers: { url: string }[];
      paths: Record<string, object>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0]?.url).toBe(cloud.url);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('A8 GET /v1/me without a token is 401 with the JSON error shape', async () => {
    const response = await me();
    expect(response.status).toBe(401);
    expectCleanError(await response.text(), response.status, 'UNAUTHORIZED');
  });

  it('A8 GET /v1/me with a garbage or forged token is 401', async () => {
    const user = await newUser('gina');
    const [, payload] = user.accessToken.split('.');
    const forger = await generateKeyPair('RS256');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const header = JSON.parse(Buffer.from(user.accessToken.split('.')[0] as string, 'base64url').toString());
    const forgedSameKid = await new SignJWT(claims).setProtectedHeader(header).sign(forger.privateKey);
    const forgedOtherKid = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'someone-else' })
      .sign(forger.privateKey);
    for (const authorization of [
      'garbage',
      'Bearer garbage',
      'Bearer a.b.c',
      `Basic ${user.accessToken}`,
      `Bearer ${user.idToken}`,
      `Bearer ${forgedSameKid}`,
      `Bearer ${forgedOtherKid}`,
    ]) {
      const response = await fetch(`${cloud.url}/v1/me`, { headers: { authorization } });
      expect(response.status, authorization.slice(0, 20)).toBe(401);
      expectCleanError(await response.text(), response.status, 'UNAUTHORIZED');
    }
  });

  it("A8 GET /v1/me with a valid token answers the caller's own account", async () => {
    const alice = await newUser('alice');
    const response = await me(alice.accessToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      userId: alice.userId,
      username: 'alice',
      email: 'a***@example.com',
      contactRevealed: false,
      status: 'active',
      createdAt: expect.any(String),
      sessionId: alice.sessionId,
    });
  });

  it('A8 an expired access token is refused', async () => {
    clockOffsetMs = -(USER_TOKENS.accessMinutes + 1) * 60_000;
    let late: DevAccount;
    try {
      late = await newUser('late');
    } finally {
      clockOffsetMs = 0;
    }
    expect((await me(late.accessToken)).status).toBe(401);
    const fresh = await signInDevAccount(cloud.ports, 'late', PASSWORD);
    expect((await me(fresh.accessToken)).status).toBe(200);
  });

  it('A8 a revoked session is refused on the next request; another session of the user still works', async () => {
    const rita = await newUser('rita');
    const other = await signInDevAccount(cloud.ports, 'rita', PASSWORD);
    expect((await me(rita.accessToken)).status).toBe(200);
    await cloud.ports.accounts.revokeSession(rita.userId, rita.sessionId, clock.now());
    expect((await me(rita.accessToken)).status).toBe(401);
    expect((await me(other.accessToken)).status).toBe(200);
  });

  it('A8 suspension through the account-suspension workflow refuses the token, emails the user, blocks sign-in', async () => {
    const sam = await newUser('sam');
    expect((await me(sam.accessToken)).status).toBe(200);
    const input = { userId: sam.userId, reason: 'admin', requestedAt: clock.now().toISOString() };
    const { executionId } = await cloud.workflows.start('account-suspension', input, `suspend-${sam.userId}`);
    expect(await cloud.workflows.waitFor(executionId)).toMatchObject({ status: 'SUCCEEDED' });
    // The same execution name is not started twice.
    const again = await cloud.workflows.start('account-suspension', input, `suspend-${sam.userId}`);
    expect(again.executionId).toBe(executionId);

    expect((await me(sam.accessToken)).status).toBe(401);
    const outbox = (await (await localFetch(cloud, `/_local/outbox`)).json()) as {
      emails: { to: string[]; subject: string; text?: string }[];
      sms: unknown[];
    };
    const mails = outbox.emails.filter((e) => e.to.includes('sam@example.com'));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toMatch(/suspended/i);
    expect(mails[0]?.text).toContain('sam');
    await expect(cloud.ports.identity.passwordAuth('sam', PASSWORD)).rejects.toBeInstanceOf(Unauthorized);
  });

  it('E5 two users each see only their own account, whatever the request says', async () => {
    const ann = await newUser('ann');
    const ben = await newUser('ben');
    for (const [caller, other] of [
      [ann, ben],
      [ben, ann],
    ] as const) {
      const response = await fetch(`${cloud.url}/v1/me?userId=${other.userId}`, {
        headers: { authorization: `Bearer ${caller.accessToken}`, 'x-user-id': other.userId },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ userId: caller.userId, username: caller.username });
    }
  });

  it.each([
    [
      'malformed JSON',
      'GET',
      '/v1/health',
      { headers: { 'content-type': 'application/json' }, body: '{"a":' },
      400,
      'MALFORMED_JSON',
    ],
    [
      'a body where none is taken',
      'GET',
      '/v1/health',
      { headers: { 'content-type': 'application/json' }, body: '{"a":1}' },
      400,
      'UNEXPECTED_BODY',
    ],
    [
      'a body that is not JSON',
      'GET',
      '/v1/health',
      { headers: { 'content-type': 'text/plain' }, body: 'hello' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a declared oversized body',
      'GET',
      '/v1/health',
      { body: 'x'.repeat(MAX_BODY_BYTES + 1) },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a streamed oversized body',
      'GET',
      '/v1/health',
      { body: 'x'.repeat(MAX_BODY_BYTES * 4), chunked: true },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['an unknown route', 'GET', '/v1/nothing-here', {}, 404, 'NOT_FOUND'],
    ['an unknown route with a body', 'POST', '/v2/me', { body: '{}' }, 404, 'NOT_FOUND'],
    ['a wrong method', 'DELETE', '/v1/health', {}, 405, 'METHOD_NOT_ALLOWED'],
  ] as const)(
    'D5 %s is a 4xx JSON error with no stack trace',
    async (_what, method, path, options, status, code) => {
      const response = await rawRequest(method, path, options);
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expectCleanError(response.text, response.status, code);
    },
  );

  it('E4 a restart on the same state folder keeps users, sessions and data', async () => {
    const carol = await newUser('carol');
    await cloud.stop();
    cloud = await boot();
    const response = await me(carol.accessToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ userId: carol.userId, username: 'carol' });
    const again = await signInDevAccount(cloud.ports, 'carol', PASSWORD);
    expect((await me(again.accessToken)).status).toBe(200);
  });
});
