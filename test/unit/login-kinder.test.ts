// A2, A7, A9 in the login flow's domain rules, over in-memory ports and an injected clock: TOTP tries counted
// by the shield and ended after the last, a spent code answered TOTP_CODE_USED, refused logins in the history
// with their reason (never for an unknown username), the "someone entered your password" email once per
// login, the device poll's interval, and the session id in the history.
import { describe, expect, it, vi } from 'vitest';
import { LOGIN_RULES, LoginFlow, type LoginPorts } from '../../lambdas/auth/login-flow.js';
import type { LoginEvent, LoginSession } from '../../lambdas/auth/login-store.js';
import { Conflict, Unauthorized } from '../../lambdas/kernel/errors.js';
import type { UserMessage } from '../../lambdas/kernel/ports/user-mail.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const client = {
  ip: '203.0.113.7',
  deviceId: 'device-0001',
  baseUrl: 'https://api.example',
  userAgent: 'UA',
};
const token = (sub: string, jti: string) =>
  `h.${Buffer.from(JSON.stringify({ sub, origin_jti: jti })).toString('base64url')}.s`;

/** The login rows in memory, with the store's version-conditional advance. */
function memoryLogins(known: { device: boolean; network: boolean }) {
  const sessions = new Map<string, LoginSession>();
  const history: LoginEvent[] = [];
  return {
    history,
    sessions,
    store: {
      createSession: async (s: Omit<LoginSession, 'version'>) => {
        const row = { ...s, version: 1 };
        sessions.set(s.loginId, row);
        return { ...row };
      },
      getSession: async (id: string) => {
        const row = sessions.get(id);
        return row && { ...row };
      },
      advance: async (
        current: LoginSession,
        change: (s: LoginSession) => Partial<LoginSession>,
        remove: (keyof LoginSession)[] = [],
        options: { after?: Promise<unknown> } = {},
      ) => {
        await options.after;
        const row = sessions.get(current.loginId);
        if (!row || row.version !== current.version)
          throw new Conflict('This login step was already answered');
        const next: LoginSession = { ...row, ...change(row), version: row.version + 1 };
        for (const name of remove) delete next[name];
        sessions.set(next.loginId, next);
        return { ...next };
      },
      getDevice: async () => (known.device ? ({} as never) : undefined),
      knowsNetwork: async () => known.network,
      rememberDevice: async () => {},
      rememberNetwork: async () => {},
      linkWrite: () => ({ create: {} }),
      recordLogin: async (event: LoginEvent) => void history.push(event),
    },
  };
}

function setup(options: { totp?: boolean; device?: boolean; enabled?: boolean } = {}) {
  const clock = { now: () => NOW };
  const logins = memoryLogins({ device: options.device ?? true, network: true });
  const spent = new Set<string>();
  const challenges = new Set<string>();
  let issued = 0;
  const identity = {
    getUser: vi.fn(async (username: string) =>
      username === 'alice'
        ? {
            userId: 'u-alice',
            username,
            email: 'a@example.com',
            enabled: options.enabled ?? true,
            totpEnabled: true,
          }
        : undefined,
    ),
    passwordAuth: vi.fn(async (_username: string, password: string) => {
      if (password !== 'right password' || options.enabled === false)
        throw new Unauthorized('Invalid credentials');
      if (options.totp === false) {
        return {
          kind: 'tokens' as const,
          tokens: { accessToken: token('u-alice', 'sess-1'), idToken: 'i', expiresInSeconds: 900 },
        };
      }
      const session = `idp-${++issued}`;
      challenges.add(session);
      return { kind: 'totp-required' as const, session };
    }),
    // As Cognito: a challenge answers one code; a spent step's code is TOTP_CODE_USED.
    respondToTotp: vi.fn(async (_username: string, session: string, code: string) => {
      if (!challenges.delete(session)) throw new Unauthorized('Invalid credentials');
      if (spent.has(code)) throw new Unauthorized('Invalid credentials', 'TOTP_CODE_USED');
      if (code !== '123456') throw new Unauthorized('Invalid credentials');
      spent.add(code);
      return {
        accessToken: token('u-alice', 'sess-9'),
        idToken: 'i',
        refreshToken: 'r',
        expiresInSeconds: 900,
      };
    }),
  };
  const failures: string[] = [];
  const shield = {
    check: vi.fn(async () => ({ allow: true as const })),
    recordFailure: vi.fn(async (a: { username: string }) => void failures.push(a.username)),
    recordSuccess: vi.fn(async () => {}),
  };
  const mails: UserMessage[] = [];
  const ports = {
    identity,
    accounts: { putSession: vi.fn(async () => {}) },
    logins: logins.store,
    vault: {
      encrypt: async (_b: unknown, fields: Record<string, string>) => JSON.stringify(fields),
      decrypt: async (_b: unknown, sealed: string) => JSON.parse(sealed) as Record<string, string>,
    },
    mail: { send: async (_userId: string, message: UserMessage) => void mails.push(message) },
    links: {
      issue: async () => 'link-token',
      issueWith: async (_u: string, deliver: (t: string) => Promise<void>) => deliver('link-token'),
    },
    clock,
    shield,
    geo: { countryOf: () => 'DE' },
  } as unknown as LoginPorts;
  return { flow: new LoginFlow(ports), identity, shield, failures, mails, logins, spent };
}

