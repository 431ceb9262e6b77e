// D2 executors of a user's security settings: reset MFA (TOTP off; a security change: audit, hold and the
// notices with the "this wasn't me" link) and lift a withdrawal hold early.
import type { AccountStore } from '../../account/contracts.js';
import type { Outbox } from '../../kernel/outbox.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import type { SecurityStateStore } from '../../security/contracts.js';
import { type SecurityChanges, securityChangeOf } from '../../security/contracts.js';
import { ActionFailed, type Execution, type ExecutionFacts } from './types.js';

export interface SecurityExecutorPorts {
  accounts: Pick<AccountStore, 'getAccount'>;
  identity: Pick<IdentityProvider, 'disableTotp'>;
  securityChanges: SecurityChanges;
  securityState: Pick<SecurityStateStore, 'lift'>;
  /** The lift's audit record, written with it (kernel/outbox.ts). */
  outbox: Pick<Outbox, 'pending'>;
}

/** Where an admin-made change comes from, for its audit record and notice: the request, not a device. */
export const adminOrigin = (run: Execution) => ({
  sourceIp: 'admin-plane',
  userAgent: undefined,
  requestId: run.request.requestId,
  baseUrl: run.request.baseUrl ?? 'https://localhost',
});

export async function resetMfa(ports: SecurityExecutorPorts, run: Execution): Promise<ExecutionFacts> {
  const account = await ports.accounts.getAccount(run.request.target.id);
  if (!account) throw new ActionFailed('USER_NOT_FOUND', 'No such user');
  // The change is recorded first (hold, notices), then made: a failure between leaves a conservative hold.
  await ports.securityChanges.onSecurityChange(
    securityChangeOf('totp-disabled', account, adminOrigin(run), run.at),
  );
  await ports.identity.disableTotp(account.username);
  return { totp: 'disabled' };
}

export async function liftHold(ports: SecurityExecutorPorts, run: Execution): Promise<ExecutionFacts> {
  // D3: the hold's own record, as when its workflow clears it (the execution is audited besides), written
  // with the lift (kernel/outbox.ts). Only the run that lifted it writes one: a retry finds the hold gone.
  const after = ports.outbox.pending(() => [
    {
      kind: 'audit',
      event: {
        actor: { kind: 'admin', id: run.request.requesterId },
        action: 'security.hold-cleared',
        target: { kind: 'user', id: run.request.target.id },
        outcome: 'success',
        at: run.at.toISOString(),
        details: { requestId: run.request.requestId, by: 'lift-hold' },
      },
    },
  ]);
  const { changed } = await ports.securityState.lift(run.request.target.id, run.at, after);
  if (changed) await after.settle();
  return { lifted: changed };
}
