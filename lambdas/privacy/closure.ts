// F5: the customer closes their account (POST /v1/me/close). Closing ends the business relationship, which
// starts the five-year clock of the records (retention.ts): one transaction writes the closed account row
// (status `closed`, every access token refused from that instant), the RELATIONSHIP-END row, the due-index
// entry and both audit records (`account.close`, `retention.started`, through the outbox). Then the identity
// provider disables the user and revokes every refresh token, so no login succeeds again.
//
// Refused (409 ACCOUNT_CLOSURE_REFUSED, nothing written) while something is in flight that a closure would cut
// short or let someone escape:
// - a withdrawal not yet final (screening, review, approved, dispatching): it ends first (or is cancelled);
// - a security hold (B2): a security change was made in the last hours, and a closure right after one is what
//   an account takeover would do to lock the owner out; the hold ends first;
// - a compliance freeze (F2 screening block): the case is decided first; a closure must not end a review.
// Balances are not Palisade's (the exchange's ledger holds them): the exchange checks them before it calls.
// Closing needs a fresh step-up of the session (STEP_UP_REQUIRED), like the other irreversible actions.
import { Conflict, Forbidden, NotFound } from '../kernel/errors.js';
import type { TransactWrite } from '../kernel/integrity/signed-table.js';
import type { Effect, Outbox } from '../kernel/outbox.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { IdentityProvider } from '../kernel/ports/identity-provider.js';
import { retentionDueAt } from './retention.js';

/** The account as the closure reads it (account/contracts' Account, structurally). */
interface ClosableAccount {
  userId: string;
  username: string;
  status: string;
  closedAt?: string;
}

export interface ClosurePorts {
  accounts: {
    getSession(userId: string, sessionId: string): Promise<{ steppedUpAt?: string } | undefined>;
    close(
      userId: string,
      at: Date,
      also: () => readonly TransactWrite[],
    ): Promise<{ changed: boolean; account: ClosableAccount } | undefined>;
  };
  /** B2: whether a security hold is on now. */
  holdActive(userId: string, now: Date): Promise<boolean>;
  /** F2: whether the customer's withdrawals are frozen by a screening decision. */
  frozen(userId: string): Promise<boolean>;
  /** C2: whether a withdrawal of the customer is not final yet. */
  withdrawalInFlight(userId: string): Promise<boolean>;
  retention: {
    startWrites(
      userId: string,
      endedAt: Date,
    ): { dueAt: string; writes: TransactWrite[]; settle: () => Promise<void> };
  };
  outbox: Pick<Outbox, 'pending'>;
  identity: Pick<IdentityProvider, 'disableUser' | 'globalSignOut'>;
  clock: Clock;
  /** Whether a step-up at `steppedUpAt` is still fresh at `now` (account/step-up.ts). */
  isFreshStepUp(steppedUpAt: string | undefined, now: Date): boolean;
}

export interface ClosureResult {
  status: 'closed';
  closedAt: string;
  /** When the records are erased at the earliest (closedAt + RECORD_RETENTION.years). */
  recordsKeptUntil: string;
}

const refuse = (why: string) =>
  new Conflict(`The account cannot be closed now: ${why}`, 'ACCOUNT_CLOSURE_REFUSED');

export async function closeAccount(
  ports: ClosurePorts,
  caller: { userId: string; sessionId: string },
  context: { sourceIp?: string; requestId?: string } = {},
): Promise<ClosureResult> {
  const now = ports.clock.now();
  const session = await ports.accounts.getSession(caller.userId, caller.sessionId);
  if (!ports.isFreshStepUp(session?.steppedUpAt, now)) {
    throw new Forbidden('Confirm your password first (POST /v1/me/step-up)', 'STEP_UP_REQUIRED');
  }
  const [inFlight, hold, frozen] = await Promise.all([
    ports.withdrawalInFlight(caller.userId),
    ports.holdActive(caller.userId, now),
    ports.frozen(caller.userId),
  ]);
  if (inFlight) throw refuse('a withdrawal is still in progress; it must complete or be cancelled first');
  if (hold) throw refuse('a security hold is on after a recent security change; try again when it ends');
  if (frozen) throw refuse('a compliance review is open on the account');

  const closedAt = now.toISOString();
  let settle: (() => Promise<void>)[] = [];
  let dueAt = '';
  const result = await ports.accounts.close(caller.userId, now, () => {
    const start = ports.retention.startWrites(caller.userId, now);
    const after = ports.outbox.pending((): Effect[] => [
      {
        kind: 'audit',
        event: {
          actor: { kind: 'user', id: caller.userId },
          action: 'account.close',
          target: { kind: 'user', id: caller.userId },
          outcome: 'success',
          at: closedAt,
          ...(context.sourceIp ? { sourceIp: context.sourceIp.slice(0, 64) } : {}),
          ...(context.requestId ? { requestId: context.requestId } : {}),
          details: { sessionId: caller.sessionId, recordsKeptUntil: start.dueAt },
        },
      },
    ]);
    dueAt = start.dueAt;
    settle = [start.settle, () => after.settle()];
    return [...start.writes, ...after.writes(undefined)];
  });
  if (!result) throw new NotFound('Account not found');
  if (!result.changed) {
    // Suspended meanwhile (the authorizer let the request in just before): a suspension is decided first.
    if (result.account.status !== 'closed') throw refuse(`the account is ${result.account.status}`);
    const at = result.account.closedAt ?? closedAt;
    return { status: 'closed', closedAt: at, recordsKeptUntil: retentionDueAt(new Date(at)).toISOString() };
  }
  // Idempotent: both calls do nothing more to a disabled, signed-out user.
  await ports.identity.disableUser(result.account.username);
  await ports.identity.globalSignOut(result.account.username);
  for (const done of settle) await done();
  return { status: 'closed', closedAt, recordsKeptUntil: dueAt };
}
