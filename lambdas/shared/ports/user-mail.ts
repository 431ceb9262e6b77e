// UserMail port: a templated email to a user, named by user id. The user-mail function (lambdas/messaging/)
// renders the template with the user's masked data and anti-phishing phrase and signs it for a user with a
// PGP key; the address stays with that function and the vault.
import type { UserMessage } from '../../messaging/contracts.js';

export type { SignInContextInput, UserMessage } from '../../messaging/contracts.js';

export interface UserMail {
  send(userId: string, message: UserMessage): Promise<void>;
}
