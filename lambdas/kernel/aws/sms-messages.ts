// SmsMessages of the Lambda runtime: a synchronous invocation of the SendSms function.
import type { SmsMessages } from '../ports/sms-messages.js';
import { once } from '../runtime/aws-env.js';
import { invoker } from './lambda-invoke.js';

export const awsSmsMessages = /* @__PURE__ */ once((): SmsMessages => {
  const invoke = invoker('SMS_FUNCTION');
  return {
    async send(request) {
      await invoke(request);
    },
  };
});
