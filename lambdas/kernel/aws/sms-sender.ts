// SmsSender on Amazon SNS (transactional SMS to a phone number).
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { tracer } from '../observability.js';
import type { OutgoingSms, SmsSender } from '../ports/sms-sender.js';
import { once } from '../runtime/aws-env.js';

export class SnsSmsSender implements SmsSender {
  constructor(private readonly sns: SNSClient) {}

  async send(sms: OutgoingSms): Promise<{ messageId: string }> {
    const out = await this.sns.send(
      new PublishCommand({
        PhoneNumber: sms.to,
        Message: sms.text,
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      }),
    );
    return { messageId: out.MessageId ?? 'unknown' };
  }
}

export const awsSmsSender = /* @__PURE__ */ once(
  () => new SnsSmsSender(tracer.captureAWSv3Client(new SNSClient({}))),
);
