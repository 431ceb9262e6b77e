// End to end, B1 guarded security changes over HTTP: the password, the email and the phone change only
// after re-authentication (and, for a new address or number, its code); each one starts the withdrawal hold
// (B2) and sends its notices, email and SMS with the "this wasn't me" link, to the OLD address and phone
// after a contact change; enabling TOTP needs the password. The hold workflow runs without its wait
// (waitTimeMs 0); each test awaits the executions it started, so the notices have gone out.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { type DevAccount, signInDevAccount } from '../../local/dev-accounts.js';
import { followLink, linkIn } from '../support/email-links.js';
import { callFrom, eventually, type JsonAnswer, localFetch, mailText } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const SOURCE = '127.0.0.7';
let stateDir: string;
let cloud: LocalCloud;
let executions: string[] = [];

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-b1-'));
  cloud = await startLocalCloud({ stateDir, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});
beforeEach(() => {
  executions = [];
  const start = cloud.workflows.start.bind(cloud.workflows);
  vi.spyOn(cloud.workflows, 'start').mockImplementation(async (workflow, input, name) => {
    const started = await start(workflow, input, name);
    if (workflow === 'security-hold') executions.push(started.executionId);
    return started;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The security-hold executions started so far have ended: their notices are out. */
const settled = async () => {
  for (const id of executions) expect((await cloud.workflows.waitFor(id)).status).toBe('SUCCEEDED');
};

async function devUser(username: string, phone?: string): Promise<DevAccount> {
  const response = await localFetch(cloud, `/_local/dev-users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username,
      email: `${username}@example.com`,
      password: PASSWORD,
      ...(phone ? { phone } : {}),
    }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as DevAccount;
}

const as = (user: { accessToken: string }, method: string, path: string, body?: unknown) =>
  callFrom(cloud, SOURCE, method, path, body, { authorization: `Bearer ${user.accessToken}` });

const security = async (user: DevAccount) => (await as(user, 'GET', '/v1/me/security')).body;
const smsTo = (phone: string) => cloud.ports.sms.list().filter((m) => m.to === phone);
const suspendLink = (text: string) => linkIn(text, '/v1/auth/suspend/');
const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] as string;
const refused = (answer: JsonAnswer, status: number, code?: string) => {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  if (code) expect(answer.body.error?.code).toBe(code);
};

describe('B1 password change', () => {
  it('B1 a wrong current password or a weak new one is refused and changes nothing', async () => {
    const user = await devUser('pia', '+447700900201');
    refused(
      await as(user, 'PUT', '/v1/me/password', {
        currentPassword: 'not my password',
        newPassword: 'a new long passphrase',
      }),
      400,
      'REAUTH_FAILED',
    );
    refused(
      await as(user, 'PUT', '/v1/me/password', { currentPassword: PASSWORD, newPassword: 'short' }),
      400,
      'PASSWORD_POLICY',
    );
    refused(
      await as(user, 'PUT', '/v1/me/password', { currentPassword: PASSWORD, newPassword: PASSWORD }),
      400,
      'PASSWORD_UNCHANGED',
    );
    refused(await as(user, 'PUT', '/v1/me/password', { newPassword: 'a new long passphrase' }), 400);
    expect((await cloud.ports.identity.passwordAuth('pia', PASSWORD)).kind).toBe('tokens');
    expect(await security(user)).toEqual({ hold: { active: false } });
    expect(executions).toEqual([]);
    expect(smsTo('+447700900201')).toEqual([]);
  });

  it('X3 a breached or weak new password is refused with PASSWORD_BREACHED / PASSWORD_WEAK and changes nothing', async () => {
    const user = await devUser('pwned_penny', '+447700900209');
    const breached = await as(user, 'PUT', '/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'qwerty123456',
    });
    refused(breached, 400, 'PASSWORD_BREACHED');
    expect(breached.body.error?.message).toMatch(/appeared in a data breach/);
    const weak = await as(user, 'PUT', '/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'pwned_penny_2024',
    });
    refused(weak, 400, 'PASSWORD_WEAK');
    expect((weak.body.error as { details?: { path: string }[] }).details?.[0]?.path).toBe('newPassword');
    expect((await cloud.ports.identity.passwordAuth('pwned_penny', PASSWORD)).kind).toBe('tokens');
    expect(await security(user)).toEqual({ hold: { active: false } });
    expect(smsTo('+447700900209')).toEqual([]);
  });

  it('B1 a password change: the old password is refused, the new one works, other sessions end, a hold and notices', async () => {
    const user = await devUser('paul', '+447700900202');
    const other = await signInDevAccount(cloud.ports, 'paul', PASSWORD);
    expect((await as(other, 'GET', '/v1/me')).status).toBe(200);

    const changed = await as(user, 'PUT', '/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'an entirely new passphrase',
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toEqual({ passwordChanged: true, otherSessionsEnded: 1 });

    await expect(cloud.ports.identity.passwordAuth('paul', PASSWORD)).rejects.toMatchObject({
      name: 'Unauthorized',
    });
    expect((await cloud.ports.identity.passwordAuth('paul', 'an entirely new passphrase')).kind).toBe(
      'tokens',
    );
    expect((await as(other, 'GET', '/v1/me')).status).toBe(401);
    expect((await as(user, 'GET', '/v1/me')).status).toBe(200);

    const shown = await security(user);
    expect(shown).toMatchObject({ hold: { active: true }, lastChange: { kind: 'password-changed' } });

    await settled();
    const mail = await mailText(cloud, 'paul@example.com', /security change/i);
    expect(mail).toContain('Your password was changed.');
    expect(mail).toContain(SOURCE);
    expect(mail).toContain('PalisadeTest 1.0');
    expect(suspendLink(mail)).toBeTruthy();
    const [sms] = smsTo('+447700900202');
    expect(sms?.text).toMatch(/^Palisade: password changed .* from 127\.0\.0\.7\. Not you\?/);
    expect(suspendLink(sms?.text ?? '')).toBeTruthy();
  });
});

describe('B1 email change', () => {
  it('B1 an email change: code to the new address, notice with a working suspension link to the old one, SMS to the phone', async () => {
    const user = await devUser('erik', '+447700900203');
    const started = await as(user, 'PUT', '/v1/me/email', {
      newEmail: 'erik.new@example.net',
      password: PASSWORD,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body).toMatchObject({ status: 'verification-required', sentTo: 'e***@example.net' });
    const code = codeIn(await mailText(cloud, 'erik.new@example.net', /confirm your new email/i));
    expect(executions).toEqual([]);

    // A wrong code: refused, nothing changed.
    refused(
      await as(user, 'POST', '/v1/me/email/confirm', { code: code === '000000' ? '111111' : '000000' }),
      400,
      'CODE_INVALID',
    );
    expect((await as(user, 'GET', '/v1/me')).body.email).toBe('e***@example.com');

    const confirmed = await as(user, 'POST', '/v1/me/email/confirm', { code });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toEqual({ changed: 'email', email: 'e***@example.net', phone: '*** *** 0203' });
    expect((await as(user, 'GET', '/v1/me')).body.email).toBe('e***@example.net');
    expect(await cloud.ports.accounts.getContact(user.userId)).toEqual({
      email: 'erik.new@example.net',
      phone: '+447700900203',
    });
    expect((await cloud.ports.identity.getUser('erik'))?.email).toBe('erik.new@example.net');
    // Single use.
    refused(await as(user, 'POST', '/v1/me/email/confirm', { code }), 410, 'CHANGE_OVER');
    expect(await security(user)).toMatchObject({
      hold: { active: true },
      lastChange: { kind: 'email-changed' },
    });

    await settled();
    // The notice goes to the OLD address, and the SMS to the phone on file.
    const notice = await mailText(cloud, 'erik@example.com', /security change/i);
    expect(notice).toContain('Your email address was changed.');
    expect(notice).not.toContain('erik.new');
    await expect(mailText(cloud, 'erik.new@example.net', /security change/i)).rejects.toThrow();
    const [sms] = smsTo('+447700900203');
    expect(sms?.text).toMatch(/^Palisade: email address changed /);

    // "This wasn't me" from the old address suspends the account.
    await followLink(suspendLink(notice));
    await eventually(async () => {
      expect((await cloud.ports.accounts.getAccount(user.userId))?.status).toBe('suspended');
    });
  });

  it('B1 an address another account holds is refused; bad input is a 4xx and writes nothing', async () => {
    const first = await devUser('fay');
    const started = await as(first, 'PUT', '/v1/me/email', {
      newEmail: 'shared@example.org',
      password: PASSWORD,
    });
    expect(started.status).toBe(200);
    const code = codeIn(await mailText(cloud, 'shared@example.org', /confirm your new email/i));
    expect((await as(first, 'POST', '/v1/me/email/confirm', { code })).status).toBe(200);

    const second = await devUser('gus');
    refused(
      await as(second, 'PUT', '/v1/me/email', { newEmail: 'SHARED@example.org', password: PASSWORD }),
      409,
      'EMAIL_TAKEN',
    );
    // Once fay changes away from it, the address is free again: gus takes it over.
    expect(
      (await as(first, 'PUT', '/v1/me/email', { newEmail: 'fay3@example.org', password: PASSWORD })).status,
    ).toBe(200);
    const fayCode = codeIn(await mailText(cloud, 'fay3@example.org', /confirm your new email/i));
    expect((await as(first, 'POST', '/v1/me/email/confirm', { code: fayCode })).status).toBe(200);
    expect(
      (await as(second, 'PUT', '/v1/me/email', { newEmail: 'shared@example.org', password: PASSWORD }))
        .status,
    ).toBe(200);
    const gusCode = codeIn(await mailText(cloud, 'shared@example.org', /confirm your new email/i));
    const taken = await as(second, 'POST', '/v1/me/email/confirm', { code: gusCode });
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    // fay cannot come back to it now.
    refused(
      await as(first, 'PUT', '/v1/me/email', { newEmail: 'shared@example.org', password: PASSWORD }),
      409,
      'EMAIL_TAKEN',
    );

    const third = await devUser('hal');
    for (const body of [
      { newEmail: 'not-an-address', password: PASSWORD },
      { newEmail: 'hal2@example.com' },
      { newEmail: 'hal2@example.com', password: PASSWORD, code: '12ab56' },
      { newEmail: `${'x'.repeat(250)}@example.com`, password: PASSWORD },
    ]) {
      refused(await as(third, 'PUT', '/v1/me/email', body), 400);
    }
    refused(
      await as(third, 'PUT', '/v1/me/email', { newEmail: 'hal2@example.com', password: 'wrong one' }),
      400,
      'REAUTH_FAILED',
    );
    refused(
      await as(third, 'PUT', '/v1/me/email', { newEmail: 'HAL@example.com', password: PASSWORD }),
      400,
      'CONTACT_UNCHANGED',
    );
    refused(await as(third, 'POST', '/v1/me/email/confirm', { code: '123456' }), 410, 'CHANGE_OVER');
    refused(await as(third, 'POST', '/v1/me/email/confirm', { code: 'abc' }), 400);
    await expect(mailText(cloud, 'hal2@example.com', /./)).rejects.toThrow();
    expect(await security(third)).toEqual({ hold: { active: false } });
    expect((await as(third, 'GET', '/v1/me')).body.email).toBe('h***@example.com');
  });

  it('B1 five wrong codes end the change', async () => {
    const user = await devUser('ida');
    expect(
      (await as(user, 'PUT', '/v1/me/email', { newEmail: 'ida2@example.com', password: PASSWORD })).status,
    ).toBe(200);
    const code = codeIn(await mailText(cloud, 'ida2@example.com', /confirm your new email/i));
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) refused(await as(user, 'POST', '/v1/me/email/confirm', { code: wrong }), 400);
    refused(await as(user, 'POST', '/v1/me/email/confirm', { code: wrong }), 429);
    refused(await as(user, 'POST', '/v1/me/email/confirm', { code }), 410, 'CHANGE_OVER');
    expect(await cloud.ports.accounts.getContact(user.userId)).toEqual({ email: 'ida@example.com' });
  });
});

describe('B1 phone change', () => {
  it('B1 a phone change: code by SMS to the new phone, notice SMS to the old phone, email to the address', async () => {
    const user = await devUser('olga', '+447700900204');
    const started = await as(user, 'PUT', '/v1/me/phone', { newPhone: '+447700900299', password: PASSWORD });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body).toMatchObject({ status: 'verification-required', sentTo: '*** *** 0299' });
    const [codeSms] = smsTo('+447700900299');
    expect(codeSms?.text).toMatch(/confirms this number/);
    const code = codeIn(codeSms?.text ?? '');

    const confirmed = await as(user, 'POST', '/v1/me/phone/confirm', { code });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toEqual({ changed: 'phone', email: 'o***@example.com', phone: '*** *** 0299' });
    expect((await cloud.ports.accounts.getContact(user.userId))?.phone).toBe('+447700900299');
    expect((await cloud.ports.identity.getUser('olga'))?.phone).toBe('+447700900299');
    expect(await security(user)).toMatchObject({
      hold: { active: true },
      lastChange: { kind: 'phone-changed' },
    });

    await settled();
    const notices = smsTo('+447700900204');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toMatch(/^Palisade: phone number changed .*\/v1\/auth\/suspend\//);
    expect(smsTo('+447700900299')).toHaveLength(1); // the code only
    const mail = await mailText(cloud, 'olga@example.com', /security change/i);
    expect(mail).toContain('Your phone number was changed.');
  });

  it('B1 a malformed number or a wrong password is refused and sends nothing', async () => {
    const user = await devUser('nils', '+447700900205');
    for (const body of [
      { newPhone: '07700900206', password: PASSWORD },
      { newPhone: '+0447700900206', password: PASSWORD },
      { newPhone: '+447700900206' },
    ]) {
      refused(await as(user, 'PUT', '/v1/me/phone', body), 400);
    }
    refused(
      await as(user, 'PUT', '/v1/me/phone', { newPhone: '+447700900206', password: 'nope' }),
      400,
      'REAUTH_FAILED',
    );
    refused(
      await as(user, 'PUT', '/v1/me/phone', { newPhone: '+447700900205', password: PASSWORD }),
      400,
      'CONTACT_UNCHANGED',
    );
    expect(smsTo('+447700900206')).toEqual([]);
    refused(await as(user, 'POST', '/v1/me/phone/confirm', { code: '123456' }), 410, 'CHANGE_OVER');
    expect(await security(user)).toEqual({ hold: { active: false } });
  });
});

describe('B1 MFA enable', () => {
  it('B1 confirming TOTP needs the password and is a security change with its notices', async () => {
    const user = await devUser('tess', '+447700900207');
    const enrol = await as(user, 'POST', '/v1/me/mfa/totp');
    const secret = enrol.body.secret as string;
    const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) });
    refused(await as(user, 'POST', '/v1/me/mfa/totp/confirm', { code }), 400);
    refused(
      await as(user, 'POST', '/v1/me/mfa/totp/confirm', { code, password: 'wrong' }),
      400,
      'REAUTH_FAILED',
    );
    expect((await cloud.ports.identity.getUser('tess'))?.totpEnabled).toBe(false);

    const confirmed = await as(user, 'POST', '/v1/me/mfa/totp/confirm', { code, password: PASSWORD });
    expect(confirmed.body).toEqual({ totpEnabled: true });
    expect(await security(user)).toMatchObject({
      hold: { active: true },
      lastChange: { kind: 'totp-enabled' },
    });
    await settled();
    expect(await mailText(cloud, 'tess@example.com', /security change/i)).toContain(
      'Two-factor authentication (TOTP) was turned on.',
    );
    expect(smsTo('+447700900207')[0]?.text).toMatch(/^Palisade: 2FA turned on /);
  });
});
