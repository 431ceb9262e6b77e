// A message to a user, by user id and template: the user-mail function looks the address, the username, the
// anti-phishing phrase (B4) and the PGP key (B3) up itself, renders the template (lambdas/notify/templates.ts)
// and sends it through the Notifier, so the functions that decide to write to a user never hold the address,
// and no caller can put free text into a Palisade email.
import * as z from 'zod/mini';
import { mailBefore } from './mail-before.js';

export { type MailBefore, mailBefore, pgpFingerprint } from './mail-before.js';

const iso = z.iso.datetime();
const link = z.url({ protocol: /^https?$/ }).check(z.maxLength(2048));
const line = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/** Where and how a sign-in (or a change) happened; times as ISO strings (the event is JSON). */
export const signInContext = z.object({
  at: iso,
  ip: line(64),
  country: z.optional(line(64)),
  browser: z.optional(line(256)),
  device: z.optional(line(256)),
});
export type SignInContextInput = z.infer<typeof signInContext>;

export const SECURITY_CHANGES = [
  'email',
  'phone',
  'password',
  'mfa-enabled',
  'mfa-disabled',
  'duress-password',
  'pgp-key',
  'anti-phishing-phrase',
] as const;

/** F6: the categories of personal data a breach may concern (what a breach notice names). */
export const BREACH_DATA_CATEGORIES = [
  'contact',
  'identity',
  'credentials',
  'financial',
  'activity',
] as const;
export type BreachDataCategory = (typeof BREACH_DATA_CATEGORIES)[number];

export const SUSPENSION_REASONS = ['user-reported', 'duress', 'admin', 'integrity'] as const;

/** Every template a function may ask the user-mail function to send, with its parameters. */
export const userMessage = z.discriminatedUnion('template', [
  /** A4: a successful sign-in, with the "this wasn't me" link. */
  z.object({
    template: z.literal('login-notice'),
    context: signInContext,
    reportUrl: link,
    reportExpiresAt: iso,
  }),
  /** A8: a rotated refresh token was used again; its session was ended. */
  z.object({
    template: z.literal('refresh-token-reuse'),
    context: signInContext,
    reportUrl: link,
    reportExpiresAt: iso,
  }),
  /** A2: the right password was entered and the TOTP code refused (no link: nothing to click). */
  z.object({
    template: z.literal('password-entered'),
    context: signInContext,
  }),
  /** G1: the right password from where the login-risk model blocks; the login was refused (no link). */
  z.object({
    template: z.literal('login-blocked'),
    context: signInContext,
  }),
  /** A6: the one-time code of a sign-in from a new network. */
  z.object({
    template: z.literal('new-ip-code'),
    code: z.string().check(z.regex(/^[0-9]{6}$/)),
    expiresAt: iso,
    context: z.optional(signInContext),
  }),
  /** A7: the confirmation link of a sign-in from a new device. */
  z.object({
    template: z.literal('new-device-link'),
    context: signInContext,
    confirmUrl: link,
    expiresAt: iso,
    reportUrl: z.optional(link),
  }),
  /** A4: the answer to a click on "this wasn't me". */
  z.object({
    template: z.literal('suspension-confirmed'),
    at: iso,
    withdrawalsCancelled: z.optional(z.number().check(z.int(), z.minimum(0))),
  }),
  /** A4/A5/D: the account was suspended (the account-suspension workflow). */
  z.object({
    template: z.literal('account-suspended'),
    reason: z.enum(SUSPENSION_REASONS),
    at: iso,
  }),
  /**
   * B1/B2: a security change. New addresses are not part of the event (addresses never travel between
   * functions); the notice names the kind of change.
   */
  z.object({
    template: z.literal('security-change'),
    change: z.enum(SECURITY_CHANGES),
    context: signInContext,
    reportUrl: link,
    reportExpiresAt: iso,
    withdrawalsHeldUntil: z.optional(iso),
    /** B1/B3: set for a change of the PGP settings; the notice is protected at least as mail was before. */
    mailBefore: z.optional(mailBefore),
  }),
  /** B2: the withdrawal hold after a security change ended (the security-hold workflow). */
  z.object({
    template: z.literal('withdrawals-available'),
    at: iso,
  }),
  /** F1: the periodic KYC refresh comes due (or its deadline passed): the refresh workflow. */
  z.object({
    template: z.literal('kyc-refresh'),
    dueAt: iso,
    overdue: z.boolean(),
  }),
  /**
   * C3: a withdrawal's outcome (the withdrawal workflow): what, how much, to which masked address, and what
   * happened. Fixed fields only: a rejection's reason stays in the record, never in an email.
   */
  z.object({
    template: z.literal('withdrawal-update'),
    asset: z.enum(['BTC', 'ETH']),
    amount: z.string().check(z.regex(/^(0|[1-9][0-9]{0,17})(\.[0-9]{1,18})?$/)),
    addressMasked: line(64),
    status: z.enum(['dispatched', 'rejected']),
    at: iso,
  }),
  /**
   * C1: the confirmation link of a new withdrawal address: the asset, the masked address (never the label
   * or any other free text), where the request came from, the link's end and the cooling after it.
   */
  z.object({
    template: z.literal('address-confirm'),
    asset: z.enum(['BTC', 'ETH']),
    addressMasked: z.string().check(z.regex(/^[0-9A-Za-z]{1,6}\u2026[0-9A-Za-z]{0,4}$/)),
    context: signInContext,
    confirmUrl: link,
    expiresAt: iso,
    coolingHours: z.number().check(z.int(), z.minimum(0), z.maximum(24 * 7)),
    reportUrl: z.optional(link),
    reportExpiresAt: z.optional(iso),
  }),
  /**
   * F6 (GDPR Art. 34): a personal-data breach likely to put the user at high risk. Fixed wording by the data
   * categories concerned (no free text), the incident's reference and when it was detected.
   */
  z.object({
    template: z.literal('breach-notice'),
    incidentId: z.string().check(z.regex(/^inc_[A-Za-z0-9_-]{8,64}$/)),
    detectedAt: iso,
    dataCategories: z.array(z.enum(BREACH_DATA_CATEGORIES)).check(z.minLength(1)),
  }),
]);
export type UserMessage = z.infer<typeof userMessage>;
export type UserTemplate = UserMessage['template'];

