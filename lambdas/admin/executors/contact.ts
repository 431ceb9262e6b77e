// D2 executors of a user's email or phone, with the machinery of the user's own change (B1): the new value
// claimed for the user (refused if another account holds it), a security change noticed to the OLD contact,
// the directory's copy, then the account row (the commit point), and the old value released.
import type { AccountStore, SignupStore } from '../../account/contracts.js';
import { Conflict } from '../../kernel/errors.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import type { BlindIndexer } from '../../kernel/privacy/blind-index.js';
import { type SecurityChanges, sameContact, securityChangeOf } from '../../security/contracts.js';
import { adminOrigin } from './security.js';
import { ActionFailed, type Execution, type ExecutionFacts } from './types.js';

export interface ContactExecutorPorts {
  accounts: Pick<AccountStore, 'getAccount' | 'contactOf' | 'changeContact'>;
  identity: Pick<IdentityProvider, 'updateContact'>;
  claims: Pick<SignupStore, 'claim' | 'release'>;
  blindIndex: () => Promise<BlindIndexer>;
  securityChanges: SecurityChanges;
}

export async function changeContact(
  ports: ContactExecutorPorts,
  channel: 'email' | 'phone',
  run: Execution,
): Promise<ExecutionFacts> {
  const value = run.parameters[channel];
  if (typeof value !== 'string') throw new ActionFailed('INVALID_PARAMETERS', `No ${channel} to set`);
  const userId = run.request.target.id;
  const account = await ports.accounts.getAccount(userId);
  if (!account) throw new ActionFailed('USER_NOT_FOUND', 'No such user');
  const current = await ports.accounts.contactOf(account);
  // A retry after the commit point: the change is made; nothing more to do.
  if (sameContact(channel, current[channel], value)) return { changed: channel, already: true };
  const indexer = await ports.blindIndex();
  const index = await indexer.index(channel, value);
  const at = run.at.toISOString();
  try {
    await ports.claims.claim(channel, index, userId, at);
  } catch (err) {
    if (err instanceof Conflict) {
      throw new ActionFailed(
        channel === 'email' ? 'EMAIL_TAKEN' : 'PHONE_TAKEN',
        `This ${channel} belongs to an account`,
      );
    }
    throw err;
  }
  await ports.securityChanges.onSecurityChange(
    securityChangeOf(
      channel === 'email' ? 'email-changed' : 'phone-changed',
      account,
      adminOrigin(run),
      run.at,
      {
        previousContact: account.contact,
      },
    ),
  );
  const update = channel === 'email' ? { email: value } : { phone: value };
  await ports.identity.updateContact(account.username, update);
  await ports.accounts.changeContact(userId, update);
  const previous = current[channel];
  const oldIndex =
    channel === 'email' ? account.emailIndex : previous ? await indexer.index('phone', previous) : undefined;
  if (oldIndex && oldIndex !== index) await ports.claims.release(channel, oldIndex, userId, at);
  return { changed: channel };
}
