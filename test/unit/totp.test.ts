// Unit tests of TOTP enrolment, confirmation and disabling (A2) through the handlers, as a client calls them:
// begin/confirm against the local directory, disabling against an in-memory directory that implements the
// port operations it still lacks. Codes computed by otplib as Google Authenticator does; the clock injected.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeHandler as makeConfirm } from '../../lambdas/auth/handlers/confirm-totp.js';
import { makeHandler as makeDisable } from '../../lambdas/auth/handlers/disable-totp.js';
import { makeHandler as makeEnrol } from '../../lambdas/auth/handlers/enroll-totp.js';
import { bearerTokenOf, otpauthUri, type TotpIdentity, type TotpPorts } from '../../lambdas/auth/totp.js';
import { totpEnrolmentResponse } from '../../lambdas/auth/totp-contracts.js';
import { Unauthorized } from '../../lambdas/kernel/errors.js';
import { PUBLIC_URL_VARIABLE } from '../../lambdas/kernel/http.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import type { DirectoryUser } from '../../lambdas/kernel/ports/identity-provider.js';
import type { SecurityChange } from '../../lambdas/security/security-changes.js';
import { LocalIdentityProvider } from '../../local/adapters/identity-provider.js';
import { checkTotp, newTotpSecret } from '../../local/adapters/totp.js';

const pool = { region: 'eu-west-1', userPoolId: 'eu-west-1_Test', clientId: 'test' };
const PASSWORD = 'correct horse battery staple';
const context = { awsRequestId: 'req-1', functionName: 'test' } as Context;
const clock = new ManualClock(new Date('2026-03-01T12:00:10Z'));
const STEP_MS = 30_000;

const codeAt = (secret: string, at: Date) => generate({ secret, epoch: Math.floor(at.getTime() / 1000) });

interface Caller {
  userId: string;
  username: string;
  accessToken: string;
}

