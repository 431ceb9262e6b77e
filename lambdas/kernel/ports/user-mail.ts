// UserMail port: a templated email to a user, named by user id. The user-mail function (lambdas/messaging/)
// renders the template with the user's masked data and anti-phishing phrase and signs it for a user with a
// PGP key; the address stays with that function and the vault.
import type { UserMessage } from './user-mail-contracts.js';

export type { SignInContextInput, UserMessage } from './user-mail-contracts.js';

/**
 * Retries of a queued email (Infra.queuedUserMail) whose run failed, as Lambda retries an asynchronous
 * invocation: the template's async configuration (lib/queued-mail.ts) and `npm start` use this one figure.
 */
export const QUEUED_MAIL_RETRIES = 2;

export interface UserMail {
  /**
   * `options.contact`: B1, a previous sealed `contact` field group of the user's account row: the email goes
   * to that address (the old one after an email change) instead of the current one.
   */
  send(userId: string, message: UserMessage, options?: { contact?: string }): Promise<void>;
}
