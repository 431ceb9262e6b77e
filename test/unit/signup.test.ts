// Unit tests of the A1 sign-up rules: usernames, the password policy, the request schemas, the code
// hashing and attempts of the flow (with in-memory ports), the SMS and sign-up email variants.
import { describe, expect, it } from 'vitest';
import type { ClaimKind, PendingSignup, SignupStore } from '../../lambdas/account/signup-store.js';
import { username } from '../../lambdas/auth/contracts.js';
import { signupRequest, verifySignupRequest } from '../../lambdas/auth/signup-contracts.js';
import { checkPassword, checkUsername, SIGNUP_RULES, SignupFlow } from '../../lambdas/auth/signup-flow.js';
import {
  Conflict,
  Gone,
  TooManyRequests,
  Unauthorized,
  ValidationError,
} from '../../lambdas/kernel/errors.js';
import { smsRequest } from '../../lambdas/kernel/ports/sms-contracts.js';
import { userMailRequest } from '../../lambdas/kernel/ports/user-mail-contracts.js';
import { renderSms } from '../../lambdas/notify/handlers/send-sms.js';
import { renderAddressMessage } from '../../lambdas/notify/user-mail-render.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).code;
  }
  return undefined;
};

describe('A1 usernames and passwords', () => {
  it('A1 usernames are 3–32 characters of a clear alphabet', () => {
    for (const ok of ['abc', 'satoshi_n', 'a.b-c', 'x'.repeat(32)])
      expect(username.safeParse(ok).success).toBe(true);
    for (const bad of ['ab', 'x'.repeat(33), '_abc', 'abc.', 'a@b.com', 'аbc' /* Cyrillic а */, 'a b'])
      expect(username.safeParse(bad).success, bad).toBe(false);
  });

  it('A1 a username equal to the email or to its local part is refused, case-insensitively', () => {
    expect(codeOf(() => checkUsername('Alice', 'alice@example.com'))).toBe('USERNAME_IS_EMAIL');
    expect(codeOf(() => checkUsername('ALICE.W', 'alice.w@example.com'))).toBe('USERNAME_IS_EMAIL');
    expect(codeOf(() => checkUsername('alice@example.com', 'Alice@Example.com'))).toBe('USERNAME_IS_EMAIL');
    expect(codeOf(() => checkUsername('alice2', 'alice@example.com'))).toBeUndefined();
  });

  it('A1 password policy: 12 to 256 characters of the NFKC form, not the username', () => {
    expect(codeOf(() => checkPassword('short pass', 'alice'))).toBe('PASSWORD_POLICY');
    expect(codeOf(() => checkPassword('x'.repeat(257), 'alice'))).toBe('PASSWORD_POLICY');
    expect(codeOf(() => checkPassword(' '.repeat(12), 'alice'))).toBe('PASSWORD_POLICY');
    expect(codeOf(() => checkPassword('AliceAlice12', 'alicealice12'))).toBe('PASSWORD_POLICY');
    expect(checkPassword('x'.repeat(256), 'alice')).toHaveLength(256);
    // Full-width letters normalise to ASCII: the stored form is NFKC.
    expect(checkPassword('ｃｏｒｒｅｃｔ horse battery', 'alice')).toBe('correct horse battery');
    // Counted in code points: 12 emoji are 12 characters.
    expect(checkPassword('🐳'.repeat(12), 'alice')).toBe('🐳'.repeat(12));
  });

  it('A1 the request needs an email and an E.164 phone (+ and 8–15 digits)', () => {
    const base = { username: 'alice', email: 'alice@example.com', password: 'correct horse battery' };
    expect(signupRequest.safeParse({ ...base, phone: '+447700900123' }).success).toBe(true);
    for (const phone of ['447700900123', '+1234567', '+0447700900123', '+1234567890123456'])
      expect(signupRequest.safeParse({ ...base, phone }).success, phone).toBe(false);
    expect(signupRequest.safeParse({ ...base, phone: '+447700900123', email: 'nope' }).success).toBe(false);
    expect(
      verifySignupRequest.safeParse({ signupId: 'x'.repeat(32), emailCode: '12345', phoneCode: '123456' })
        .success,
    ).toBe(false);
  });
});

