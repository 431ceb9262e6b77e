// The SMS function: renders an SMS template (lambdas/notify/templates.ts) and sends it through the SmsSender
// port (SNS in the cloud, the outbox locally). Its own function so that SNS weighs on no other bundle (the
// sign-up and user-mail functions are near the 600 KB budget) and sns:Publish on "*" sits on one role only.
import { phoneChangeSms, securityChangeSms, verificationSms } from '../notify/templates.js';
import { awsSmsSender } from '../shared/adapters/aws-sms-sender.js';
import { lazyHandler } from '../shared/http.js';
import type { SmsSender } from '../shared/ports/sms-sender.js';
import { taskHandler } from '../shared/task.js';
import { type SmsMessage, type SmsResult, smsRequest } from './sms-contracts.js';

export function renderSms(message: SmsMessage): string {
  switch (message.template) {
    case 'signup-code':
      return verificationSms(message.code, message.validMinutes);
    case 'phone-change-code':
      return phoneChangeSms(message.code, message.validMinutes);
    case 'security-change':
      return securityChangeSms({
        change: message.change,
        at: new Date(message.at),
        ...(message.ip ? { ip: message.ip } : {}),
        reportUrl: message.reportUrl,
      });
  }
}

export const makeHandler = (ports: { sms: SmsSender }) =>
  taskHandler(
    smsRequest,
    async ({ to, message }): Promise<SmsResult> => ports.sms.send({ to, text: renderSms(message) }),
  );

export const handler = lazyHandler(() => makeHandler({ sms: awsSmsSender() }));
