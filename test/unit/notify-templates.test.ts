// Unit tests of the email templates (A4, A6, A7, B1, B2, B4): every template renders text and HTML, the
// anti-phishing phrase is the first thing in both, user-controlled text is escaped, personal data is masked.
import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../lambdas/notify/html.js';
import { suspensionEmail } from '../../lambdas/notify/suspension-email.js';
import {
  accountSuspended,
  frame,
  loginNotice,
  NEVER_ASKS,
  newDeviceConfirmation,
  oneLine,
  passwordEntered,
  type RenderedEmail,
  refreshTokenReuse,
  type SignInContext,
  safeLink,
  securityChangeNotice,
  suspensionConfirmed,
  verificationCode,
  verificationSms,
  withdrawalsAvailable,
} from '../../lambdas/notify/templates.js';

const at = new Date('2026-03-01T10:15:00Z');
const context: SignInContext = {
  at,
  ip: '203.0.113.9',
  country: 'Germany',
  browser: 'Firefox 128 on Linux',
  device: 'Work laptop',
};
const reportUrl = 'https://api.palisade.example/v1/auth/report?token=abc&sig=x';
const later = new Date('2026-03-08T10:15:00Z');
const OLD_EMAIL = 'samuel.jones@example.com';
const NEW_EMAIL = 'new.address@example.org';
const NEW_PHONE = '+44 7700 900123';

/** One rendering of every template: the list the tests walk through. */
const TEMPLATES: [string, RenderedEmail][] = [
  ['login notice (A4)', loginNotice({ username: 'sam', context, reportUrl, reportExpiresAt: later })],
  ['account suspended', accountSuspended({ username: 'sam', reason: 'user-reported', at })],
  ['suspension confirmed (A4)', suspensionConfirmed({ username: 'sam', at, withdrawalsCancelled: 2 })],
  [
    'sign-up email code (A1)',
    verificationCode({ username: 'sam', code: '123456', purpose: 'email-verification', expiresAt: later }),
  ],
  [
    'new-IP code (A6)',
    verificationCode({ username: 'sam', code: '654321', purpose: 'new-ip', expiresAt: later, context }),
  ],
  [
    'new-device confirmation (A7)',
    newDeviceConfirmation({
      username: 'sam',
      context,
      confirmUrl: 'https://api.palisade.example/v1/auth/devices/confirm?t=1',
      expiresAt: later,
      reportUrl,
    }),
  ],
  [
    'security change: email (B1)',
    securityChangeNotice({
      username: 'sam',
      change: 'email',
      newEmail: NEW_EMAIL,
      context,
      reportUrl,
      reportExpiresAt: later,
      withdrawalsHeldUntil: new Date('2026-03-04T10:15:00Z'),
    }),
  ],
  [
    'security change: phone (B1)',
    securityChangeNotice({
      username: 'sam',
      change: 'phone',
      newPhone: NEW_PHONE,
      context,
      reportUrl,
      reportExpiresAt: later,
    }),
  ],
  ['withdrawals available (B2)', withdrawalsAvailable({ username: 'sam', at })],
  [
    'refresh token reused (A8)',
    refreshTokenReuse({ username: 'sam', context, reportUrl, reportExpiresAt: later }),
  ],
  ['password entered, code refused (A2)', passwordEntered({ username: 'sam', context })],
];

