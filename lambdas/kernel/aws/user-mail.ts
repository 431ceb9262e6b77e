// UserMail of the Lambda runtime: an invocation of the user-mail function with a template and its parameters
// (lambdas/kernel/ports/user-mail-contracts.ts). Synchronous (the caller learns whether the email went), or
// queued (an asynchronous invocation: the caller waits for Lambda to take the event, not for the email;
// Lambda retries a failed run twice, then the on-failure queue holds the event, alarmed on: lib/).
import type { UserMail } from '../ports/user-mail.js';
import { once } from '../runtime/aws-env.js';
import { invoker, queuedInvoker } from './lambda-invoke.js';

const mailOf = (invoke: (request: unknown) => Promise<unknown>): UserMail => ({
  async send(userId, message, options) {
    await invoke({ userId, message, ...(options?.contact ? { contact: options.contact } : {}) });
  },
});

export const awsUserMail = /* @__PURE__ */ once((): UserMail => mailOf(invoker('USER_MAIL_FUNCTION')));
export const awsQueuedUserMail = /* @__PURE__ */ once(
  (): UserMail => mailOf(queuedInvoker('USER_MAIL_FUNCTION')),
);