describe('A1 sign-up messages', () => {
  it('A1 the user-mail function takes a sign-up code to an address, and nothing else free-form', () => {
    const request = {
      to: { email: 'alice@example.com', username: 'alice' },
      message: { template: 'signup-code', code: '123456', expiresAt: '2026-01-01T00:00:00.000Z' },
    };
    expect(userMailRequest.safeParse(request).success).toBe(true);
    expect(
      userMailRequest.safeParse({ ...request, message: { template: 'login-notice', code: '1' } }).success,
    ).toBe(false);
    const email = renderAddressMessage(request.message as never, 'alice');
    expect(email.subject).toMatch(/verify your email/i);
    expect(email.text).toContain('123456');
  });

  it('A1 the SMS function renders the sign-up code template only', () => {
    const request = {
      to: '+447700900123',
      message: { template: 'signup-code', code: '654321', validMinutes: 15 },
    };
    expect(smsRequest.safeParse(request).success).toBe(true);
    expect(smsRequest.safeParse({ ...request, message: { template: 'free', text: 'hi' } }).success).toBe(
      false,
    );
    expect(renderSms(request.message as never)).toMatch(/654321.*15 minutes/);
  });
});

/** An in-memory SignupStore with the same single-use rule (version-conditional advance). */
function memoryStore() {
  const rows = new Map<string, PendingSignup>();
  const claims = new Map<string, string>();
  const store = {
    async create(s: Omit<PendingSignup, 'version'>) {
      const row = { ...s, version: 1 };
      rows.set(s.signupId, row);
      return row;
    },
    async get(id: string) {
      return rows.get(id);
    },
    async pendingOf(userId: string) {
      const signup = [...rows.values()].find((row) => row.userId === userId);
      return signup && { createdAt: signup.createdAt, signup };
    },
    async advance(current: PendingSignup, change: Partial<PendingSignup>) {
      const row = rows.get(current.signupId);
      if (!row || row.version !== current.version) throw new Conflict('raced');
      const next = { ...row, ...change, version: row.version + 1 };
      rows.set(row.signupId, next);
      return next;
    },
    async isClaimed(kind: ClaimKind, index: string) {
      return claims.has(`${kind}:${index}`);
    },
    async claim(kind: ClaimKind, index: string, userId: string) {
      if (claims.has(`${kind}:${index}`)) throw new Conflict('claimed');
      claims.set(`${kind}:${index}`, userId);
    },
  };
  return { store: store as unknown as SignupStore, rows, claims };
}

