// Every email Palisade sends, as typed templates rendered to plain text and HTML from one list of blocks, so
// the two bodies always say the same thing. Templates get personal data only to mask it (maskEmail,
// maskPhone); the recipient's own address never appears in a body. `frame` adds what every email carries:
// the user's anti-phishing phrase at the very top (B4) and the "we never ask for passwords or codes" line.

import { maskEmail, maskPhone } from '../kernel/privacy/mask.js';
import { linkable } from '../kernel/public-url.js';
import { html, type SafeHtml } from './html.js';

export type TemplateName =
  | 'login-notice'
  | 'account-suspended'
  | 'suspension-confirmed'
  | 'verification-code'
  | 'new-device-confirmation'
  | 'security-change'
  | 'withdrawals-available'
  | 'kyc-refresh'
  | 'withdrawal-update'
  | 'address-confirm'
  | 'signup-attempt'
  | 'refresh-token-reuse'
  | 'breach-notice'
  | 'password-entered'
  | 'login-blocked';

/** A template's output: subject and body, before `frame` puts the phrase and the footer around it. */
export interface RenderedEmail {
  template: TemplateName;
  subject: string;
  /** Plain-text body (LF line ends), without phrase banner and footer. */
  text: string;
  /** HTML body fragment, every value escaped, without phrase banner and footer. */
  html: SafeHtml;
  /** Holds a code or a link that grants something: never sent in clear to a user who asked for encryption. */
  carriesSecret: boolean;
}

/** The email as sent: framed with the phrase and the footer. */
export interface FramedEmail {
  template: TemplateName;
  subject: string;
  text: string;
  html: string;
}

/** Where and how a sign-in or a change happened, as the login chain recorded it. */
export interface SignInContext {
  at: Date;
  ip: string;
  /** Country name or ISO code (geoip). */
  country?: string;
  /** Readable browser (ua-parser-js), e.g. `Firefox 128 on Windows`. */
  browser?: string;
  /** Readable device name from the whitelist, e.g. `iPhone`. */
  device?: string;
}

export type SuspensionReason = 'user-reported' | 'duress' | 'admin' | 'integrity';

export type SecurityChange =
  | 'email'
  | 'phone'
  | 'password'
  | 'mfa-enabled'
  | 'mfa-disabled'
  | 'duress-password'
  | 'pgp-key'
  | 'anti-phishing-phrase';

export const NEVER_ASKS =
  'Palisade will never ask for your password, your authenticator codes or the codes we send you, ' +
  'by email, phone, chat or any other way.';

export const MAX_PHRASE_LENGTH = 64;

// ---- blocks: one description, two renderings ------------------------------------------------------------

type Block =
  | { kind: 'p'; text: string }
  | { kind: 'facts'; rows: readonly (readonly [string, string | undefined])[] }
  | { kind: 'action'; label: string; url: string; note?: string }
  | { kind: 'code'; code: string };

const p = (text: string): Block => ({ kind: 'p', text });

function textOf(blocks: readonly Block[]): string {
  return blocks
    .map((b) => {
      switch (b.kind) {
        case 'p':
          return b.text;
        case 'facts': {
          const rows = b.rows.filter((r): r is readonly [string, string] => r[1] !== undefined);
          const width = Math.max(...rows.map(([label]) => label.length)) + 1;
          return rows.map(([label, value]) => `  ${`${label}:`.padEnd(width + 1)}${value}`).join('\n');
        }
        case 'action':
          return [`${b.label}:`, b.url, ...(b.note ? [b.note] : [])].join('\n');
        case 'code':
          return `    ${b.code}`;
      }
      return '';
    })
    .join('\n\n');
}

const P_STYLE = 'margin:0 0 16px;line-height:1.5';

