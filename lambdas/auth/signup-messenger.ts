// A1: the sign-up's codes, as invocations of the user-mail function (the `to` variant: an address, no
// account yet) and of the SMS function; the same requests in AWS (Lambda Invoke) and locally (in-process).

import type { SmsRequest } from '../kernel/ports/sms-contracts.js';
import type { UserMailRequest } from '../kernel/ports/user-mail-contracts.js';
import type { SignupMessenger } from './signup-flow.js';

export function invokingSignupMessenger(
  invokeMail: (request: UserMailRequest) => Promise<unknown>,
  invokeSms: (request: SmsRequest) => Promise<unknown>,
): SignupMessenger {
  return {
    async emailCode(to, code, expiresAt) {
      await invokeMail({ to, message: { template: 'signup-code', code, expiresAt } });
    },
    async smsCode(to, code, validMinutes) {
      await invokeSms({ to, message: { template: 'signup-code', code, validMinutes } });
    },
    async emailTaken(to, at) {
      await invokeMail({ to, message: { template: 'signup-attempt', at } });
    },
    async smsTaken(to) {
      await invokeSms({ to, message: { template: 'signup-attempt' } });
    },
  };
}
