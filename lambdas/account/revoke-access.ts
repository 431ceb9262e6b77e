// Workflow task: revokes the suspended user's refresh tokens and disables sign-in at the identity provider.
import { awsAccountStore } from '../shared/adapters/aws-account-store.js';
import { awsIdentityProvider } from '../shared/adapters/aws-identity-provider.js';
import { NotFound } from '../shared/errors.js';
import { lazyHandler } from '../shared/http.js';
import type { IdentityProvider } from '../shared/ports/identity-provider.js';
import { taskHandler } from '../shared/task.js';
import type { AccountStore } from './account-store.js';
import { suspensionInput } from './contracts.js';

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
  makeHandler({ accounts: awsAccountStore(), identity: awsIdentityProvider() }),
);
