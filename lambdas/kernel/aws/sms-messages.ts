// SmsMessages of the Lambda runtime: a synchronous invocation of the SendSms function, whose refusal of a
// destination country comes back as the same typed error as locally (invoker, lambda-invoke.ts).

import type { SmsRequest } from '../ports/sms-contracts.js';
import type { SmsMessages } from '../ports/sms-messages.js';
import { once } from '../runtime/aws-env.js';
import { invoker } from './lambda-invoke.js';

/** Invokes SendSms; its SmsCountryNotAllowed comes back as such, any other failure as it came. */
export const smsInvoker = (): ((request: SmsRequest) => Promise<unknown>) => invoker('SMS_FUNCTION');

export const awsSmsMessages = /* @__PURE__ */ once((): SmsMessages => {
  const invoke = smsInvoker();
  return {
    async send(request) {
      await invoke(request);
    },
  };
});
