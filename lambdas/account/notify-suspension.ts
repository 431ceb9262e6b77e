// Workflow task: emails the user that their account is suspended. It needs the email address itself, so its
// account store opens the sealed contact data through the vault.
import { awsAccountStoreWithContacts } from '../shared/adapters/aws-account-contacts.js';
import { awsMailer } from '../shared/adapters/aws-mailer.js';
import { NotFound } from '../shared/errors.js';
import { lazyHandler } from '../shared/http.js';
import type { Mailer } from '../shared/ports/mailer.js';
import { taskHandler } from '../shared/task.js';
import type { AccountStore } from './account-store.js';
import { suspensionInput } from './contracts.js';
import { suspensionEmail } from './suspension-email.js';

export const makeHandler = (ports: { accounts: AccountStore; mailer: Mailer }) =>
  taskHandler(suspensionInput, async (input) => {
    const account = await ports.accounts.getAccount(input.userId);
    const contact = account && (await ports.accounts.getContact(input.userId));
    if (!account || !contact) throw new NotFound('Account not found');
    const at = new Date(account.suspendedAt ?? input.requestedAt);
    const { messageId } = await ports.mailer.send(
      suspensionEmail(contact.email, account.username, input.reason, at),
    );
    return { messageId };
  });

export const handler = lazyHandler(() =>
  makeHandler({ accounts: awsAccountStoreWithContacts(), mailer: awsMailer() }),
);