/** The visible text of an HTML document, entities decoded (enough for these templates). */
function visible(document: string): string {
  return document
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&#61;/g, '=')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('email templates', () => {
  it.each(TEMPLATES)('B4 %s: text and HTML, the phrase on top, the never-asks line', (_name, message) => {
    const framed = frame(message, 'purple otters at dawn');
    expect(framed.subject.length).toBeGreaterThan(10);
    // The phrase is the very first line of the text and the first element of the HTML body.
    expect(framed.text.split('\n')[0]).toBe('Your anti-phishing phrase: "purple otters at dawn"');
    const body = framed.html.slice(framed.html.indexOf('<body'));
    expect(visible(body).startsWith('Your anti-phishing phrase purple otters at dawn')).toBe(true);
    expect(body.indexOf('id="anti-phishing-phrase"')).toBeLessThan(body.indexOf('Hello sam'));
    expect(framed.text).toContain('Hello sam,');
    expect(framed.text).toContain(NEVER_ASKS);
    expect(visible(framed.html)).toContain(NEVER_ASKS);
    expect(framed.html.startsWith('<!doctype html>')).toBe(true);
    // The text and HTML bodies carry the same words (a link's label ends with a colon in text only).
    for (const line of message.text.split('\n').filter((l) => /^[A-Z]/.test(l))) {
      expect(visible(framed.html)).toContain(line.replace(/\s+/g, ' ').replace(/:$/, '').slice(0, 40));
    }
  });

  it.each(TEMPLATES)('B4 %s: no phrase set says so in the same place', (_name, message) => {
    const framed = frame(message);
    expect(framed.text.split('\n')[0]).toBe('Anti-phishing phrase: not set.');
    expect(
      visible(framed.html.slice(framed.html.indexOf('<body'))).startsWith('Anti-phishing phrase: not set.'),
    ).toBe(true);
  });

  it.each(TEMPLATES)(
    'B4 %s: a phrase like <script> is escaped in HTML and kept on one line in text',
    (_n, m) => {
      const phrase = '<script>alert("x")</script>\n& more';
      const framed = frame(m, phrase);
      expect(framed.html).not.toContain('<script>');
      expect(framed.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
      expect(framed.text.split('\n')[0]).toBe(
        'Your anti-phishing phrase: "<script>alert("x")</script> & more"',
      );
    },
  );

  it.each(TEMPLATES)('E2 %s: no unmasked email address or phone number in any body', (_name, message) => {
    const framed = frame(message, 'phrase');
    for (const body of [framed.text, framed.html, visible(framed.html)]) {
      expect(body).not.toContain(OLD_EMAIL);
      expect(body).not.toContain(NEW_EMAIL);
      expect(body).not.toContain('7700 900123');
      expect(body.replace(/\D/g, ' ')).not.toMatch(/\b7700900123\b/);
      // Any address shown is masked: one character, then ***.
      for (const address of body.match(/[^\s"<>:;()]+@[\w.-]+\.[a-z]{2,}/gi) ?? []) {
        expect(address).toMatch(/^.\*\*\*@/);
      }
    }
  });

  it('B1 the change notice names what changed, masked, when and from where, with the suspension link', () => {
    const email = frame(TEMPLATES[6]?.[1] as RenderedEmail);
    expect(email.text).toContain('Your email address was changed to n***@example.org.');
    expect(email.text).toContain('2026-03-01 10:15 UTC');
    expect(email.text).toContain('203.0.113.9');
    expect(email.text).toContain('Germany');
    expect(email.text).toContain('withdrawals are paused until 2026-03-04 10:15 UTC');
    expect(email.text).toContain(reportUrl);
    expect(email.html).toContain(`href="${escapeHtml(reportUrl)}"`);
    const phone = frame(TEMPLATES[7]?.[1] as RenderedEmail);
    expect(phone.text).toContain('Your phone number was changed to *** *** 0123.');
  });

  it('A4 the login notice shows time, IP, country, browser, device and the one-click link', () => {
    const email = frame(TEMPLATES[0]?.[1] as RenderedEmail);
    for (const fact of [
      '2026-03-01 10:15 UTC',
      '203.0.113.9',
      'Germany',
      'Firefox 128 on Linux',
      'Work laptop',
    ]) {
      expect(email.text).toContain(fact);
      expect(visible(email.html)).toContain(fact);
    }
    expect(email.text).toContain(`This wasn't me: suspend my account:\n${reportUrl}`);
    expect(email.text).toContain('until 2026-03-08 10:15 UTC');
    expect(email.html).toContain('&amp;sig&#61;x');
    expect(TEMPLATES[0]?.[1].carriesSecret).toBe(false);
  });

  it('A6/A7 codes and confirmation links are marked as secrets; others are not', () => {
    const secret = Object.fromEntries(TEMPLATES.map(([name, m]) => [name, m.carriesSecret]));
    expect(secret).toMatchObject({
      'sign-up email code (A1)': true,
      'new-IP code (A6)': true,
      'new-device confirmation (A7)': true,
      'login notice (A4)': false,
      'withdrawals available (B2)': false,
    });
    expect(frame(TEMPLATES[4]?.[1] as RenderedEmail).text).toContain('    654321');
    expect(verificationSms('123456', 10)).toBe(
      'Palisade code: 123456. Valid for 10 minutes. Palisade never asks for this code: do not share it.',
    );
    expect(() =>
      verificationCode({ username: 's', code: '12a', purpose: 'new-ip', expiresAt: at }),
    ).toThrow();
  });

  it('A4 free-form values cannot add lines or markup: user agents and device names are flattened and escaped', () => {
    const email = frame(
      loginNotice({
        username: 'sam',
        context: {
          ...context,
          browser: 'Evil\nClick: https://phish.example\u202e',
          device: '<img src=x onerror=alert(1)>',
        },
        reportUrl,
        reportExpiresAt: later,
      }),
    );
    expect(email.text).toContain('Browser:    Evil Click: https://phish.example\n');
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain('&lt;img src&#61;x onerror&#61;alert(1)&gt;');
    expect(oneLine('x'.repeat(500)).length).toBe(120);
    expect(oneLine('a\u202eb\u200bc 👨\u200d👩\u200d👧')).toBe('a b c 👨\u200d👩\u200d👧');
  });

  it('links are https (http only on loopback): a javascript: or plain-http link is a defect', () => {
    expect(safeLink('https://api.palisade.example/x?a=1')).toBe('https://api.palisade.example/x?a=1');
    expect(safeLink('http://127.0.0.1:3000/v1/x')).toBe('http://127.0.0.1:3000/v1/x');
    for (const bad of [
      'javascript:alert(1)',
      'http://phish.example/x',
      'https://user:pw@api.example/',
      'data:text/html,x',
    ]) {
      expect(() => safeLink(bad)).toThrow(/non-https/);
    }
    expect(() =>
      loginNotice({ username: 's', context, reportUrl: 'javascript:alert(1)', reportExpiresAt: at }),
    ).toThrow();
  });

  it('the html builder escapes every interpolation and passes nested fragments through', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${'"&\''}${['<a>', html`<br>`]}${undefined}${false}</p>`.value).toBe(
      '<p><b>&lt;i&gt;</b>&quot;&amp;&#39;&lt;a&gt;<br></p>',
    );
  });

  it('the suspension email keeps its signature and wording for the account-suspension workflow', () => {
    const email = suspensionEmail('sam@example.com', 'sam', 'admin', at);
    expect(email.to).toBe('sam@example.com');
    expect(email.subject).toBe('Your Palisade account has been suspended');
    expect(email.text).toContain('Hello sam,');
    expect(email.text).toContain('because our security team suspended it');
    expect(email.html).toContain('Every session has been signed out and withdrawals are frozen.');
    expect(email.text).not.toContain('sam@example.com');
  });
});

describe('A2 the "someone entered your password" email', () => {
  it('A2 says where, tells what to do, and holds no link and no secret', () => {
    const mail = passwordEntered({ username: 'sam', context });
    expect(mail.subject).toBe('Someone entered your Palisade password');
    expect(mail.carriesSecret).toBe(false);
    expect(mail.text).toContain('203.0.113.9');
    expect(mail.text).toContain('change it');
    expect(`${mail.text}${String(mail.html)}`).not.toMatch(/https?:|<a /);
  });
});