function harness() {
  let now = new Date('2026-03-01T10:00:00Z');
  const { store, rows, claims } = memoryStore();
  const sent: { email: string[]; sms: string[]; notices: string[] } = { email: [], sms: [], notices: [] };
  const users = new Map<string, { userId: string; email: string; phone?: string; enabled: boolean }>();
  const accounts: unknown[] = [];
  const failing = { email: false, sms: false };
  const flow = new SignupFlow({
    identity: {
      async createUser(u) {
        if (users.has(u.username)) throw new Conflict('Username is taken', 'USERNAME_TAKEN');
        const userId = `u-${users.size + 1}`;
        users.set(u.username, {
          userId,
          email: u.email,
          ...(u.phone ? { phone: u.phone } : {}),
          enabled: true,
        });
        return { userId };
      },
      async disableUser(name) {
        const u = users.get(name);
        if (u) u.enabled = false;
      },
      async enableUser(name) {
        const u = users.get(name);
        if (u) u.enabled = true;
      },
      async getUser(name) {
        const u = users.get(name);
        return u && { ...u, username: name, totpEnabled: false };
      },
      async deleteUser(name) {
        users.delete(name);
      },
    },
    accounts: {
      async createAccount(a) {
        accounts.push(a);
        return a as never;
      },
      async getAccount(userId) {
        return accounts.find((a) => (a as { userId: string }).userId === userId) as never;
      },
    },
    signups: store,
    blindIndex: async () => ({ index: async (kind, value) => `${kind}:${value.toLowerCase()}` }),
    messenger: {
      async emailCode(_to, code) {
        if (failing.email) throw new Error('mail down');
        sent.email.push(code);
      },
      async smsCode(_to, code) {
        if (failing.sms) throw new Error('sms down');
        sent.sms.push(code);
      },
      async emailTaken(to) {
        sent.notices.push(`email:${to.email}`);
      },
      async smsTaken(to) {
        sent.notices.push(`sms:${to}`);
      },
    },
    clock: { now: () => now },
    // X3's screen is tested in password-screen.test.ts; here every password passes it.
    passwords: { assertAcceptable: async () => {} },
  });
  const request = (name: string, email = `mail-${name}@example.com`, phone = '+447700900123') => ({
    username: name,
    email,
    phone,
    password: 'correct horse battery staple',
  });
  return {
    flow,
    failing,
    rows,
    claims,
    sent,
    users,
    accounts,
    request,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

describe('A1 sign-up flow', () => {
  it('A1 a code that cannot be sent takes the sign-up back (503): the username is free at once, nothing half done', async () => {
    for (const channel of ['email', 'sms'] as const) {
      const h = harness();
      h.failing[channel] = true;
      const error = await h.flow.start(h.request('alice'), { ip: '203.0.113.5' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 503, code: 'CODES_NOT_SENT' });
      expect(h.users.has('alice')).toBe(false);
      const [row] = [...h.rows.values()];
      expect(row?.failedAt).toBeDefined();
      // The code that did go out opens nothing.
      const sentCode = h.sent.email[0] ?? h.sent.sms[0] ?? '000000';
      await expect(h.flow.verify(row?.signupId as string, sentCode, sentCode)).rejects.toBeInstanceOf(Gone);
      // Trying again later works, under the same username.
      h.failing[channel] = false;
      const again = await h.flow.start(h.request('alice'), { ip: '203.0.113.5' });
      expect(again.status).toBe('verification-required');
    }
  });

  it('A1 stores only code hashes, keeps the user disabled, and completes once with both codes', async () => {
    const h = harness();
    const started = await h.flow.start(h.request('alice'), { ip: '203.0.113.5' });
    expect(h.users.get('alice')?.enabled).toBe(false);
    const row = h.rows.get(started.signupId);
    const [emailCode = '', phoneCode = ''] = [h.sent.email[0], h.sent.sms[0]];
    expect(JSON.stringify(row)).not.toContain(emailCode);
    expect(JSON.stringify(row)).not.toContain(phoneCode);
    expect(JSON.stringify(row)).not.toContain('correct horse');
    expect(row?.attemptsLeft).toBe(SIGNUP_RULES.attempts);
    const done = await h.flow.verify(started.signupId, emailCode, phoneCode);
    expect(done.status).toBe('verified');
    expect(h.users.get('alice')?.enabled).toBe(true);
    expect(h.accounts).toHaveLength(1);
    expect([...h.claims.keys()].sort()).toEqual([
      'email:email:mail-alice@example.com',
      'phone:phone:+447700900123',
    ]);
    await expect(h.flow.verify(started.signupId, emailCode, phoneCode)).rejects.toBeInstanceOf(Gone);
  });

  it('A1 wrong codes use up the attempts (either code wrong counts); then the sign-up is dead', async () => {
    const h = harness();
    const { signupId } = await h.flow.start(h.request('bob'), { ip: '203.0.113.5' });
    const [emailCode = '', phoneCode = ''] = [h.sent.email[0], h.sent.sms[0]];
    const wrong = (c: string) => String((Number(c) + 1) % 1_000_000).padStart(6, '0');
    await expect(h.flow.verify(signupId, wrong(emailCode), phoneCode)).rejects.toBeInstanceOf(Unauthorized);
    await expect(h.flow.verify(signupId, emailCode, wrong(phoneCode))).rejects.toBeInstanceOf(Unauthorized);
    for (let i = 3; i < SIGNUP_RULES.attempts; i++)
      await expect(h.flow.verify(signupId, wrong(emailCode), phoneCode)).rejects.toBeInstanceOf(Unauthorized);
    await expect(h.flow.verify(signupId, wrong(emailCode), phoneCode)).rejects.toBeInstanceOf(
      TooManyRequests,
    );
    await expect(h.flow.verify(signupId, emailCode, phoneCode)).rejects.toBeInstanceOf(Gone);
    expect(h.users.get('bob')?.enabled).toBe(false);
  });

  it('A1 an expired sign-up is refused', async () => {
    const h = harness();
    const { signupId } = await h.flow.start(h.request('carol'), { ip: '203.0.113.5' });
    h.advance(SIGNUP_RULES.codeMinutes * 60_000);
    await expect(h.flow.verify(signupId, h.sent.email[0] ?? '', h.sent.sms[0] ?? '')).rejects.toMatchObject({
      code: 'SIGNUP_EXPIRED',
    });
  });

  it('A1 a claimed email or phone is not told at the request (ASVS 6.3.8): its owner gets a notice, no code', async () => {
    const h = harness();
    const first = await h.flow.start(h.request('dave'), { ip: '203.0.113.5' });
    const second = await h.flow.start(h.request('dave2', 'MAIL-DAVE@example.com'), { ip: '203.0.113.5' });
    await h.flow.verify(first.signupId, h.sent.email[0] ?? '', h.sent.sms[0] ?? '');
    // Racing sign-ups: the loser learns it at the verification, which only the address's owner can reach.
    await expect(
      h.flow.verify(second.signupId, h.sent.email[1] ?? '', h.sent.sms[1] ?? ''),
    ).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    const codesBefore = { email: h.sent.email.length, sms: h.sent.sms.length };
    const taken = await h.flow.start(h.request('dave3', 'mail-dave@EXAMPLE.com'), { ip: '203.0.113.5' });
    const fresh = await h.flow.start(h.request('dave4', 'other@example.com', '+447700900999'), {
      ip: '203.0.113.6',
    });
    // The same answer for a taken and a fresh address: only the masked values differ.
    expect(Object.keys(taken).sort()).toEqual(Object.keys(fresh).sort());
    expect(taken.status).toBe(fresh.status);
    // The owner of the taken address got a notice instead of a code; the phone (also taken) too.
    expect(h.sent.notices).toEqual(['email:mail-dave@EXAMPLE.com', 'sms:+447700900123']);
    expect(h.sent.email.length - codesBefore.email).toBe(1);
    expect(h.sent.sms.length - codesBefore.sms).toBe(1);
    // Guessing codes for the taken sign-up gets nowhere: it has no code anyone received.
    await expect(h.flow.verify(taken.signupId, '000000', '000000')).rejects.toMatchObject({ status: 401 });
  });

  it('A1 a sign-up never verified frees its username after a day; a verified account never does', async () => {
    const h = harness();
    await h.flow.start(h.request('erin'), { ip: '203.0.113.5' });
    await expect(
      h.flow.start(h.request('erin', 'erin-2@example.com'), { ip: '203.0.113.5' }),
    ).rejects.toMatchObject({
      code: 'USERNAME_TAKEN',
    });
    h.advance(SIGNUP_RULES.unverifiedHours * 3_600_000 + 1000);
    const again = await h.flow.start(h.request('erin', 'erin-3@example.com', '+447700900456'), {
      ip: '203.0.113.7',
    });
    expect(again.status).toBe('verification-required');
    // A verified account keeps its name, even when disabled (suspended) and old.
    const kept = await h.flow.start(h.request('frank', 'f.owner@example.com', '+447700900789'), {
      ip: '203.0.113.8',
    });
    await h.flow.verify(kept.signupId, h.sent.email.at(-1) ?? '', h.sent.sms.at(-1) ?? '');
    h.advance(10 * SIGNUP_RULES.unverifiedHours * 3_600_000);
    await expect(
      h.flow.start(h.request('frank', 'f.other@example.com', '+447700900790'), { ip: '203.0.113.9' }),
    ).rejects.toMatchObject({ code: 'USERNAME_TAKEN' });
  });
});
