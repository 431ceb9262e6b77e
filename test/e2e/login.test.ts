// End to end, the client login over HTTP as a mobile app drives it: password, TOTP, the emailed code of a
// new network, the new-device link and the poll, tokens; the login email and its "this wasn't me" link.
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINK_PAGE_CSP } from '../../lambdas/kernel/link-page.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import type { DevAccount } from '../../local/dev-accounts.js';
import { followLink, linkIn, openLink, pressButton } from '../support/email-links.js';
import { createDevUser, eventually, localFetch } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-login-'));
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const newUser = (username: string): Promise<DevAccount> => createDevUser(cloud, username, PASSWORD);

const post = (path: string, body: unknown) =>
  fetch(`${cloud.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'PalisadeTest/1.0 (iPhone)' },
    body: JSON.stringify(body),
  });

interface Outcome {
  status: 'authenticated' | 'challenge';
  loginId?: string;
  challenge?: string;
  pending?: boolean;
  tokens?: { accessToken: string };
}

const login = async (username: string, password = PASSWORD, deviceId = 'device-one-0001') => {
  const response = await post('/v1/auth/login', { username, password, deviceId });
  return { response, body: (await response.clone().json()) as Outcome & { error?: { code: string } } };
};
const answer = async (loginId: string, challenge: string, code?: string) => {
  const response = await post('/v1/auth/challenge', { loginId, challenge, ...(code ? { code } : {}) });
  return { response, body: (await response.clone().json()) as Outcome & { error?: { code: string } } };
};

async function mailsTo(address: string): Promise<{ subject: string; text?: string }[]> {
  const outbox = (await (await localFetch(cloud, `/_local/outbox`)).json()) as {
    emails: { to: string[]; subject: string; text?: string }[];
  };
  return outbox.emails.filter((e) => e.to.includes(address));
}
const lastMail = async (address: string, subject: RegExp) => {
  const mails = (await mailsTo(address)).filter((m) => subject.test(m.subject));
  const mail = mails.at(-1);
  if (!mail) throw new Error(`no mail ${subject} to ${address}`);
  return mail.text ?? '';
};
const linkOf = (text: string, route: string) => linkIn(text, `/v1/auth/${route}/`);

/** The first login of a device on a new network: code, device link, then tokens. */
async function fullLogin(user: DevAccount, deviceId = 'device-one-0001') {
  const first = await login(user.username, PASSWORD, deviceId);
  expect(first.body).toMatchObject({ status: 'challenge', challenge: 'ip-code' });
  const code = /\b(\d{6})\b/.exec(await lastMail(`${user.username}@example.com`, /login code/i))?.[1];
  const second = await answer(first.body.loginId as string, 'ip-code', code);
  expect(second.body).toMatchObject({ status: 'challenge', challenge: 'device-confirmation' });
  await followLink(linkOf(await lastMail(`${user.username}@example.com`, /new device/i), 'device-links'));
  const done = await answer(first.body.loginId as string, 'device-confirmation');
  expect(done.body.status).toBe('authenticated');
  return { loginId: first.body.loginId as string, tokens: done.body.tokens as { accessToken: string } };
}

describe('client login', () => {
  it('A6 A7 a new network asks for the emailed code, a new device for the link; then tokens that work', async () => {
    const lara = await newUser('lara');
    const first = await login('lara');
    expect(first.response.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'challenge', challenge: 'ip-code' });
    const loginId = first.body.loginId as string;

    const code = /\b(\d{6})\b/.exec(await lastMail('lara@example.com', /login code/i))?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const wrong = await answer(loginId, 'ip-code', code === '000000' ? '111111' : '000000');
    expect(wrong.response.status).toBe(401);
    // Skipping ahead: the device step is not the current one.
    expect((await answer(loginId, 'device-confirmation')).body.error?.code).toBe('WRONG_STEP');

    const afterCode = await answer(loginId, 'ip-code', code);
    expect(afterCode.body).toMatchObject({ status: 'challenge', challenge: 'device-confirmation' });
    // Replaying the code: its step is over.
    expect((await answer(loginId, 'ip-code', code)).body.error?.code).toBe('WRONG_STEP');

    const poll = await answer(loginId, 'device-confirmation');
    expect(poll.body).toMatchObject({ status: 'challenge', pending: true });
    const link = linkOf(await lastMail('lara@example.com', /new device/i), 'device-links');
    // Opening the link (as a mail scanner does) confirms nothing: the login still waits.
    const page = await openLink(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(LINK_PAGE_CSP);
    expect((await answer(loginId, 'device-confirmation')).body).toMatchObject({ pending: true });
    expect((await pressButton(page)).status).toBe(200);
    // Single use: the button pressed again is refused.
    const again = await pressButton(page);
    expect(again.status).toBe(410);
    expect(again.html).toContain('This link was already used');

    const done = await answer(loginId, 'device-confirmation');
    expect(done.body.status).toBe('authenticated');
    const me = await fetch(`${cloud.url}/v1/me`, {
      headers: { authorization: `Bearer ${done.body.tokens?.accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ userId: lara.userId });

    // The login is used up: a replayed poll gets nothing.
    expect((await answer(loginId, 'device-confirmation')).response.status).toBe(410);
    // The same device on the same network now signs in with the password alone.
    expect((await login('lara')).body.status).toBe('authenticated');
  });

  it('A3 an unknown user and a wrong password get the same status and body', async () => {
    await newUser('mona');
    const wrong = await login('mona', 'not the password');
    const unknown = await login('nobody-here', 'not the password');
    expect(wrong.response.status).toBe(401);
    expect(unknown.response.status).toBe(401);
    const strip = (b: unknown) => ({
      ...(b as { error: object }),
      error: { ...(b as { error: object }).error, requestId: '' },
    });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
  });

  it('A2 a user with TOTP answers a code first; a wrong code leaves the login alive for the next code', async () => {
    const tom = await newUser('tom');
    await fullLogin(tom);
    const { secret } = await cloud.ports.identity.beginTotpEnrolment(tom.accessToken);
    const enrolCode = await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) - 30 });
    await cloud.ports.identity.confirmTotpEnrolment(tom.accessToken, enrolCode);

    const bad = await login('tom');
    expect(bad.body).toMatchObject({ status: 'challenge', challenge: 'totp' });
    const code = await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
    const wrongCode = code === '000000' ? '111111' : '000000';
    expect((await answer(bad.body.loginId as string, 'totp', wrongCode)).response.status).toBe(401);
    const done = await answer(bad.body.loginId as string, 'totp', code);
    expect(done.body.status).toBe('authenticated');
    // The login is over once it handed out tokens.
    expect((await answer(bad.body.loginId as string, 'totp', code)).response.status).toBe(410);
  });

  it("A4 the login email's link opens a page; its button suspends at once: the old token is refused on the very next request", async () => {
    const una = await newUser('una');
    const { tokens } = await fullLogin(una);
    const link = linkOf(await lastMail('una@example.com', /new sign-in/i), 'suspend');

    // A forged token: its page opens (it reads nothing), its button is refused.
    const forged = await pressButton(await openLink(`${cloud.publicUrl}/v1/auth/suspend/${'A'.repeat(43)}`));
    expect(forged.status).toBe(410);
    expect(forged.html).toContain('This link is not valid');

    // Opening the link, as a mail scanner or a link preview does, changes nothing.
    const page = await openLink(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(LINK_PAGE_CSP);
    expect((await cloud.ports.accounts.getAccount(una.userId))?.status).toBe('active');
    const meBefore = await fetch(`${cloud.url}/v1/me`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(meBefore.status).toBe(200);

    // The workflow is held back until the check below: the suspension must not depend on it.
    const workflows = cloud.workflows;
    const start = workflows.start.bind(workflows);
    const held: (() => Promise<unknown>)[] = [];
    workflows.start = async (name, input, executionName) => {
      if (name !== 'account-suspension') return start(name, input, executionName);
      held.push(() => start(name, input, executionName));
      return { executionId: `held-${executionName}` };
    };
    let used: Awaited<ReturnType<typeof pressButton>>;
    try {
      used = await pressButton(page);
      // The very next request: the suspension and the end of every session were recorded before the answer.
      const me = await fetch(`${cloud.url}/v1/me`, {
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      });
      expect(me.status).toBe(401);
    } finally {
      workflows.start = start;
    }
    expect(used.status).toBe(200);
    expect(used.html).toContain('Your account is suspended');
    expect(held).toHaveLength(1);
    expect((await cloud.ports.accounts.getAccount(una.userId))?.status).toBe('suspended');
    // The workflow then does the rest: the email.
    await Promise.all(held.map((run) => run()));
    expect(await eventually(() => lastMail('una@example.com', /suspended/i))).toContain('una');

    const again = await pressButton(page);
    expect(again.status).toBe(410);
    expect(again.html).toContain('This link was already used');
  });

  it('A4 a login email link expires after 7 days', async () => {
    const vic = await newUser('vic');
    await fullLogin(vic);
    const link = linkOf(await lastMail('vic@example.com', /new sign-in/i), 'suspend');
    clockOffsetMs = 7 * 86_400_000 + 1000;
    try {
      // An app's JSON request: the same refusal as the page's button, in JSON.
      const late = await post('/v1/auth/suspend', { token: (await openLink(link)).token });
      expect(late.status).toBe(410);
      expect(((await late.json()) as { error: { code: string } }).error.code).toBe('LINK_EXPIRED');
    } finally {
      clockOffsetMs = 0;
    }
    expect((await cloud.ports.accounts.getAccount(vic.userId))?.status).toBe('active');
  });

  it('A6 A7 a login, its emailed code and its device link expire with the login session (15 minutes)', async () => {
    const wes = await newUser('wes');
    const started = await login('wes');
    const loginId = started.body.loginId as string;
    const code = /\b(\d{6})\b/.exec(await lastMail('wes@example.com', /login code/i))?.[1];
    clockOffsetMs = 15 * 60_000 + 1000;
    try {
      const late = await answer(loginId, 'ip-code', code);
      expect(late.response.status).toBe(410);
      expect(late.body.error?.code).toBe('LOGIN_EXPIRED');
    } finally {
      clockOffsetMs = 0;
    }
    // A new login from the start works; its device link, opened too late, is refused.
    const again = await login('wes');
    const freshCode = /\b(\d{6})\b/.exec(await lastMail('wes@example.com', /login code/i))?.[1];
    expect((await answer(again.body.loginId as string, 'ip-code', freshCode)).body.challenge).toBe(
      'device-confirmation',
    );
    const link = linkOf(await lastMail('wes@example.com', /new device/i), 'device-links');
    clockOffsetMs = 15 * 60_000 + 1000;
    try {
      expect((await pressButton(await openLink(link))).status).toBe(410);
    } finally {
      clockOffsetMs = 0;
    }
    expect(wes.userId).toBeDefined();
  });
});

