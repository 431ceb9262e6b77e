// B1 rules without I/O: the change notices (what goes where, once), the SMS wording, the workflow input that
// carries no plaintext, the password-change and contact-change rules against in-memory ports.
import { describe, expect, it, vi } from 'vitest';
import type { Account, Contact } from '../../lambdas/account/account-store.js';
import { hashDuress } from '../../lambdas/auth/duress.js';
import { changePassword, type PasswordChangePorts } from '../../lambdas/auth/password-change.js';
import { Conflict } from '../../lambdas/kernel/errors.js';
import type { Effect, PendingEffects } from '../../lambdas/kernel/outbox.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { securityChangeSms } from '../../lambdas/notify/templates.js';
import { NOTICE_CHANGE, type NoticePorts, sendChangeNotice } from '../../lambdas/security/change-notices.js';
import { ContactChangeFlow, type ContactChangePorts } from '../../lambdas/security/contact-change.js';
import type { PendingContactChange } from '../../lambdas/security/contact-change-store.js';
import { type HoldInput, holdInput, SECURITY_CHANGE_KINDS } from '../../lambdas/security/contracts.js';
import {
  auditedSecurityChanges,
  holdExecutionName,
  type SecurityChange,
  securityChangeOf,
} from '../../lambdas/security/security-changes.js';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const ORIGIN = {
  sourceIp: '203.0.113.9',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
  requestId: 'r-1',
  baseUrl: 'https://api.example.com',
};
const CALLER = { userId: 'u-1', username: 'una', sessionId: 's-1' };

