// B1: the codes of an email or phone change, as invocations of the user-mail function (the `to` variant: the
// new address, which the account does not hold yet) and of the SMS function; the same requests in AWS
// (Lambda Invoke) and locally (in-process).

import type { SmsRequest } from '../kernel/ports/sms-contracts.js';
import type { UserMailRequest } from '../kernel/ports/user-mail-contracts.js';
import type { ContactCodeSender } from './contact-change.js';

export function invokingContactCodes(
  invokeMail: (request: UserMailRequest) => Promise<unknown>,
  invokeSms: (request: SmsRequest) => Promise<unknown>,
): ContactCodeSender {
  return {
    async email(to, code, expiresAt) {
      await invokeMail({ to, message: { template: 'email-change-code', code, expiresAt } });
    },
    async sms(to, code, validMinutes) {
      await invokeSms({ to, message: { template: 'phone-change-code', code, validMinutes } });
    },
  };
}