function htmlOf(blocks: readonly Block[]): SafeHtml {
  return html`${blocks.map((b) => {
    switch (b.kind) {
      case 'p':
        return html`<p style="${P_STYLE}">${b.text}</p>`;
      case 'facts':
        return html`<table role="presentation" style="margin:0 0 16px;border-collapse:collapse">${b.rows
          .filter(([, value]) => value !== undefined)
          .map(
            ([label, value]) =>
              html`<tr><td style="padding:2px 16px 2px 0;color:#5b6470">${label}</td><td style="padding:2px 0"><strong>${value}</strong></td></tr>`,
          )}</table>`;
      case 'action':
        return html`<p style="${P_STYLE}"><a href="${b.url}" style="display:inline-block;padding:10px 18px;background:#0b5cad;color:#ffffff;text-decoration:none;border-radius:6px">${b.label}</a></p><p style="${P_STYLE};font-size:12px;color:#5b6470">If the button does not work, copy this address into your browser: ${b.url}${b.note ? html`<br>${b.note}` : ''}</p>`;
      case 'code':
        return html`<p style="${P_STYLE};font-family:monospace;font-size:28px;letter-spacing:6px"><strong>${b.code}</strong></p>`;
    }
    return '';
  })}`;
}

function rendered(
  template: TemplateName,
  subject: string,
  blocks: readonly Block[],
  carriesSecret: boolean,
): RenderedEmail {
  return { template, subject, text: textOf(blocks), html: htmlOf(blocks), carriesSecret };
}

// ---- values ---------------------------------------------------------------------------------------------

/** Free-form values (user agents, device names, phrases) on one line, without control characters, capped. */
export function oneLine(value: string, max = 120): string {
  const flat = value
    // Control and format characters (bidi overrides, zero-width spaces) go; the emoji joiner U+200D stays.
    .replace(/(?:(?!\u200d)[\p{Cc}\p{Cf}\u2028\u2029])+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...flat];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : flat;
}