/**
 * A1: a message to an explicit address, for a sign-up that has no account row yet: only the sign-up code,
 * without phrase or PGP (the user has set neither). The username is the one the sign-up chose.
 */
export const addressMessage = z.discriminatedUnion('template', [
  z.object({
    template: z.literal('signup-code'),
    code: z.string().check(z.regex(/^[0-9]{6}$/)),
    expiresAt: iso,
  }),
  /**
   * A1: the address already belongs to an account, so a sign-up with it gets this notice instead of a code
   * (the sign-up answers alike either way: nobody learns whether an address is a customer's).
   */
  z.object({
    template: z.literal('signup-attempt'),
    at: iso,
  }),
  /** B1: the code that proves the new address of an email change (the account's username). */
  z.object({
    template: z.literal('email-change-code'),
    code: z.string().check(z.regex(/^[0-9]{6}$/)),
    expiresAt: iso,
  }),
]);
export type AddressMessage = z.infer<typeof addressMessage>;

export const userMailRequest = z.union([
  z.object({
    userId: z.string().check(z.minLength(1), z.maxLength(128)),
    message: userMessage,
    /**
     * B1: a previous `contact` field group of this user's account row, as the vault sealed it (ciphertext):
     * the notice of an email change goes to the old address. The vault opens it only under the account
     * row's own binding, so a caller can name no address but one this user had.
     */
    contact: z.optional(z.string().check(z.minLength(1), z.maxLength(16 * 1024))),
  }),
  z.object({
    to: z.object({ email: z.email().check(z.maxLength(254)), username: line(64) }),
    message: addressMessage,
  }),
]);
export type UserMailRequest = z.infer<typeof userMailRequest>;

/** What the user-mail function answers: the message id and how the email went (B3). */
export interface UserMailResult {
  messageId: string;
  protection: 'none' | 'signed' | 'signed+encrypted';
}
