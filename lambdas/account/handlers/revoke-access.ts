// Workflow task: revokes the suspended user's refresh tokens and disables sign-in at the identity provider.

import * as aws from '../../kernel/aws/infra.js';
import { NotFound } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import { taskHandler } from '../../kernel/task.js';
import type { AccountStore } from '../account-store.js';
import { suspensionInput } from '../contracts.js';
import { awsAccountStore } from '../wiring.js';

export const makeHandler = (ports: {
  accounts: AccountStore;
  identity: Pick<IdentityProvider, 'disableUser' | 'globalSignOut'>;
}) =>
  taskHandler(suspensionInput, async (input) => {
    const account = await ports.accounts.getAccount(input.userId);
    if (!account) throw new NotFound('Account not found');
    // Both calls are idempotent, so a retried state does no harm.
    await ports.identity.disableUser(account.username);
    await ports.identity.globalSignOut(account.username);
    return { revoked: true };
  });

export const handler = lazyHandler(() =>
  makeHandler({ accounts: awsAccountStore(), identity: aws.identity() }),
);