/** `2026-01-01 09:30 UTC`: one unambiguous time zone for every reader. */
export const formatUtc = (at: Date): string => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Links in emails are https (plain http only to the laptop's own gateway); anything else is a defect. */
export function safeLink(url: string | URL): string {
  const parsed = new URL(String(url));
  if (!linkable(parsed)) throw new Error(`Refusing to put a non-https link in an email`);
  return parsed.toString();
}

function contextRows(context: SignInContext): [string, string | undefined][] {
  return [
    ['Time', formatUtc(context.at)],
    ['IP address', oneLine(context.ip, 64)],
    ['Country', context.country === undefined ? 'unknown' : oneLine(context.country, 64)],
    ['Browser', context.browser === undefined ? 'unknown' : oneLine(context.browser)],
    ['Device', context.device === undefined ? undefined : oneLine(context.device)],
  ];
}

const hello = (username: string) => p(`Hello ${oneLine(username, 64)},`);

// ---- templates ------------------------------------------------------------------------------------------

/** A4: every successful sign-in, with the one-click "this wasn't me" link. */
export function loginNotice(input: {
  username: string;
  context: SignInContext;
  /** Signed, single-use suspension link. */
  reportUrl: string | URL;
  reportExpiresAt: Date;
}): RenderedEmail {
  return rendered(
    'login-notice',
    'New sign-in to your Palisade account',
    [
      hello(input.username),
      p('Your Palisade account was just signed in to:'),
      { kind: 'facts', rows: contextRows(input.context) },
      p('If this was you, there is nothing to do.'),
      {
        kind: 'action',
        label: "This wasn't me: suspend my account",
        url: safeLink(input.reportUrl),
        note: `One click suspends the account, signs out every session and freezes withdrawals. The link works once, until ${formatUtc(input.reportExpiresAt)}.`,
      },
    ],
    false,
  );
}

/**
 * A2: someone entered the user's right password and then a TOTP code that was refused. Says where (as every
 * sign-in email does) and what to do, with no link at all: nothing in it changes anything when clicked, and it
 * tells whoever holds the password nothing (not the code, not why it was refused, not whether more tries
 * followed).
 */
export function passwordEntered(input: { username: string; context: SignInContext }): RenderedEmail {
  return rendered(
    'password-entered',
    'Someone entered your Palisade password',
    [
      hello(input.username),
      p(
        'Your Palisade password was just entered correctly, but the sign-in was stopped at the authenticator code:',
      ),
      { kind: 'facts', rows: contextRows(input.context) },
      p(
        'If this was you and you mistyped the code, there is nothing to do. If it was not you, someone knows your password: change it now in the Palisade app, and check your recent sign-ins there.',
      ),
    ],
    false,
  );
}

/**
 * G1: someone entered the user's right password from where the login-risk model blocks sign-ins (a place,
 * network and browser unlike the user's own): the sign-in was refused. Like `password-entered`, no link at all,
 * and nothing that helps whoever holds the password (not why it was refused, nor how to get past it).
 */
export function loginBlocked(input: { username: string; context: SignInContext }): RenderedEmail {
  return rendered(
    'login-blocked',
    'We blocked a sign-in to your Palisade account',
    [
      hello(input.username),
      p(
        'Your Palisade password was just entered correctly, but the sign-in did not look like yours and we blocked it:',
      ),
      { kind: 'facts', rows: contextRows(input.context) },
      p(
        'If it was not you, someone knows your password: change it now in the Palisade app, and check your recent sign-ins there. If it was you, sign in from a device and network you have used before, or contact support.',
      ),
    ],
    false,
  );
}

/**
 * A8: a refresh token of a session was used a second time (a copy of it is in someone else's hands): the
 * session was ended, with the "this wasn't me" link should the user not recognise the session.
 */
export function refreshTokenReuse(input: {
  username: string;
  /** Where the second use came from. */
  context: SignInContext;
  reportUrl: string | URL;
  reportExpiresAt: Date;
}): RenderedEmail {
  return rendered(
    'refresh-token-reuse',
    'A Palisade session was ended for your safety',
    [
      hello(input.username),
      p(
        'A sign-in token of one of your sessions was used a second time. Only one app should ever hold it, so we ended that session: its app will ask you to sign in again.',
      ),
      p('The second use came from:'),
      { kind: 'facts', rows: contextRows(input.context) },
      p(
        'If you simply signed in again on that device, there is nothing else to do. Otherwise someone may hold a copy of your session: suspend the account and change your password.',
      ),
      {
        kind: 'action',
        label: "This wasn't me: suspend my account",
        url: safeLink(input.reportUrl),
        note: `One click suspends the account, signs out every session and freezes withdrawals. The link works once, until ${formatUtc(input.reportExpiresAt)}.`,
      },
    ],
    false,
  );
}

const WHY: Record<SuspensionReason, string> = {
  'user-reported': 'you reported a sign-in that was not yours',
  duress: 'our security team received an alert about your account',
  admin: 'our security team suspended it',
  integrity: 'our systems detected an integrity problem with your account data',
};

/** The account was suspended, for any reason (the account-suspension workflow's email). */
export function accountSuspended(input: {
  username: string;
  reason: SuspensionReason;
  at: Date;
}): RenderedEmail {
  return rendered(
    'account-suspended',
    'Your Palisade account has been suspended',
    [
      hello(input.username),
      p(`Your account was suspended at ${formatUtc(input.at)} because ${WHY[input.reason]}.`),
      p('Every session has been signed out and withdrawals are frozen.'),
      p(
        'To restore access, contact support from the email address on file. Palisade staff will never ask for your password or your authenticator codes.',
      ),
    ],
    false,
  );
}

/** A4: the answer to a click on "this wasn't me". */
export function suspensionConfirmed(input: {
  username: string;
  at: Date;
  /** Pending withdrawals cancelled by the suspension, when known. */
  withdrawalsCancelled?: number;
}): RenderedEmail {
  const cancelled =
    input.withdrawalsCancelled === undefined
      ? 'Pending withdrawals have been cancelled.'
      : `${input.withdrawalsCancelled} pending withdrawal${input.withdrawalsCancelled === 1 ? ' has' : 's have'} been cancelled.`;
  return rendered(
    'suspension-confirmed',
    'We suspended your Palisade account as you asked',
    [
      hello(input.username),
      p(`You told us a sign-in was not yours, so we suspended your account at ${formatUtc(input.at)}.`),
      p(`Every session and device has been signed out. ${cancelled}`),
      p(
        'Only our support team can restore the account, after checking that it is you. Contact support from the email address on file; meanwhile, change the password of your email account if you use it anywhere else.',
      ),
    ],
    false,
  );
}

export type CodePurpose = 'email-verification' | 'new-ip' | 'email-change';

/** A1 sign-up email verification and A6 new-IP proof: a one-time code. */
export function verificationCode(input: {
  username: string;
  code: string;
  purpose: CodePurpose;
  expiresAt: Date;
  /** A6: the sign-in that asked for the code. */
  context?: SignInContext;
}): RenderedEmail {
  if (!/^[0-9]{4,10}$/.test(input.code)) throw new Error('A verification code is 4 to 10 digits');
  const blocks: Block[] =
    input.purpose === 'email-change'
      ? [
          hello(input.username),
          p('Enter this code in the Palisade app to make this address the email address of your account:'),
          { kind: 'code', code: input.code },
          p(
            `The code expires at ${formatUtc(input.expiresAt)}. If you did not ask for this, ignore this email: nothing changes without the code.`,
          ),
        ]
      : input.purpose === 'email-verification'
        ? [
            hello(input.username),
            p('Enter this code in the Palisade app to verify your email address:'),
            { kind: 'code', code: input.code },
            p(
              `The code expires at ${formatUtc(input.expiresAt)}. If you did not sign up, ignore this email.`,
            ),
          ]
        : [
            hello(input.username),
            p('Someone signed in with your password from a network we have not seen on your account before:'),
            ...(input.context ? [{ kind: 'facts', rows: contextRows(input.context) } as const] : []),
            p('If this was you, enter this code to continue:'),
            { kind: 'code', code: input.code },
            p(
              `The code expires at ${formatUtc(input.expiresAt)}. If this was not you, do not share the code with anyone: change your password at once.`,
            ),
          ];
  const subject =
    input.purpose === 'email-verification'
      ? 'Verify your email address for Palisade'
      : input.purpose === 'email-change'
        ? 'Confirm your new email address for Palisade'
        : 'Your Palisade login code';
  return rendered('verification-code', subject, blocks, true);
}

/**
 * A1: someone tried to open an account with an address that already has one. Says nothing about who tried or
 * with which username (attacker-chosen text never reaches an email), and asks for nothing.
 */
export function signupAttemptNotice(input: { at: Date }): RenderedEmail {
  return rendered(
    'signup-attempt',
    'Someone tried to open a Palisade account with your email address',
    [
      p(
        `At ${formatUtc(input.at)} someone tried to open a new Palisade account with this email address, which already belongs to an account. No account was opened and nothing changed on yours.`,
      ),
      p(
        'If this was you, log in with your existing account instead. If it was not, you need not do anything; if you also see sign-ins you do not recognise, change your password.',
      ),
    ],
    false,
  );
}

/** A1: the SMS to a number that already belongs to an account, in place of a sign-up code. */
export function signupAttemptSms(): string {
  return 'Palisade: someone tried to open a new account with this number, which already belongs to an account. Nothing changed. Palisade never asks for codes by phone.';
}

/** The SMS wording of a verification code (phone verification at sign-up), for the SMS port. */
export function verificationSms(code: string, validMinutes: number): string {
  if (!/^[0-9]{4,10}$/.test(code)) throw new Error('A verification code is 4 to 10 digits');
  return `Palisade code: ${code}. Valid for ${validMinutes} minutes. Palisade never asks for this code: do not share it.`;
}

/** B1: the SMS wording of the code that proves the new number of a phone change. */
export function phoneChangeSms(code: string, validMinutes: number): string {
  if (!/^[0-9]{4,10}$/.test(code)) throw new Error('A verification code is 4 to 10 digits');
  return `Palisade code: ${code} confirms this number for your account. Valid for ${validMinutes} minutes. Palisade never asks for this code: do not share it.`;
}

const CHANGE_SMS: Record<SecurityChange, string> = {
  email: 'email address changed',
  phone: 'phone number changed',
  password: 'password changed',
  'mfa-enabled': '2FA turned on',
  'mfa-disabled': '2FA turned off',
  'duress-password': 'duress password set',
  'pgp-key': 'PGP key changed',
  'anti-phishing-phrase': 'anti-phishing phrase changed',
};

/**
 * B1: the SMS of a security change, to the phone on file (the old one for a phone change): what, when, from
 * which IP, and the "this wasn't me" link. Short and without free text: only values the contract checked.
 */
export function securityChangeSms(input: {
  change: SecurityChange;
  at: Date;
  ip?: string;
  reportUrl: string | URL;
}): string {
  const where = input.ip && /^[0-9A-Fa-f:.]{2,45}$/.test(input.ip) ? ` from ${input.ip}` : '';
  return `Palisade: ${CHANGE_SMS[input.change]} ${formatUtc(input.at)}${where}. Not you? Suspend your account: ${safeLink(input.reportUrl)}`;
}

/** A7: a sign-in from a browser or device not on the whitelist waits for this link. */
export function newDeviceConfirmation(input: {
  username: string;
  context: SignInContext;
  confirmUrl: string | URL;
  expiresAt: Date;
  reportUrl?: string | URL;
}): RenderedEmail {
  return rendered(
    'new-device-confirmation',
    'Confirm a sign-in from a new device',
    [
      hello(input.username),
      p('A sign-in to your account from a new browser or device is waiting for your confirmation:'),
      { kind: 'facts', rows: contextRows(input.context) },
      {
        kind: 'action',
        label: 'Yes, it was me: allow this device',
        url: safeLink(input.confirmUrl),
        note: `The link works once, until ${formatUtc(input.expiresAt)}. The device is then added to your trusted devices.`,
      },
      ...(input.reportUrl
        ? [
            {
              kind: 'action',
              label: "This wasn't me: suspend my account",
              url: safeLink(input.reportUrl),
            } as const,
          ]
        : [p('If this was not you, do not click the link, and change your password.')]),
    ],
    true,
  );
}

const CHANGE: Record<SecurityChange, string> = {
  email: 'Your email address was changed',
  phone: 'Your phone number was changed',
  password: 'Your password was changed',
  'mfa-enabled': 'Two-factor authentication (TOTP) was turned on',
  'mfa-disabled': 'Two-factor authentication (TOTP) was turned off',
  'duress-password': 'Your duress password was set or changed',
  'pgp-key': 'Your PGP key for signed and encrypted email was changed',
  'anti-phishing-phrase': 'Your anti-phishing phrase was changed',
};

/** B1: sent to the address on file (the old one, for an email change) after every security change. */
export function securityChangeNotice(input: {
  username: string;
  change: SecurityChange;
  context: SignInContext;
  reportUrl: string | URL;
  reportExpiresAt: Date;
  /** B2: withdrawals held until then. */
  withdrawalsHeldUntil?: Date;
  /** The new address or number, shown masked. */
  newEmail?: string;
  newPhone?: string;
}): RenderedEmail {
  const what =
    input.change === 'email' && input.newEmail
      ? `${CHANGE.email} to ${maskEmail(input.newEmail)}.`
      : input.change === 'phone' && input.newPhone
        ? `${CHANGE.phone} to ${maskPhone(input.newPhone)}.`
        : `${CHANGE[input.change]}.`;
  return rendered(
    'security-change',
    `Security change on your Palisade account`,
    [
      hello(input.username),
      p(what),
      { kind: 'facts', rows: contextRows(input.context) },
      ...(input.withdrawalsHeldUntil
        ? [p(`For your protection, withdrawals are paused until ${formatUtc(input.withdrawalsHeldUntil)}.`)]
        : []),
      {
        kind: 'action',
        label: "This wasn't me: suspend my account",
        url: safeLink(input.reportUrl),
        note: `One click suspends the account and signs out every session. The link works once, until ${formatUtc(input.reportExpiresAt)}.`,
      },
    ],
    false,
  );
}

/** B2: the hold after a security change is over. */
export function withdrawalsAvailable(input: { username: string; at: Date }): RenderedEmail {
  return rendered(
    'withdrawals-available',
    'Withdrawals are available again on your Palisade account',
    [
      hello(input.username),
      p(
        `The withdrawal hold that followed a security change on your account ended at ${formatUtc(input.at)}. Withdrawals are available again.`,
      ),
      p(
        'If you did not make a security change recently, contact support at once: someone else may have access to your account.',
      ),
    ],
    false,
  );
}

/** F1: the periodic KYC refresh: what to do and by when; past the deadline, what it means for withdrawals. */
export function kycRefresh(input: { username: string; dueAt: Date; overdue: boolean }): RenderedEmail {
  return rendered(
    'kyc-refresh',
    input.overdue
      ? 'Your Palisade verification is overdue: withdrawal limits are reduced'
      : 'Please review your Palisade verification details',
    [
      hello(input.username),
      p(
        input.overdue
          ? `The periodic review of your verification details was due on ${formatUtc(input.dueAt)}. Until you review them, your withdrawal limits are those of the basic level.`
          : `The periodic review of your verification details is due on ${formatUtc(input.dueAt)}. Please sign in and confirm or update your details in the verification section before then.`,
      ),
      p('We will never ask for your password or codes by email.'),
    ],
    false,
  );
}

const BREACH_CATEGORY_TEXT: Readonly<Record<string, string>> = {
  contact: 'contact details (email address, phone number)',
  identity: 'identity data (name, date of birth, identity documents)',
  credentials: 'sign-in data (password hashes, security keys)',
  financial: 'financial data (withdrawals, withdrawal addresses, limits)',
  activity: 'account activity (sign-ins, IP addresses, devices)',
};

/**
 * F6 (GDPR Art. 34): a personal-data breach that may put the user at high risk: what was concerned, what
 * Palisade did, what the user should do. Fixed wording; the incident's reference for any question.
 */
export function breachNotice(input: {
  username: string;
  incidentId: string;
  detectedAt: Date;
  dataCategories: readonly string[];
}): RenderedEmail {
  const concerned = input.dataCategories.map((c) => BREACH_CATEGORY_TEXT[c] ?? c).join('; ');
  return rendered(
    'breach-notice',
    'Important: a security incident concerning your Palisade account data',
    [
      hello(input.username),
      p(
        `On ${formatUtc(input.detectedAt)} we detected a security incident in which the following data of your account may have been exposed: ${concerned}.`,
      ),
      p(
        'We have contained the incident, informed the data-protection authority and are investigating. Withdrawals stay protected by your second factor and your withdrawal-address list.',
      ),
      p(
        'What you should do: change your Palisade password, check your withdrawal addresses and recent sign-ins, and be wary of messages that claim to come from us: we never ask for passwords or codes.',
      ),
      p(`Reference for any question to our data-protection officer: ${input.incidentId}.`),
    ],
    false,
  );
}

/** C3: a withdrawal was sent to custody, or rejected. Fixed wording; the address masked. */
export function withdrawalUpdate(input: {
  username: string;
  asset: string;
  amount: string;
  addressMasked: string;
  status: 'dispatched' | 'rejected';
  at: Date;
}): RenderedEmail {
  const what = `${input.amount} ${input.asset} to ${input.addressMasked}`;
  const dispatched = input.status === 'dispatched';
  return rendered(
    'withdrawal-update',
    dispatched ? 'Your Palisade withdrawal is on its way' : 'Your Palisade withdrawal was not approved',
    [
      hello(input.username),
      p(
        dispatched
          ? `Your withdrawal of ${what} was approved and handed to our custody system at ${formatUtc(input.at)}.`
          : `Your withdrawal of ${what} was rejected at ${formatUtc(input.at)}. No funds left your account and it no longer counts against your withdrawal limits.`,
      ),
      p(
        dispatched
          ? 'If you did not request this withdrawal, contact support at once: someone else may have access to your account.'
          : 'Support can tell you more. Palisade staff will never ask for your password or your authenticator codes.',
      ),
    ],
    false,
  );
}

const ASSET_NAMES: Record<string, string> = { BTC: 'Bitcoin (BTC)', ETH: 'Ether (ETH)' };

/**
 * C1: a new withdrawal address waits for this link. Only fixed facts: the asset, the masked address and
 * where the request came from; the user's label never appears (no free text in a Palisade email).
 */
export function addressConfirmation(input: {
  username: string;
  asset: string;
  addressMasked: string;
  context: SignInContext;
  confirmUrl: string | URL;
  expiresAt: Date;
  /** Hours after confirmation before withdrawals may go to the address. */
  coolingHours: number;
  reportUrl?: string | URL;
  reportExpiresAt?: Date;
}): RenderedEmail {
  const cooling =
    input.coolingHours > 0
      ? `Withdrawals to it become possible ${input.coolingHours} hour${input.coolingHours === 1 ? '' : 's'} after you confirm.`
      : 'Withdrawals to it become possible as soon as you confirm.';
  return rendered(
    'address-confirm',
    'Confirm a new withdrawal address',
    [
      hello(input.username),
      p('A new withdrawal address was added to your account and is waiting for your confirmation:'),
      {
        kind: 'facts',
        rows: [
          ['Asset', ASSET_NAMES[input.asset] ?? oneLine(input.asset, 8)],
          ['Address', oneLine(input.addressMasked, 16)],
          ...contextRows(input.context),
        ],
      },
      {
        kind: 'action',
        label: 'Yes, I added it: confirm this address',
        url: safeLink(input.confirmUrl),
        note: `The link works once, until ${formatUtc(input.expiresAt)}. ${cooling}`,
      },
      ...(input.reportUrl
        ? [
            p(
              'If you did not add this address, do not click the link: someone else may have access to your account.',
            ),
            {
              kind: 'action',
              label: "This wasn't me: suspend my account",
              url: safeLink(input.reportUrl),
              ...(input.reportExpiresAt
                ? { note: `The link works once, until ${formatUtc(input.reportExpiresAt)}.` }
                : {}),
            } as const,
          ]
        : [p('If you did not add this address, do not click the link, and change your password at once.')]),
    ],
    true,
  );
}

// ---- the frame: phrase on top, footer at the bottom -----------------------------------------------------

const PHRASE_TITLE = 'Your anti-phishing phrase';

/** B4: the phrase in the first lines of the text and in the first element of the HTML body. */
export function frame(message: RenderedEmail, phrase?: string): FramedEmail {
  const shown = phrase === undefined ? '' : oneLine(phrase, MAX_PHRASE_LENGTH);
  const banner = shown
    ? [`${PHRASE_TITLE}: "${shown}"`, 'Every genuine Palisade email shows your phrase here.']
    : [
        'Anti-phishing phrase: not set.',
        'Set one in your security settings: every genuine Palisade email will then show it here.',
      ];
  const text = [
    ...banner,
    '-'.repeat(64),
    '',
    message.text,
    '',
    '--',
    NEVER_ASKS,
    'You receive this security email because you have a Palisade account.',
    '',
  ].join('\n');
  const bannerHtml = shown
    ? html`<div id="anti-phishing-phrase" style="border:2px solid #0b6e4f;border-radius:6px;padding:12px 16px;margin:0 0 20px;background:#eef8f3"><div style="font-size:12px;text-transform:uppercase;letter-spacing:1px;color:#0b6e4f">${PHRASE_TITLE}</div><div style="font-size:18px;font-weight:bold;margin-top:4px">${shown}</div></div>`
    : html`<div id="anti-phishing-phrase" style="border:2px dashed #8a939e;border-radius:6px;padding:12px 16px;margin:0 0 20px;color:#5b6470">Anti-phishing phrase: not set. Set one in your security settings: every genuine Palisade email will then show it here.</div>`;
  const document = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${message.subject}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1b1f24">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">${bannerHtml}
${message.html}
<hr style="border:none;border-top:1px solid #dde1e6;margin:24px 0 12px">
<p style="margin:0;font-size:12px;color:#5b6470;line-height:1.5">${NEVER_ASKS}</p>
</div>
</body></html>
`;
  return { template: message.template, subject: message.subject, text, html: document.value };
}
