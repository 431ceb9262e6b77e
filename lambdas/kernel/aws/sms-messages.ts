// SmsMessages of the Lambda runtime: a synchronous invocation of the SendSms function, whose refusal of a
// destination country comes back as the same typed error as locally (400 SMS_COUNTRY_NOT_ALLOWED).

import { SmsCountryNotAllowed } from '../errors.js';
import type { SmsRequest } from '../ports/sms-contracts.js';
import type { SmsMessages } from '../ports/sms-messages.js';
import { once } from '../runtime/aws-env.js';
import { InvokeError, invoker } from './lambda-invoke.js';

/** Invokes SendSms; its SmsCountryNotAllowed is rethrown as such, any other failure as it came. */
export function smsInvoker(): (request: SmsRequest) => Promise<unknown> {
  const invoke = invoker('SMS_FUNCTION');
  return async (request) => {
    try {
      return await invoke(request);
    } catch (err) {
      if (err instanceof InvokeError && err.errorType === 'SmsCountryNotAllowed') {
        throw new SmsCountryNotAllowed();
      }
      throw err;
    }
  };
}

export const awsSmsMessages = /* @__PURE__ */ once((): SmsMessages => {
  const invoke = smsInvoker();
  return {
    async send(request) {
      await invoke(request);
    },
  };
});
