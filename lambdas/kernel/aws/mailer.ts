// Mailer on Amazon SESv2. Locally the same adapter is pointed at the in-process SES v2 emulator.
// Simple emails go as SESv2 Simple content (text and HTML); a prepared MIME entity (PGP/MIME) goes as Raw
// content, the message headers composed here so that the sender address stays this adapter's setting.
// SendEmail is one signed REST-JSON request (`POST /v2/email/outbound-emails`, signed for `ses`) through
// signed-request.ts instead of @aws-sdk/client-sesv2 and its share of @smithy/core (docs/decisions.md,
// "Bundles"): the body is the JSON the SDK sends (a Raw message's bytes in base64), the endpoint the SDK's
// (`email.<region>.amazonaws.com`, or AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL), a refusal an AwsApiError
// named by SES's error type. SendEmail is not idempotent: a connection that failed before any answer is not
// sent again (but a kept-alive socket found closed, which the request never left on); throttling and service
// faults are retried as by the SDK.
import type { Mailer, OutgoingEmail, RawEmail } from '../ports/mailer.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import { jsonApiError, RETRIED } from './json-api.js';
import {
  type AwsTransport,
  signedCall,
  signerFor,
  traced,
  transportFromEnvironment,
} from './signed-request.js';

export function sesTransportFromEnv(env: NodeJS.ProcessEnv = process.env): AwsTransport {
  return transportFromEnvironment('AWS_ENDPOINT_URL_SESV2', (region) => `email.${region}.amazonaws.com`, env);
}

const text = (data: string) => ({ Data: data, Charset: 'UTF-8' });

/** The SendEmail request of one email, in SESv2's field names (what the SDK's SendEmailCommand takes). */
export interface SendEmailInput {
  FromEmailAddress: string;
  Destination: { ToAddresses: string[] };
  Content:
    | { Raw: { Data: Uint8Array } }
    | {
        Simple: {
          Subject: { Data: string; Charset?: string };
          Body: { Text?: { Data: string; Charset?: string }; Html?: { Data: string; Charset?: string } };
        };
      };
}

/** One SESv2 SendEmail, traced (`SESv2` · `SendEmail`): its MessageId, or SES's refusal as an AwsApiError. */
export function sendEmail(transport: AwsTransport, input: SendEmailInput): Promise<{ MessageId?: string }> {
  const { Content, ...rest } = input;
  // The SDK's JSON: blobs in base64, the content first.
  const body = Buffer.from(
    JSON.stringify({
      Content:
        'Raw' in Content ? { Raw: { Data: Buffer.from(Content.Raw.Data).toString('base64') } } : Content,
      ...rest,
    }),
  );
  const base = transport.endpoint;
  return traced('SESv2', 'SendEmail', transport.region, async () => {
    const answer = await signedCall(
      transport,
      signerFor(transport, 'ses'),
      {
        method: 'POST',
        protocol: base.protocol,
        hostname: base.hostname,
        ...(base.port ? { port: Number(base.port) } : {}),
        path: `${base.pathname.replace(/\/$/, '')}/v2/email/outbound-emails`,
        headers: { 'content-type': 'application/json', 'content-length': String(body.byteLength) },
        body,
      },
      { errorOf: jsonApiError, retryError: (error) => RETRIED.has(error.name) },
    );
    const out = answer.body.length
      ? (JSON.parse(answer.body.toString('utf8')) as { MessageId?: string })
      : {};
    return typeof out.MessageId === 'string' ? { MessageId: out.MessageId } : {};
  });
}

export class SesMailer implements Mailer {
  constructor(
    private readonly transport: () => AwsTransport,
    readonly from: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const out = await sendEmail(this.transport(), {
      FromEmailAddress: this.from,
      Destination: { ToAddresses: [email.to] },
      Content:
        email.raw !== undefined
          ? { Raw: { Data: rawMessage(this.from, email, this.now()) } }
          : {
              Simple: {
                Subject: text(email.subject),
                Body: {
                  Text: text(email.text),
                  ...(email.html !== undefined ? { Html: text(email.html) } : {}),
                },
              },
            },
    });
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
  () =>
    new SesMailer(
      once(() => sesTransportFromEnv()),
      requireEnv('MAIL_FROM'),
    ),
);
