// The SMS function's request: a template and its parameters to a phone number, so no caller can put free
// text into a Palisade SMS. Rendered by lambdas/notify/templates.ts, sent through the SmsSender port.
import * as z from 'zod/mini';

export const smsMessage = z.discriminatedUnion('template', [
  /** A1: the phone verification code of a sign-up. */
  z.object({
    template: z.literal('signup-code'),
    code: z.string().check(z.regex(/^[0-9]{6}$/)),
    validMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(60)),
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