async function totpLogin(t: ReturnType<typeof setup>) {
  const started = await t.flow.start('alice', 'right password', client);
  expect(started).toMatchObject({ status: 'challenge', challenge: 'totp' });
  return (started as { loginId: string }).loginId;
}

describe('A2 kinder TOTP step', () => {
  it('A2 a wrong code leaves the login alive: the next right code signs in, and the password is gone from the row', async () => {
    const t = setup();
    const loginId = await totpLogin(t);
    expect(t.logins.sessions.get(loginId)?.sealedPassword).toBeDefined();
    await expect(t.flow.answer(loginId, 'totp', '000000', client)).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
    });
    expect(t.failures).toEqual(['alice']);
    const done = await t.flow.answer(loginId, 'totp', '123456', client);
    expect(done.status).toBe('authenticated');
    const row = t.logins.sessions.get(loginId);
    expect(row?.sealedPassword).toBeUndefined();
    expect(row?.completedAt).toBeDefined();
    // A fresh challenge per try: the password was asked again once, after the refused code.
    expect(t.identity.passwordAuth).toHaveBeenCalledTimes(2);
  });

  it(`A2 after ${LOGIN_RULES.totpAttempts} refused codes the login is over (429, Retry-After 0), then LOGIN_OVER; each try counted by the shield`, async () => {
    const t = setup();
    const loginId = await totpLogin(t);
    for (let i = 1; i < LOGIN_RULES.totpAttempts; i++) {
      await expect(t.flow.answer(loginId, 'totp', '000000', client)).rejects.toMatchObject({ status: 401 });
    }
    await expect(t.flow.answer(loginId, 'totp', '000000', client)).rejects.toMatchObject({
      status: 429,
      retryAfterSeconds: 0,
    });
    expect(t.failures).toHaveLength(LOGIN_RULES.totpAttempts);
    expect(t.logins.sessions.get(loginId)?.sealedPassword).toBeUndefined();
    await expect(t.flow.answer(loginId, 'totp', '123456', client)).rejects.toMatchObject({
      status: 410,
      code: 'LOGIN_OVER',
    });
  });

  it('A2 a code of a spent time step answers TOTP_CODE_USED and leaves the login alive', async () => {
    const t = setup();
    t.spent.add('654321');
    const loginId = await totpLogin(t);
    await expect(t.flow.answer(loginId, 'totp', '654321', client)).rejects.toMatchObject({
      status: 401,
      code: 'TOTP_CODE_USED',
    });
    expect((await t.flow.answer(loginId, 'totp', '123456', client)).status).toBe('authenticated');
  });

  it('A3 a TOTP try refused by the bot shield spends no try and is in the history as throttled', async () => {
    const t = setup();
    const loginId = await totpLogin(t);
    t.shield.check.mockResolvedValueOnce({ allow: false, retryAfterSeconds: 30 } as never);
    await expect(t.flow.answer(loginId, 'totp', '123456', client)).rejects.toMatchObject({ status: 429 });
    expect(t.logins.sessions.get(loginId)?.totpAttemptsLeft).toBe(LOGIN_RULES.totpAttempts);
    expect(t.logins.history.map((e) => e.reason)).toEqual(['throttled']);
  });

  it('A2 two answers racing on one try: one is sent, the other is a conflict (no try spent twice)', async () => {
    const t = setup();
    const loginId = await totpLogin(t);
    const results = await Promise.allSettled([
      t.flow.answer(loginId, 'totp', '000000', client),
      t.flow.answer(loginId, 'totp', '000000', client),
    ]);
    const reasons = results.map((r) =>
      r.status === 'rejected' ? (r.reason as { status: number }).status : 200,
    );
    expect(reasons.sort()).toEqual([401, 409]);
    expect(t.identity.respondToTotp).toHaveBeenCalledTimes(1);
  });
});

