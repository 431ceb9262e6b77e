// D2 executors of account care: suspend (the account-suspension workflow, reason `admin`) and restore.
import type { AccountStore, SuspensionRequests } from '../../account/contracts.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import { ActionFailed, type Execution, type ExecutionFacts } from './types.js';

export interface AccountExecutorPorts {
  suspensions: SuspensionRequests;
  accounts: Pick<AccountStore, 'getAccount' | 'restore'>;
  identity: Pick<IdentityProvider, 'enableUser'>;
}

async function accountOf(ports: Pick<AccountExecutorPorts, 'accounts'>, userId: string) {
  const account = await ports.accounts.getAccount(userId);
  if (!account) throw new ActionFailed('USER_NOT_FOUND', 'No such user');
  return account;
}

/**
 * The account-suspension workflow with reason `admin` (suspends, revokes every session and token, cancels
 * withdrawals, tells the user). Its execution is named by the instant of this execution: a retry starts none.
 */
export async function suspendAccount(ports: AccountExecutorPorts, run: Execution): Promise<ExecutionFacts> {
  const userId = run.request.target.id;
  await accountOf(ports, userId);
  await ports.suspensions.request(userId, 'admin', run.at.toISOString());
  return { suspension: 'started' };
}

/** Active again, and the directory user enabled (the suspension disabled it); old sessions stay ended. */
export async function restoreAccount(ports: AccountExecutorPorts, run: Execution): Promise<ExecutionFacts> {
  const account = await accountOf(ports, run.request.target.id);
  const { changed } = await ports.accounts.restore(account.userId, run.at);
  await ports.identity.enableUser(account.username);
  return { restored: changed };
}
