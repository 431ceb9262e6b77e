// UserMail of the Lambda runtime: a synchronous invocation of the user-mail function with a template and
// its parameters (lambdas/kernel/ports/user-mail-contracts.ts).
import type { UserMail } from '../ports/user-mail.js';
import { once } from '../runtime/aws-env.js';
import { invoker } from './lambda-invoke.js';

export const awsUserMail = /* @__PURE__ */ once((): UserMail => {
  const invoke = invoker('USER_MAIL_FUNCTION');
  return {
    async send(userId, message, options) {
      await invoke({ userId, message, ...(options?.contact ? { contact: options.contact } : {}) });
    },
  };
});