/** A POST with a chosen Host header (fetch does not let a caller set it). */
function postWithHost(path: string, host: string, body: unknown): Promise<{ status: number; text: string }> {
  const payload = JSON.stringify(body);
  const { port } = new URL(cloud.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: {
          host,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'user-agent': 'PalisadeTest/1.0 (iPhone)',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('where links point', () => {
  it.each([
    ['a foreign Host', 'evil.example'],
    ['a loopback Host with another port', '127.0.0.1:9'],
  ])('A4 A7 a login with %s gets links to the configured base and no 5xx', async (_what, host) => {
    const name = host === 'evil.example' ? 'hugo' : 'hilda';
    await newUser(name);
    const first = await postWithHost('/v1/auth/login', host, {
      username: name,
      password: PASSWORD,
      deviceId: 'device-host-0001',
    });
    expect(first.status).toBe(200);
    const { loginId } = JSON.parse(first.text) as { loginId: string };
    const code = /\b(\d{6})\b/.exec(await lastMail(`${name}@example.com`, /login code/i))?.[1];
    const second = await postWithHost('/v1/auth/challenge', host, { loginId, challenge: 'ip-code', code });
    expect(second.status).toBe(200);
    const text = await lastMail(`${name}@example.com`, /new device/i);
    expect(text).not.toContain(host);
    const link = linkOf(text, 'device-links');
    expect(link.startsWith(`${cloud.publicUrl}/v1/auth/device-links/`)).toBe(true);
    await followLink(link);
    const done = await postWithHost('/v1/auth/challenge', host, {
      loginId,
      challenge: 'device-confirmation',
    });
    expect(JSON.parse(done.text)).toMatchObject({ status: 'authenticated' });
    const notice = await eventually(() => lastMail(`${name}@example.com`, /new sign-in/i));
    expect(linkOf(notice, 'suspend').startsWith(`${cloud.publicUrl}/v1/auth/suspend/`)).toBe(true);
  });
});
