// Mailer on Amazon SESv2. Locally the same adapter is pointed at the in-process SES v2 emulator.
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { tracer } from '../observability.js';
import type { Mailer, OutgoingEmail } from '../ports/mailer.js';
import { once, requireEnv } from '../runtime/aws-env.js';

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly from: string,
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const out = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [email.to] },
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' } },
          },
        },
      }),
    );
    return { messageId: out.MessageId ?? 'unknown' };
  }
}

export const awsMailer = once(
  () => new SesMailer(tracer.captureAWSv3Client(new SESv2Client({})), requireEnv('MAIL_FROM')),
);
