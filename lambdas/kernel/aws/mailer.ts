// Mailer on Amazon SESv2. Locally the same adapter is pointed at the in-process SES v2 emulator.
// Simple emails go as SESv2 Simple content (text and HTML); a prepared MIME entity (PGP/MIME) goes as Raw
// content, the message headers composed here so that the sender address stays this adapter's setting.
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { tracer } from '../observability.js';
import type { Mailer, OutgoingEmail, RawEmail } from '../ports/mailer.js';
import { once, requireEnv } from '../runtime/aws-env.js';

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    readonly from: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const out = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [email.to] },
        Content:
          email.raw !== undefined
            ? { Raw: { Data: rawMessage(this.from, email, this.now()) } }
            : {
                Simple: {
                  Subject: { Data: email.subject, Charset: 'UTF-8' },
                  Body: {
                    Text: { Data: email.text, Charset: 'UTF-8' },
                    ...(email.html !== undefined ? { Html: { Data: email.html, Charset: 'UTF-8' } } : {}),
                  },
                },
              },
      }),
    );
    return { messageId: out.MessageId ?? 'unknown' };
  }
}

/** The complete RFC 5322 message of a raw email: From, To, Subject, Date, MIME-Version, then the entity. */
export function rawMessage(from: string, email: RawEmail, date: Date): Uint8Array {
  const head = [
    `From: ${address(from)}`,
    `To: ${address(email.to)}`,
    `Subject: ${encodeHeaderText(email.subject)}`,
    `Date: ${date.toUTCString().replace(/GMT$/, '+0000')}`,
    'MIME-Version: 1.0',
    '',
  ].join('\r\n');
  const out = new Uint8Array(head.length + email.raw.length);
  out.set(Buffer.from(head, 'latin1'), 0);
  out.set(email.raw, head.length);
  return out;
}

/** A bare address, nothing a header could be smuggled in with. */
function address(value: string): string {
  if (!/^[^\s<>()",;:\\@]+@[^\s<>()",;:\\@]+$/.test(value)) throw new Error('Invalid email address');
  return value;
}

/** Header text on one line; RFC 2047 UTF-8 encoded words when it is not plain printable ASCII. */
export function encodeHeaderText(value: string): string {
  const flat = value.replace(/[\r\n\t]+/g, ' ').trim();
  if (/^[\x20-\x7e]*$/.test(flat) && flat.length <= 900) return flat;
  const words: string[] = [];
  let chunk = '';
  for (const char of flat) {
    // 45 bytes of UTF-8 → 60 base64 characters: each encoded word stays within 75.
    if (Buffer.byteLength(chunk + char, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

export const awsMailer = /* @__PURE__ */ once(
  () => new SesMailer(tracer.captureAWSv3Client(new SESv2Client({})), requireEnv('MAIL_FROM')),
);
