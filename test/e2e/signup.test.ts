// End to end over HTTP, as a mobile client: A1 sign-up with the email and the phone verified by code, then
// the first login through the usual proofs; every way a sign-up must be refused.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNUP_RULES } from '../../lambdas/auth/signup-flow.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { callFrom, firstLogin, localFetch, mailText } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;
let sources = 10;
/** Each sign-up from its own loopback address: the per-address limit is not what these tests are about. */
const nextSource = () => `127.0.0.${sources++}`;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-signup-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

let phones = 100;
const person = (username: string) => ({
  username,
  email: `mail.${username}@example.com`,
  phone: `+4477009${String(phones++).padStart(5, '0')}`,
  password: PASSWORD,
});

const signUp = (body: unknown, source = nextSource()) =>
  callFrom(cloud, source, 'POST', '/v1/auth/signup', body);
const verify = (body: unknown) => callFrom(cloud, nextSource(), 'POST', '/v1/auth/signup/verify', body);

async function codesOf(user: { email: string; phone: string }) {
  const emailCode = /\b(\d{6})\b/.exec(await mailText(cloud, user.email, /verify your email/i))?.[1];
  const outbox = (await (await localFetch(cloud, `/_local/outbox`)).json()) as {
    sms: { to: string; text: string }[];
  };
  const sms = outbox.sms.filter((m) => m.to === user.phone).at(-1);
  const phoneCode = /\b(\d{6})\b/.exec(sms?.text ?? '')?.[1];
  expect(emailCode).toMatch(/^\d{6}$/);
  expect(phoneCode).toMatch(/^\d{6}$/);
  return { emailCode: emailCode as string, phoneCode: phoneCode as string };
}

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('A1 sign-up', () => {
  it('A1 sign up → codes by email and SMS → verify → first login → /v1/me shows the masked email', async () => {
    const user = person('satoshi_n');
    const started = await signUp(user);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      status: 'verification-required',
      emailMasked: expect.stringContaining('***'),
    });
    const codes = await codesOf(user);
    // Unverified: the user exists but is disabled, refused like a wrong password.
    const early = await callFrom(cloud, '127.0.0.1', 'POST', '/v1/auth/login', {
      username: user.username,
      password: PASSWORD,
      deviceId: 'device-signup-0001',
    });
    expect(early.status).toBe(401);
    const done = await verify({ signupId: started.body.signupId, ...codes });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'verified', username: user.username });
    expect(done.body).not.toHaveProperty('tokens');
    // Replayed verification: refused.
    const replay = await verify({ signupId: started.body.signupId, ...codes });
    expect(replay.status).toBe(410);
    const { accessToken } = await firstLogin(cloud, user, 'device-signup-0001');
    const me = await fetch(`${cloud.url}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    const body = (await me.json()) as Record<string, unknown>;
    expect(JSON.stringify(body)).not.toContain(user.email);
    expect(JSON.stringify(body)).toContain('***');
  });

  it('X4 a verified sign-up opens the KYC record at none: GET /v1/me/kyc shows the starter limits and that basic needs the person data', async () => {
    const user = person('kyc_starter');
    const started = await signUp(user);
    expect(started.status).toBe(201);
    const done = await verify({ signupId: started.body.signupId, ...(await codesOf(user)) });
    expect(done.status).toBe(200);
    const { accessToken } = await firstLogin(cloud, user, 'device-signup-kyc1');
    const kyc = await fetch(`${cloud.url}/v1/me/kyc`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(kyc.status).toBe(200);
    expect(await kyc.json()).toMatchObject({
      level: 'none',
      limits: { BTC: { daily: '0.05', monthly: '0.2' } },
      next: { level: 'basic' },
    });
  });

  it('A1 wrong codes run out the attempts; then even the right codes are refused and login stays closed', async () => {
    const user = person('wrong_codes');
    const started = await signUp(user);
    const codes = await codesOf(user);
    const signupId = started.body.signupId;
    for (let i = 1; i < SIGNUP_RULES.attempts; i++) {
      const answer = await verify({
        signupId,
        emailCode: wrong(codes.emailCode),
        phoneCode: codes.phoneCode,
      });
      expect(answer.status).toBe(401);
    }
    expect(
      (await verify({ signupId, emailCode: codes.emailCode, phoneCode: wrong(codes.phoneCode) })).status,
    ).toBe(429);
    expect((await verify({ signupId, ...codes })).status).toBe(410);
    const login = await callFrom(cloud, '127.0.0.1', 'POST', '/v1/auth/login', {
      username: user.username,
      password: PASSWORD,
      deviceId: 'device-signup-0002',
    });
    expect(login.status).toBe(401);
  });

  it('A1 an expired sign-up is refused', async () => {
    const user = person('late_one');
    const started = await signUp(user);
    const codes = await codesOf(user);
    clockOffsetMs += SIGNUP_RULES.codeMinutes * 60_000 + 1000;
    try {
      const answer = await verify({ signupId: started.body.signupId, ...codes });
      expect(answer.status).toBe(410);
      expect(answer.body.error?.code).toBe('SIGNUP_EXPIRED');
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('A1 a username equal to the email (or its local part) → 400; a taken username → 409', async () => {
    const base = person('someone');
    const same = await signUp({ ...base, username: 'someone', email: 'someone@example.com' });
    expect(same.status).toBe(400);
    expect(same.body.error?.code).toBe('USERNAME_IS_EMAIL');
    const weak = await signUp({ ...base, password: 'too short' });
    expect(weak.status).toBe(400);
    expect((await signUp(base)).status).toBe(201);
    const taken = await signUp({ ...person('someone'), username: 'someone' });
    expect(taken.status).toBe(409);
    expect(taken.body.error?.code).toBe('USERNAME_TAKEN');
  });

  it('X3 a sign-up with a breached password → 400 PASSWORD_BREACHED saying why; nothing is created, no code is sent', async () => {
    const user = { ...person('breached_bea'), password: 'qwerty123456' };
    const refused = await signUp(user);
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.error?.code).toBe('PASSWORD_BREACHED');
    expect(refused.body.error?.message).toMatch(/appeared in a data breach.*Choose a different password/);
    expect(await cloud.ports.identity.getUser('breached_bea')).toBeUndefined();
    const outbox = (await (await localFetch(cloud, `/_local/outbox`)).json()) as { sms: { to: string }[] };
    expect(outbox.sms.filter((m) => m.to === user.phone)).toEqual([]);
    // The username is still free: the same sign-up with a strong password goes through.
    const strong = await signUp({ ...user, password: PASSWORD });
    expect(strong.status, JSON.stringify(strong.body)).toBe(201);
    expect(await cloud.ports.identity.getUser('breached_bea')).toBeDefined();
  });

  it('X3 a sign-up with a weak password, or one built on the username or email → 400 PASSWORD_WEAK with advice', async () => {
    const user = person('wendell_weak');
    for (const password of ['wendell_weak2024', 'mail.wendell_weak', 'aaaaaaaaaaaaaaaa']) {
      const refused = await signUp({ ...user, password });
      expect(refused.status, password).toBe(400);
      expect(refused.body.error?.code, password).toBe('PASSWORD_WEAK');
      expect(refused.body.error?.message).toMatch(/too easy to guess/);
      expect((refused.body.error as { details?: unknown[] }).details?.length).toBeGreaterThan(0);
    }
    expect(await cloud.ports.identity.getUser('wendell_weak')).toBeUndefined();
  });

  it('A1 two sign-ups racing for one email: the second verification is refused (blind-index claims)', async () => {
    const first = person('first_owner');
    const rival = { ...person('rival_owner'), email: first.email.toUpperCase() };
    const a = await signUp(first);
    const b = await signUp(rival);
    expect([a.status, b.status]).toEqual([201, 201]);
    const codesA = await codesOf(first);
    const codesB = await codesOf(rival);
    expect((await verify({ signupId: a.body.signupId, ...codesA })).status).toBe(200);
    const lost = await verify({ signupId: b.body.signupId, ...codesB });
    expect(lost.status).toBe(409);
    expect(lost.body.error?.code).toBe('EMAIL_TAKEN');
  });

  it("A1 a sign-up with a customer's email or phone answers as any other; the owner is told, no code is sent", async () => {
    const owner = person('enum_owner');
    const started = await signUp(owner);
    expect((await verify({ signupId: started.body.signupId, ...(await codesOf(owner)) })).status).toBe(200);
    const fresh = await signUp(person('enum_fresh'));
    const again = await signUp({ ...person('enum_probe_mail'), email: owner.email });
    const phone = await signUp({ ...person('enum_probe_phone'), phone: owner.phone });
    for (const answer of [again, phone]) {
      expect(answer.status).toBe(fresh.status);
      expect(Object.keys(answer.body).sort()).toEqual(Object.keys(fresh.body).sort());
    }
    expect(await mailText(cloud, owner.email, /someone tried to open/i)).toMatch(
      /already belongs to an account/,
    );
    const outbox = (await (await localFetch(cloud, `/_local/outbox`)).json()) as {
      sms: { to: string; text: string }[];
    };
    expect(outbox.sms.filter((m) => m.to === owner.phone).at(-1)?.text).toMatch(/someone tried to open/i);
    // The probe cannot finish: no code reached it, and guesses run out.
    expect(
      (await verify({ signupId: again.body.signupId, emailCode: '123456', phoneCode: '123456' })).status,
    ).toBe(401);
  });

  it('A1 an unverified sign-up expires after a day and frees its username', async () => {
    const first = person('unclaimed_name');
    expect((await signUp(first)).status).toBe(201);
    const early = await signUp({ ...person('unclaimed_other'), username: first.username });
    expect(early.body.error?.code).toBe('USERNAME_TAKEN');
    clockOffsetMs += SIGNUP_RULES.unverifiedHours * 3_600_000 + 1000;
    try {
      const late = { ...person('unclaimed_late'), username: first.username };
      const again = await signUp(late);
      expect(again.status).toBe(201);
      expect((await verify({ signupId: again.body.signupId, ...(await codesOf(late)) })).status).toBe(200);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('A1 sign-ups are rate-limited per source address', async () => {
    const source = '127.0.0.250';
    const statuses: number[] = [];
    for (let i = 0; i <= SIGNUP_RULES.perAddressPerHour; i++) {
      statuses.push((await signUp(person(`burst_${i}`), source)).status);
    }
    expect(statuses.slice(0, -1).every((s) => s === 201)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
