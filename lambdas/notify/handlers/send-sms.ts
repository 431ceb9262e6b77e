// The SMS function: renders an SMS template (lambdas/notify/templates.ts) and sends it through the SmsSender
// port (SNS in the cloud, the outbox locally). Its own function so that SNS weighs on no other bundle (the
// sign-up and user-mail functions are near the 600 KB budget) and sns:Publish on "*" sits on one role only.
// It is also the one place that holds SMS to the countries of settings.smsCountries (SMS pumping): every
// SMS of Palisade goes through it, so no caller can text a premium-rate range elsewhere.

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import { type SmsMessage, type SmsResult, smsRequest } from '../../kernel/ports/sms-contracts.js';
import type { SmsSender } from '../../kernel/ports/sms-sender.js';
import type { Settings } from '../../kernel/settings.js';
import { SmsCountryNotAllowed, smsCountriesOf, smsDestinationAllowed } from '../../kernel/sms-countries.js';
import { taskHandler } from '../../kernel/task.js';
import { phoneChangeSms, securityChangeSms, signupAttemptSms, verificationSms } from '../templates.js';

export function renderSms(message: SmsMessage): string {
  switch (message.template) {
    case 'signup-code':
      return verificationSms(message.code, message.validMinutes);
    case 'signup-attempt':
      return signupAttemptSms();
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

export const makeHandler = (ports: { sms: SmsSender; settings: Pick<Settings, 'smsCountries'> }) =>
  taskHandler(smsRequest, async ({ to, message }): Promise<SmsResult> => {
    if (!smsDestinationAllowed(to, ports.settings.smsCountries)) {
      // The number's country only (never the number): enough to see a pumping run or a missing country.
      logger.warn('SMS refused: destination country not allowed', {
        template: message.template,
        country: smsCountriesOf(to).join('/') || 'unlisted',
      });
      throw new SmsCountryNotAllowed();
    }
    return ports.sms.send({ to, text: renderSms(message) });
  });

export const handler = lazyHandler(() => makeHandler({ sms: aws.smsSender(), settings: aws.settings() }));