describe('B1 change notices', () => {
  const input = (change: Partial<NonNullable<HoldInput['change']>> = {}): HoldInput => ({
    userId: 'u-1',
    holdEndsAt: '2026-03-04T10:00:00.000Z',
    change: {
      kind: 'password-changed',
      at: T0.toISOString(),
      ip: '203.0.113.9',
      userAgent: ORIGIN.userAgent,
      baseUrl: 'https://api.example.com',
      ...change,
    },
  });

  function ports(
    contacts: Record<string, Contact> = { current: { email: 'una@example.com', phone: '+447700900301' } },
  ) {
    const sent = new Map<string, { emailSentAt?: string; smsSentAt?: string }>();
    const account = { userId: 'u-1', username: 'una', contact: 'current' } as Account;
    const p = {
      accounts: {
        getAccount: vi.fn(async () => account),
        contactOf: vi.fn(async (a: Account) => contacts[a.contact] as Contact),
      },
      links: { issue: vi.fn(async () => `token${sent.size}${Math.random().toString(36).slice(2, 8)}`) },
      mail: { send: vi.fn(async () => {}) },
      smsMessages: { send: vi.fn(async () => {}) },
      notices: {
        begin: vi.fn(async (_u: string, c: { at: string; kind: string }) => {
          const key = `${c.at}${c.kind}`;
          if (!sent.has(key)) sent.set(key, {});
          return { ...(sent.get(key) as object) } as never;
        }),
        markSent: vi.fn(
          async (_u: string, c: { at: string; kind: string }, channels: readonly string[], at: Date) => {
            const row = sent.get(`${c.at}${c.kind}`) ?? {};
            sent.set(`${c.at}${c.kind}`, {
              ...row,
              ...Object.fromEntries(
                channels.map((channel) => [
                  channel === 'email' ? 'emailSentAt' : 'smsSentAt',
                  at.toISOString(),
                ]),
              ),
            });
          },
        ),
      },
      clock: new ManualClock(T0),
    } satisfies NoticePorts;
    return p;
  }

  it('B1 every security change kind names a change the email and SMS templates know', () => {
    for (const kind of SECURITY_CHANGE_KINDS) expect(NOTICE_CHANGE[kind]).toBeTruthy();
    expect(NOTICE_CHANGE['email-changed']).toBe('email');
    expect(NOTICE_CHANGE['totp-enabled']).toBe('mfa-enabled');
  });

  it('B1 a notice is an email and an SMS naming what, when and from where, with the suspension link', async () => {
    const p = ports();
    expect(await sendChangeNotice(p, input())).toEqual({ notified: true, email: true, sms: true });
    expect(p.mail.send).toHaveBeenCalledWith(
      'u-1',
      expect.objectContaining({
        template: 'security-change',
        change: 'password',
        context: { at: T0.toISOString(), ip: '203.0.113.9', browser: 'Firefox 128 on Linux' },
        reportUrl: expect.stringMatching(/^https:\/\/api\.example\.com\/v1\/auth\/suspend\/token/),
        withdrawalsHeldUntil: '2026-03-04T10:00:00.000Z',
      }),
      {},
    );
    expect(p.smsMessages.send).toHaveBeenCalledWith({
      to: '+447700900301',
      message: {
        template: 'security-change',
        change: 'password',
        at: T0.toISOString(),
        ip: '203.0.113.9',
        reportUrl: expect.stringMatching(/^https:\/\/api\.example\.com\/v1\/auth\/suspend\//),
      },
    });
  });

  it('B1 after a contact change the notice goes to the previous contact, passed on sealed', async () => {
    const p = ports({
      current: { email: 'new@example.com', phone: '+447700900399' },
      sealedOld: { email: 'una@example.com', phone: '+447700900301' },
    });
    await sendChangeNotice(p, input({ kind: 'phone-changed', previousContact: 'sealedOld' }));
    expect(p.smsMessages.send).toHaveBeenCalledWith(expect.objectContaining({ to: '+447700900301' }));
    expect(p.mail.send).toHaveBeenCalledWith('u-1', expect.objectContaining({ change: 'phone' }), {
      contact: 'sealedOld',
    });
  });

  it('B1 a retried notice sends only what is missing: the email once, the SMS after its failure', async () => {
    const p = ports();
    p.smsMessages.send.mockRejectedValueOnce(new Error('SMS throttled'));
    await expect(sendChangeNotice(p, input())).rejects.toThrow('SMS throttled');
    await sendChangeNotice(p, input());
    await sendChangeNotice(p, input());
    expect(p.mail.send).toHaveBeenCalledTimes(1);
    expect(p.smsMessages.send).toHaveBeenCalledTimes(2);
    expect(p.links.issue).toHaveBeenCalledTimes(2);
  });

  it('B1 an account without a phone gets the email only; an execution without a change sends nothing', async () => {
    const p = ports({ current: { email: 'una@example.com' } });
    expect(await sendChangeNotice(p, input())).toMatchObject({ email: true, sms: false });
    expect(p.smsMessages.send).not.toHaveBeenCalled();
    const { change: _none, ...old } = input();
    expect(await sendChangeNotice(p, old)).toMatchObject({ notified: false });
  });

  it('B1 the SMS is short, carries only checked values and an https link', () => {
    const text = securityChangeSms({
      change: 'email',
      at: T0,
      ip: '203.0.113.9',
      reportUrl: 'https://api.example.com/v1/auth/suspend/abc',
    });
    expect(text).toBe(
      'Palisade: email address changed 2026-03-01 10:00 UTC from 203.0.113.9. Not you? Suspend your account: https://api.example.com/v1/auth/suspend/abc',
    );
    expect(
      securityChangeSms({ change: 'password', at: T0, ip: '<b>evil</b>', reportUrl: 'https://x.example/s' }),
    ).not.toContain('evil');
    expect(() =>
      securityChangeSms({ change: 'password', at: T0, reportUrl: 'http://evil.example/s' }),
    ).toThrow();
  });

  it('B1 the workflow input carries the change and the old contact sealed, and each change its own execution', async () => {
    // The hold's row and its steps are one write (kernel/outbox.ts): the steps as the store would write them.
    const steps: Effect[] = [];
    const changes = auditedSecurityChanges(
      {
        pending: <T>(of: (row: T) => readonly Effect[]) =>
          ({
            writes: (row: T) => {
              steps.push(...of(row));
              return [];
            },
            settle: async () => {},
          }) as unknown as PendingEffects<T>,
      },
      {
        holds: {
          recordChange: async (_u, _c, _ms, after) => {
            const state = { holdActive: true, holdEndsAt: '2026-03-04T10:00:00.000Z' };
            after?.writes(state);
            return state;
          },
        },
        settings: { holdHours: 72 },
      },
    );
    const change = securityChangeOf('email-changed', CALLER, ORIGIN, T0, {
      previousContact: 'AYADeJx…sealed',
    });
    await changes.onSecurityChange(change);
    expect(steps.map((e) => e.kind)).toEqual(['audit', 'workflow']);
    const { input: sent, name } = steps[1] as Extract<Effect, { kind: 'workflow' }> & { input: HoldInput };
    expect(holdInput.parse(sent)).toEqual(sent);
    expect(sent.change).toEqual({
      kind: 'email-changed',
      at: T0.toISOString(),
      ip: '203.0.113.9',
      userAgent: ORIGIN.userAgent,
      baseUrl: 'https://api.example.com',
      previousContact: 'AYADeJx…sealed',
    });
    expect(JSON.stringify(sent)).not.toMatch(/@|\+44/);
    expect(name).toBe(holdExecutionName('u-1', '2026-03-04T10:00:00.000Z', T0.toISOString()));
    expect(name).not.toBe(holdExecutionName('u-1', '2026-03-04T10:00:00.000Z', '2026-03-01T09:00:00.000Z'));
  });
});

describe('B1 password change rules', () => {
  function ports(duressHash?: string) {
    const calls: string[] = [];
    const p = {
      identity: {
        reauthenticate: vi.fn(async (_u: string, password: string) => password === 'the current password'),
        setPassword: vi.fn(async () => void calls.push('setPassword')),
        globalSignOut: vi.fn(async () => void calls.push('globalSignOut')),
      },
      accounts: {
        listSessions: vi.fn(async () => [
          { userId: 'u-1', sessionId: 's-1', createdAt: '', expiresAt: '2026-03-02T00:00:00Z' },
          { userId: 'u-1', sessionId: 's-2', createdAt: '', expiresAt: '2026-03-02T00:00:00Z' },
          { userId: 'u-1', sessionId: 's-3', createdAt: '', expiresAt: '2026-02-01T00:00:00Z' },
          {
            userId: 'u-1',
            sessionId: 's-4',
            createdAt: '',
            expiresAt: '2026-03-02T00:00:00Z',
            revokedAt: 'x',
          },
        ]),
        revokeSession: vi.fn(async () => {}),
      },
      duress: { get: vi.fn(async () => (duressHash ? { hash: duressHash, setAt: '' } : undefined)) },
      securityChanges: { onSecurityChange: vi.fn(async (_c: SecurityChange) => void calls.push('change')) },
      clock: new ManualClock(T0),
      // X3's screen is tested in password-screen.test.ts; here every password passes it.
      passwords: { assertAcceptable: vi.fn(async () => {}) },
    } satisfies PasswordChangePorts;
    return { p, calls };
  }
  const change = (p: PasswordChangePorts, newPassword: string, currentPassword = 'the current password') =>
    changePassword(p, CALLER, { currentPassword, newPassword }, ORIGIN);

  it('B1 the change is recorded before the password changes; every other live session ends', async () => {
    const { p, calls } = ports();
    expect(await change(p, 'a brand new passphrase')).toEqual({
      passwordChanged: true,
      otherSessionsEnded: 1,
    });
    expect(calls).toEqual(['change', 'setPassword', 'globalSignOut']);
    expect(p.identity.setPassword).toHaveBeenCalledWith('una', 'a brand new passphrase');
    expect(p.accounts.revokeSession).toHaveBeenCalledTimes(1);
    expect(p.accounts.revokeSession).toHaveBeenCalledWith('u-1', 's-2', T0);
  });

  it('B1 the sign-up policy on the NFKC form, not the current password, not the duress password', async () => {
    const { p } = ports(await hashDuress('the duress passphrase'));
    await expect(change(p, 'short')).rejects.toMatchObject({ code: 'PASSWORD_POLICY' });
    await expect(change(p, 'una')).rejects.toMatchObject({ code: 'PASSWORD_POLICY' });
    // Full-width letters: the same password once normalised.
    await expect(change(p, 'ｔｈｅ ｃｕｒｒｅｎｔ ｐａｓｓｗｏｒｄ')).rejects.toMatchObject({
      code: 'PASSWORD_UNCHANGED',
    });
    await expect(change(p, 'a brand new passphrase', 'wrong')).rejects.toMatchObject({
      code: 'REAUTH_FAILED',
    });
    await expect(change(p, 'the duress passphrase')).rejects.toMatchObject({
      code: 'DURESS_EQUALS_PASSWORD',
    });
    expect(p.securityChanges.onSecurityChange).not.toHaveBeenCalled();
    expect(p.identity.setPassword).not.toHaveBeenCalled();
  });
});

describe('B1 contact change rules', () => {
  function ports(clock = new ManualClock(T0)) {
    const rows = new Map<string, PendingContactChange>();
    const claims = new Map<string, { userId: string; released?: boolean }>();
    let contact: Contact = { email: 'una@example.com', phone: '+447700900301' };
    const account = () =>
      ({
        userId: 'u-1',
        username: 'una',
        contact: 'sealed-current',
        emailIndex: 'idx:una@example.com',
      }) as Account;
    const codes: string[] = [];
    const p = {
      identity: {
        reauthenticate: vi.fn(async (_u: string, password: string) => password === 'pw'),
        updateContact: vi.fn(async () => {}),
      },
      accounts: {
        getAccount: vi.fn(async () => account()),
        contactOf: vi.fn(async () => contact),
        changeContact: vi.fn(async (_u: string, change: Partial<Contact>) => {
          const previous = contact;
          contact = { ...contact, ...change };
          return { previous, account: { ...account(), emailMasked: 'masked', phoneMasked: 'pm' } };
        }),
      },
      pending: {
        get: vi.fn(async (_u: string, channel: string) => rows.get(channel)),
        put: vi.fn(
          async (c: Omit<PendingContactChange, 'version'>) => void rows.set(c.channel, { ...c, version: 1 }),
        ),
        advance: vi.fn(async (c: PendingContactChange, change: Partial<PendingContactChange>) => {
          const row = rows.get(c.channel);
          if (!row || row.version !== c.version) throw new Conflict('answered');
          const next = { ...row, ...change, version: row.version + 1 };
          rows.set(c.channel, next);
          return next;
        }),
      },
      claims: {
        holderOf: vi.fn(async (_k: string, index: string) => {
          const c = claims.get(index);
          return c && !c.released ? c.userId : undefined;
        }),
        claim: vi.fn(async (_k: string, index: string, userId: string) => {
          const c = claims.get(index);
          if (c && !c.released && c.userId !== userId) throw new Conflict('taken');
          claims.set(index, { userId });
        }),
        release: vi.fn(async (_k: string, index: string) => {
          const c = claims.get(index);
          if (c) c.released = true;
        }),
      },
      blindIndex: async () => ({ index: async (_k: string, v: string) => `idx:${v.toLowerCase()}` }),
      vault: {
        encrypt: vi.fn(async (_b: unknown, fields: Record<string, string>) => JSON.stringify(fields)),
        decrypt: vi.fn(async (_b: unknown, text: string) => JSON.parse(text) as Record<string, string>),
      },
      codes: {
        email: vi.fn(async (_to: unknown, code: string) => void codes.push(code)),
        sms: vi.fn(async (_to: string, code: string) => void codes.push(code)),
      },
      securityChanges: { onSecurityChange: vi.fn(async (_c: SecurityChange) => {}) },
      clock,
    } satisfies ContactChangePorts;
    return { p, flow: new ContactChangeFlow(p), codes, claims, current: () => contact };
  }

  it('B1 a code older than 15 minutes is refused and changes nothing', async () => {
    const clock = new ManualClock(T0);
    const { flow, codes, p, current } = ports(clock);
    await flow.request('email', CALLER, { value: 'new@example.com', password: 'pw' });
    clock.advance(15 * 60_000);
    await expect(flow.confirm('email', CALLER, codes[0] as string, ORIGIN)).rejects.toMatchObject({
      code: 'CHANGE_EXPIRED',
    });
    expect(current().email).toBe('una@example.com');
    expect(p.securityChanges.onSecurityChange).not.toHaveBeenCalled();
  });

  it('B1 a new request replaces the earlier one: its code no longer works', async () => {
    const { flow, codes } = ports();
    await flow.request('phone', CALLER, { value: '+447700900388', password: 'pw' });
    await flow.request('phone', CALLER, { value: '+447700900389', password: 'pw' });
    const [first, second] = codes as [string, string];
    if (first !== second) {
      await expect(flow.confirm('phone', CALLER, first, ORIGIN)).rejects.toMatchObject({
        code: 'CODE_INVALID',
      });
    }
    expect(await flow.confirm('phone', CALLER, second, ORIGIN)).toMatchObject({ changed: 'phone' });
  });

  it('B1 an address claimed by another account meanwhile is refused at confirmation; nothing changes', async () => {
    const { flow, codes, claims, p, current } = ports();
    await flow.request('email', CALLER, { value: 'new@example.com', password: 'pw' });
    claims.set('idx:new@example.com', { userId: 'someone-else' });
    await expect(flow.confirm('email', CALLER, codes[0] as string, ORIGIN)).rejects.toMatchObject({
      code: 'EMAIL_TAKEN',
    });
    expect(current().email).toBe('una@example.com');
    expect(p.identity.updateContact).not.toHaveBeenCalled();
    expect(p.securityChanges.onSecurityChange).not.toHaveBeenCalled();
  });

  it('B1 the confirmation writes in order: claim, single use, security change with the old sealed contact, directory, account, release', async () => {
    const { flow, codes, p, claims } = ports();
    claims.set('idx:+447700900301', { userId: 'u-1' });
    await flow.request('phone', CALLER, { value: '+447700900377', password: 'pw' });
    const order: string[] = [];
    p.securityChanges.onSecurityChange.mockImplementation(async (c) => {
      order.push(`change:${c.kind}:${c.previousContact}`);
    });
    p.identity.updateContact.mockImplementation(async () => void order.push('directory'));
    const changeContact = p.accounts.changeContact.getMockImplementation();
    p.accounts.changeContact.mockImplementation(async (...args) => {
      order.push('account');
      return (changeContact as NonNullable<typeof changeContact>)(...args);
    });
    await flow.confirm('phone', CALLER, codes[0] as string, ORIGIN);
    expect(order).toEqual(['change:phone-changed:sealed-current', 'directory', 'account']);
    expect(claims.get('idx:+447700900377')).toEqual({ userId: 'u-1' });
    expect(claims.get('idx:+447700900301')?.released).toBe(true);
  });

  it('B1 a failed account write leaves the old contact and the old claim in place', async () => {
    const { flow, codes, p, claims, current } = ports();
    claims.set('idx:una@example.com', { userId: 'u-1' });
    await flow.request('email', CALLER, { value: 'new@example.com', password: 'pw' });
    p.accounts.changeContact.mockRejectedValueOnce(new Error('DynamoDB unavailable'));
    await expect(flow.confirm('email', CALLER, codes[0] as string, ORIGIN)).rejects.toThrow('unavailable');
    expect(current().email).toBe('una@example.com');
    expect(claims.get('idx:una@example.com')).toEqual({ userId: 'u-1' });
    expect(p.claims.release).not.toHaveBeenCalled();
  });
});
