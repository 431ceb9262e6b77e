// B1/B2: GET /v1/me/security's answer, the change notice and the security-hold workflow's input. Published
// through contracts.ts; a file of its own so a function that needs none of these shapes does not build them.
import * as z from 'zod/mini';
import { mailBefore } from '../kernel/ports/mail-before.js';

export const SECURITY_CHANGE_KINDS = [
  'totp-disabled',
  'duress-password-set',
  'pgp-key-set',
  'pgp-key-removed',
  'password-changed',
  'email-changed',
  'phone-changed',
  'totp-enabled',
] as const;

/** The kinds of security change (B1): each starts or extends the hold. */
export type SecurityChangeKind = (typeof SECURITY_CHANGE_KINDS)[number];

export const securityResponse = z.object({
  hold: z.object({ active: z.boolean(), endsAt: z.optional(z.iso.datetime()) }),
  lastChange: z.optional(z.object({ kind: z.enum(SECURITY_CHANGE_KINDS), at: z.iso.datetime() })),
});
export type SecurityResponse = z.infer<typeof securityResponse>;

/**
 * B1: what the change notice needs: what changed, when, from where, where its suspension link points and,
 * for an email or phone change, the account's previous sealed `contact` field group (ciphertext only; the
 * vault opens it under the account row's binding), so that the notice reaches the old address and phone;
 * for a PGP change, how mail was protected before it (a fingerprint at most, no key, no address).
 */
export const changeNotice = z.object({
  kind: z.enum(SECURITY_CHANGE_KINDS),
  at: z.iso.datetime(),
  ip: z.string().check(z.minLength(1), z.maxLength(64)),
  userAgent: z.optional(z.string().check(z.maxLength(512))),
  baseUrl: z.url({ protocol: /^https?$/ }).check(z.maxLength(512)),
  previousContact: z.optional(z.string().check(z.minLength(1), z.maxLength(16 * 1024))),
  /** B1/B3, a change of the PGP settings: how mail was protected before it (the notice is at least as). */
  mailBefore: z.optional(mailBefore),
});
export type ChangeNotice = z.infer<typeof changeNotice>;

/**
 * Input of the security-hold workflow and of its tasks. `change` is optional only for executions started
 * before B1's notices existed; every new execution carries it.
 */
export const holdInput = z.object({
  userId: z.string().check(z.minLength(1), z.maxLength(128)),
  holdEndsAt: z.iso.datetime(),
  change: z.optional(changeNotice),
});
export type HoldInput = z.infer<typeof holdInput>;