describe('A9 refused logins in the history, and the password-entered email', () => {
  it('A9 a refused TOTP is in the history with its reason; the user is mailed once per login, with no link', async () => {
    const t = setup();
    const loginId = await totpLogin(t);
    await expect(t.flow.answer(loginId, 'totp', '000000', client)).rejects.toThrow();
    t.spent.add('111111');
    await expect(t.flow.answer(loginId, 'totp', '111111', client)).rejects.toThrow();
    expect(t.logins.history.map((e) => [e.outcome, e.reason, e.loginId])).toEqual([
      ['refused', 'totp-invalid', loginId],
      ['refused', 'totp-code-used', loginId],
    ]);
    expect(t.logins.history[0]).toMatchObject({ at: NOW.toISOString(), country: 'DE', ip: client.ip });
    const alerts = t.mails.filter((m) => m.template === 'password-entered');
    expect(alerts).toHaveLength(1);
    expect(JSON.stringify(alerts[0])).not.toMatch(/https?:|000000|111111/);
  });

  it('A9 a wrong password of an existing user is in the history; an unknown username leaves nothing and answers alike', async () => {
    const t = setup();
    const wrong = await t.flow.start('alice', 'wrong password', client).then(
      () => new Error('signed in'),
      (e: Error) => e,
    );
    const unknown = await t.flow.start('nobody', 'wrong password', client).then(
      () => new Error('signed in'),
      (e: Error) => e,
    );
    expect(wrong).toBeInstanceOf(Unauthorized);
    expect(unknown).toBeInstanceOf(Unauthorized);
    expect([(wrong as Unauthorized).code, wrong.message]).toEqual([
      (unknown as Unauthorized).code,
      unknown.message,
    ]);
    expect(t.logins.history).toEqual([
      expect.objectContaining({ userId: 'u-alice', outcome: 'refused', reason: 'password' }),
    ]);
    expect(t.failures).toEqual(['alice', 'nobody']);
  });

  it('A9 a disabled account is recorded as account-disabled, with the same answer as a wrong password', async () => {
    const t = setup({ enabled: false });
    await expect(t.flow.start('alice', 'right password', client)).rejects.toBeInstanceOf(Unauthorized);
    expect(t.logins.history.map((e) => e.reason)).toEqual(['account-disabled']);
  });

  it('A9 a successful login is in the history with the session id it opened', async () => {
    const t = setup({ totp: false });
    expect((await t.flow.start('alice', 'right password', client)).status).toBe('authenticated');
    expect(t.logins.history).toEqual([expect.objectContaining({ outcome: 'success', sessionId: 'sess-1' })]);
    expect(t.logins.history[0]?.reason).toBeUndefined();
  });
});

