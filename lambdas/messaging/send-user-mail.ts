// The user-mail function: opens the user's contact data through the vault and sends the email. Functions that
// only decide to write to a user (the login) invoke it instead of holding addresses, SES and the vault.
import type { AccountStore } from '../account/account-store.js';
import { awsAccountStoreWithContacts } from '../shared/adapters/aws-account-contacts.js';
import { awsMailer } from '../shared/adapters/aws-mailer.js';
import { NotFound } from '../shared/errors.js';
import { lazyHandler } from '../shared/http.js';
import type { Mailer } from '../shared/ports/mailer.js';
import { taskHandler } from '../shared/task.js';
import { userMailRequest } from './contracts.js';

export const makeHandler = (ports: { accounts: AccountStore; mailer: Mailer }) =>
  taskHandler(userMailRequest, async ({ userId, subject, text }) => {
    const contact = await ports.accounts.getContact(userId);
    if (!contact) throw new NotFound('Account not found');
    const { messageId } = await ports.mailer.send({ to: contact.email, subject, text });
    return { messageId };
  });

export const handler = lazyHandler(() =>
  makeHandler({ accounts: awsAccountStoreWithContacts(), mailer: awsMailer() }),
);
