// The SMS function's request: a template and its parameters to a phone number, so no caller can put free
// text into a Palisade SMS. Rendered by lambdas/notify/templates.ts, sent through the SmsSender port.
import * as z from 'zod/mini';
import { SECURITY_CHANGES } from './user-mail-contracts.js';

export const smsMessage = z.discriminatedUnion('template', [
  /** A1: the phone verification code of a sign-up. */
  z.object({
    template: z.literal('signup-code'),
    code: z.string().check(z.regex(/^[0-9]{6}$/)),
    validMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(60)),
  }),
  /** A1: the number already belongs to an account: a notice instead of a sign-up code. */
  z.object({ template: z.literal('signup-attempt') }),
  /** B1: the code that proves the new number of a phone change. */
  z.object({
    template: z.literal('phone-change-code'),
    code: z.string().check(z.regex(/^[0-9]{6}$/)),
    validMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(60)),
  }),
  /** B1: a security change, to the phone on file (the old one for a phone change), with the A4 link. */
  z.object({
    template: z.literal('security-change'),
    change: z.enum(SECURITY_CHANGES),
    at: z.iso.datetime(),
    /** The source address only, never free text: IPv4 or IPv6 characters. */
    ip: z.optional(z.string().check(z.regex(/^[0-9A-Fa-f:.]{2,45}$/))),
    reportUrl: z.url({ protocol: /^https?$/ }).check(z.maxLength(512)),
  }),
]);
export type SmsMessage = z.infer<typeof smsMessage>;

export const smsRequest = z.object({
  to: z.string().check(z.regex(/^\+[1-9]\d{7,14}$/)),
  message: smsMessage,
});
export type SmsRequest = z.infer<typeof smsRequest>;

export interface SmsResult {
  messageId: string;
}