function event(caller: Caller, body?: unknown, token: string | undefined = caller.accessToken) {
  return {
    body: body === undefined ? null : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    multiValueHeaders: {},
    httpMethod: 'POST',
    isBase64Encoded: false,
    path: '/v1/me/mfa/totp',
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: { [PUBLIC_URL_VARIABLE]: 'https://api.palisade.example' },
    resource: '/v1/me/mfa/totp',
    requestContext: {
      identity: { sourceIp: '203.0.113.9', userAgent: 'test' },
      authorizer: { userId: caller.userId, sessionId: 'session-1', username: caller.username },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  } as APIGatewayProxyEvent;
}

type Handler = (e: APIGatewayProxyEvent, c: Context) => Promise<{ statusCode: number; body: string }>;
async function call(handler: Handler, e: APIGatewayProxyEvent) {
  const res = await handler(e, context);
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

describe('TOTP enrolment against the local directory', () => {
  let stateDir: string;
  let idp: LocalIdentityProvider;
  let alice: Caller | undefined;
  const aliceOnce = async () => {
    alice ??= await signedIn('alice');
    return alice;
  };
  const enrol = () => makeEnrol({ identity: idp }) as Handler;
  const enabled: SecurityChange[] = [];
  const confirm = () =>
    makeConfirm({
      identity: idp,
      securityChanges: { onSecurityChange: async (change) => void enabled.push(change) },
      clock,
    }) as Handler;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'palisade-totp-'));
    idp = await LocalIdentityProvider.open(stateDir, pool, clock);
  });
  afterAll(() => rm(stateDir, { recursive: true, force: true }));

  async function signedIn(username: string): Promise<Caller> {
    const { userId } = await idp.createUser({
      username,
      email: `${username}@example.com`,
      password: PASSWORD,
    });
    const auth = await idp.passwordAuth(username, PASSWORD);
    if (auth.kind !== 'tokens') throw new Error('expected tokens');
    return { userId, username, accessToken: auth.tokens.accessToken };
  }

  it('A2 enrolment answers the secret, an otpauth URI for Palisade and the username, and an SVG QR code', async () => {
    const alice = await aliceOnce();
    const res = await call(enrol(), event(alice));
    expect(res.status).toBe(200);
    expect(totpEnrolmentResponse.parse(res.body)).toEqual(res.body);
    const { secret, otpauthUri: uri, qrCode } = res.body as Record<string, string>;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const parsed = new URL(uri ?? '');
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.host).toBe('totp');
    expect(decodeURIComponent(parsed.pathname)).toBe('/Palisade:alice');
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      secret,
      issuer: 'Palisade',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });

    const svg = Buffer.from((qrCode ?? '').replace('data:image/svg+xml;base64,', ''), 'base64').toString();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 \d+ \d+"/);
    expect(svg).toContain('<path');
  });

  it('A2 a wrong code is refused with 400 TOTP_INVALID and TOTP stays off; a valid code enables it', async () => {
    const bob = await signedIn('bob');
    const { secret } = (await call(enrol(), event(bob))).body as { secret: string };
    const good = await codeAt(secret, clock.now());
    const wrong = good === '000000' ? '111111' : '000000';

    const refused = await call(confirm(), event(bob, { code: wrong, password: PASSWORD }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('TOTP_INVALID');
    expect((await idp.getUser('bob'))?.totpEnabled).toBe(false);
    expect(enabled.filter((c) => c.userId === bob.userId)).toEqual([]);

    const accepted = await call(confirm(), event(bob, { code: good, password: PASSWORD }));
    expect(accepted).toEqual({ status: 200, body: { totpEnabled: true } });
    expect((await idp.getUser('bob'))?.totpEnabled).toBe(true);
    expect(enabled.filter((c) => c.userId === bob.userId)).toMatchObject([
      { kind: 'totp-enabled', username: 'bob', sourceIp: '203.0.113.9' },
    ]);
  });

  it('A2 a code is accepted once: the confirming code replayed in its window is refused, the next one works', async () => {
    const carol = await signedIn('carol');
    const { secret } = (await call(enrol(), event(carol))).body as { secret: string };
    const code = await codeAt(secret, clock.now());
    expect((await call(confirm(), event(carol, { code, password: PASSWORD }))).status).toBe(200);

    // Replayed to confirm again: TOTP is on, nothing is pending any more.
    const again = await call(confirm(), event(carol, { code, password: PASSWORD }));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TOTP_ALREADY_ENABLED');

    // Replayed at login, 10 s later, still inside its 30 s step: refused.
    clock.advance(10_000);
    const challenge = await idp.passwordAuth('carol', PASSWORD);
    if (challenge.kind !== 'totp-required') throw new Error('expected a TOTP challenge');
    await expect(idp.respondToTotp('carol', challenge.session, code)).rejects.toBeInstanceOf(Unauthorized);

    // The code of the next step is fresh.
    clock.advance(STEP_MS);
    const next = await idp.passwordAuth('carol', PASSWORD);
    if (next.kind !== 'totp-required') throw new Error('expected a TOTP challenge');
    const tokens = await idp.respondToTotp('carol', next.session, await codeAt(secret, clock.now()));
    expect(tokens.accessToken).toBeTruthy();
  });

  it('A2 enrolment is refused while TOTP is enabled (a stolen token cannot swap the authenticator)', async () => {
    const { userId, totpEnabled } = (await idp.getUser('bob')) as DirectoryUser;
    expect(totpEnabled).toBe(true);
    const bob = { userId, username: 'bob', accessToken: 'unused' };
    const res = await call(enrol(), event(bob));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('TOTP_ALREADY_ENABLED');
  });

  it('A2 a malformed code is a 400 before any port call; a request without bearer token is a 401', async () => {
    const dave = await aliceOnce();
    const port = vi.spyOn(idp, 'confirmTotpEnrolment');
    for (const code of ['12345', '1234567', 'abcdef', 123456]) {
      const res = await call(confirm(), event(dave, { code, password: PASSWORD }));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(port).not.toHaveBeenCalled();
    port.mockRestore();
    expect((await call(enrol(), event(dave, undefined, ''))).status).toBe(401);
    expect((await call(confirm(), event(dave, { code: '123456', password: PASSWORD }, ''))).status).toBe(401);
    // B1: enabling TOTP re-authenticates: no password, a 400 before any port call; a wrong one, REAUTH_FAILED.
    expect((await call(confirm(), event(dave, { code: '123456' }))).status).toBe(400);
    const wrongPassword = await call(confirm(), event(dave, { code: '123456', password: 'not it' }));
    expect(wrongPassword.body.error.code).toBe('REAUTH_FAILED');
  });
});

/**
 * The identity port's TOTP part in memory: passwords in clear (a test), TOTP checked by the local
 * directory's own check, the last used time step remembered.
 */
class MemoryDirectory implements TotpIdentity {
  readonly users = new Map<
    string,
    { userId: string; password: string; totp?: { secret: string; lastStep?: number } }
  >();
  constructor(private readonly clockOf: ManualClock) {}

  async getUser(username: string): Promise<DirectoryUser | undefined> {
    const u = this.users.get(username);
    return (
      u && {
        userId: u.userId,
        username,
        email: `${username}@example.com`,
        enabled: true,
        totpEnabled: !!u.totp,
      }
    );
  }
  async beginTotpEnrolment(): Promise<{ secret: string }> {
    throw new Error('not used');
  }
  async confirmTotpEnrolment(): Promise<void> {
    throw new Error('not used');
  }
  async reauthenticate(username: string, password: string, code?: string): Promise<boolean> {
    const u = this.users.get(username);
    if (!u || u.password !== password) return false;
    if (!u.totp) return true;
    if (!code) return false;
    const step = await checkTotp(u.totp.secret, code, this.clockOf.now(), u.totp.lastStep);
    if (step === undefined || (u.totp.lastStep !== undefined && step <= u.totp.lastStep)) return false;
    u.totp.lastStep = step;
    return true;
  }
  async disableTotp(username: string): Promise<void> {
    const u = this.users.get(username);
    if (u) delete u.totp;
  }
}

describe('TOTP disabling', () => {
  const secret = newTotpSecret();
  const erin = { userId: 'user-erin', username: 'erin', accessToken: 'token-erin' };
  function setup() {
    const directory = new MemoryDirectory(clock);
    directory.users.set('erin', { userId: erin.userId, password: PASSWORD, totp: { secret } });
    const changes: SecurityChange[] = [];
    const calls: string[] = [];
    const ports: TotpPorts = {
      identity: directory,
      securityChanges: {
        onSecurityChange: vi.fn(async (change: SecurityChange) => {
          calls.push('onSecurityChange');
          changes.push(change);
        }),
      },
      clock,
    };
    const disable = directory.disableTotp.bind(directory);
    directory.disableTotp = async (username) => {
      calls.push('disableTotp');
      await disable(username);
    };
    return { directory, ports, changes, calls, handler: makeDisable(ports) as Handler };
  }

  it('A2 disabling needs the password and a valid code; then it is a security change, reported first', async () => {
    const { directory, handler, changes, calls } = setup();
    const code = await codeAt(secret, clock.now());

    for (const body of [
      { password: 'wrong password', code },
      { password: PASSWORD, code: code === '000000' ? '111111' : '000000' },
    ]) {
      const refused = await call(handler, event(erin, body));
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('REAUTH_FAILED');
    }
    expect(changes).toEqual([]);
    expect((await directory.getUser('erin'))?.totpEnabled).toBe(true);

    const ok = await call(handler, event(erin, { password: PASSWORD, code }));
    expect(ok).toEqual({ status: 200, body: { totpEnabled: false } });
    expect((await directory.getUser('erin'))?.totpEnabled).toBe(false);
    expect(changes).toEqual([
      {
        kind: 'totp-disabled',
        userId: erin.userId,
        username: 'erin',
        at: clock.now(),
        sourceIp: '203.0.113.9',
        userAgent: 'test',
        requestId: 'req-1',
        baseUrl: 'https://api.palisade.example',
      },
    ]);
    expect(calls).toEqual(['onSecurityChange', 'disableTotp']);

    const twice = await call(handler, event(erin, { password: PASSWORD, code }));
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('TOTP_NOT_ENABLED');
  });

  it('A2 a failed security-change report leaves TOTP on, and the code it spent cannot be replayed', async () => {
    const { directory, ports, handler } = setup();
    vi.mocked(ports.securityChanges.onSecurityChange).mockRejectedValueOnce(new Error('workflow down'));
    clock.advance(STEP_MS);
    const code = await codeAt(secret, clock.now());

    expect((await call(handler, event(erin, { password: PASSWORD, code }))).status).toBe(500);
    expect((await directory.getUser('erin'))?.totpEnabled).toBe(true);

    const replay = await call(handler, event(erin, { password: PASSWORD, code }));
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('REAUTH_FAILED');

    clock.advance(STEP_MS);
    const next = await codeAt(secret, clock.now());
    expect((await call(handler, event(erin, { password: PASSWORD, code: next }))).status).toBe(200);
  });

  it('A2 the body needs both a password and a 6-digit code', async () => {
    const { handler, changes } = setup();
    for (const body of [{ code: '123456' }, { password: PASSWORD }, { password: '', code: '123456' }]) {
      expect((await call(handler, event(erin, body))).status).toBe(400);
    }
    expect(changes).toEqual([]);
  });
});

describe('TOTP helpers', () => {
  it('A2 the otpauth label percent-encodes issuer and account, a colon included', () => {
    const uri = otpauthUri('a:b c', 'JBSWY3DPEHPK3PXP');
    expect(uri.startsWith('otpauth://totp/Palisade:a%3Ab%20c?')).toBe(true);
    expect(new URL(uri).searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('A2 the access token is read from a Bearer Authorization header, any case', () => {
    expect(bearerTokenOf({ authorization: 'Bearer abc.def.ghi' })).toBe('abc.def.ghi');
    expect(bearerTokenOf({ Authorization: 'Bearer abc.def.ghi' })).toBe('abc.def.ghi');
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer ' }, null]) {
      expect(() => bearerTokenOf(headers)).toThrow(Unauthorized);
    }
  });
});
