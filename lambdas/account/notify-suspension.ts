// Workflow task: tells the user their account is suspended, through the user-mail function, so the notice
// carries the user's anti-phishing phrase and PGP signature like every other Palisade email.
import { awsAccountStore } from '../shared/adapters/aws-account-store.js';
import { awsUserMail } from '../shared/adapters/aws-user-mail.js';
import { NotFound } from '../shared/errors.js';
import { lazyHandler } from '../shared/http.js';
import type { UserMail } from '../shared/ports/user-mail.js';
import { taskHandler } from '../shared/task.js';
import type { AccountStore } from './account-store.js';
import { suspensionInput } from './contracts.js';

export const makeHandler = (ports: { accounts: Pick<AccountStore, 'getAccount'>; mail: UserMail }) =>
  taskHandler(suspensionInput, async (input) => {
    const account = await ports.accounts.getAccount(input.userId);
    if (!account) throw new NotFound('Account not found');
    const at = new Date(account.suspendedAt ?? input.requestedAt).toISOString();
    await ports.mail.send(input.userId, { template: 'account-suspended', reason: input.reason, at });
    return { notified: true };
  });

export const handler = lazyHandler(() => makeHandler({ accounts: awsAccountStore(), mail: awsUserMail() }));