describe('A3 A5 the duress check beside the shield', () => {
  it('A3 A5 an attempt the account reserve refuses after its counters allowed it had its duress check: the answer waits for it, and it counts as a failure for its address and device', async () => {
    const t = setup({ totp: false });
    const ports = (t.flow as unknown as { ports: LoginPorts }).ports;
    let finished = false;
    const duress = {
      check: vi.fn(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        finished = true;
        return false;
      }),
    };
    const recordFailure = vi.fn(async () => {});
    const shield = {
      check: vi.fn(async (_a: unknown, options?: { onAllowed?: () => void }) => {
        options?.onAllowed?.();
        return { allow: false as const, reason: 'account-protection', retryAfterSeconds: 60 };
      }),
      recordFailure,
      recordSuccess: vi.fn(async () => {}),
    };
    const flow = new LoginFlow({ ...ports, duress, shield });
    await expect(flow.start('alice', 'right password', client)).rejects.toMatchObject({ status: 429 });
    expect(duress.check).toHaveBeenCalledTimes(1);
    expect(finished).toBe(true);
    expect(recordFailure).toHaveBeenCalledWith(expect.objectContaining({ username: 'alice' }), {
      reserved: true,
    });
    expect(t.identity.passwordAuth).not.toHaveBeenCalled();

    // Refused by the counters themselves: no duress check, nothing counted again.
    const counters = new LoginFlow({
      ...ports,
      duress,
      shield: { ...shield, check: vi.fn(async () => ({ allow: false as const, retryAfterSeconds: 60 })) },
    });
    await expect(counters.start('alice', 'right password', client)).rejects.toMatchObject({ status: 429 });
    expect(duress.check).toHaveBeenCalledTimes(1);
    expect(recordFailure).toHaveBeenCalledTimes(1);
  });
});

describe('A2 A7 a TOTP login on a new device', () => {
  it('A2 A7 the right code begins the device step in the same write (its link and email), the tokens sealed; the confirmed poll completes the login once', async () => {
    const t = setup({ device: false });
    const loginId = await totpLogin(t);
    const next = await t.flow.answer(loginId, 'totp', '123456', client);
    expect(next).toMatchObject({ status: 'challenge', challenge: 'device-confirmation' });
    const row = t.logins.sessions.get(loginId) as LoginSession;
    expect(row.steps).toEqual(['device-confirmation']);
    expect(row.linkHash).toBeDefined();
    expect(row.sealedTokens).toBeDefined();
    expect(row.sealedPassword).toBeUndefined();
    expect(row.totpAttemptsLeft).toBeUndefined();
    expect(t.mails.map((m) => m.template)).toEqual(['new-device-link']);

    // The link's button marks the device confirmed (confirmDevice); the waiting client's poll completes.
    t.logins.sessions.set(loginId, { ...row, deviceConfirmedAt: NOW.toISOString() });
    const done = await t.flow.answer(loginId, 'device-confirmation', undefined, client);
    expect(done).toMatchObject({ status: 'authenticated', tokens: { refreshToken: 'r' } });
    const completed = t.logins.sessions.get(loginId) as LoginSession;
    expect(completed).toMatchObject({ steps: [], completedAt: NOW.toISOString() });
    expect(completed.sealedTokens).toBeUndefined();
    expect(t.mails.map((m) => m.template)).toEqual(['new-device-link', 'login-notice']);
    expect(t.logins.history).toEqual([expect.objectContaining({ outcome: 'success', sessionId: 'sess-9' })]);
    // A second poll finds the login over.
    await expect(t.flow.answer(loginId, 'device-confirmation', undefined, client)).rejects.toMatchObject({
      status: 410,
    });
  });
});

describe('A7 device confirmation poll', () => {
  it('A7 a pending poll says how long to wait before the next one', async () => {
    const t = setup({ totp: false, device: false });
    const started = await t.flow.start('alice', 'right password', client);
    expect(started).toMatchObject({ status: 'challenge', challenge: 'device-confirmation' });
    const poll = await t.flow.answer(
      (started as { loginId: string }).loginId,
      'device-confirmation',
      undefined,
      client,
    );
    expect(poll).toMatchObject({ pending: true, pollAfterSeconds: LOGIN_RULES.devicePollSeconds });
  });
});
