// Workflow task (C3) DispatchToCustody: approved → dispatching (conditional: a suspension's cancel and this
// cannot both win), the transfer to custody (idempotent by withdrawal id), then dispatched with its
// reference. A retry after any step finds where the last attempt stopped and repeats nothing twice.

import type { AddressBook } from '../../addresses/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { readOnce } from '../../kernel/integrity/read-scope.js';
import { logger } from '../../kernel/observability.js';
import type { Outbox } from '../../kernel/outbox.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Custody } from '../../kernel/ports/custody.js';
import { taskHandler } from '../../kernel/task.js';
import { IllegalTransition, type WithdrawalLifecycle } from '../lifecycle.js';
import type { WithdrawalRow } from '../record.js';
import { awsAddressStore, awsWithdrawalLifecycle, awsWithdrawalOutbox } from '../wiring.js';
import { withdrawalTaskInput } from '../workflow-contracts.js';

/** The record names an address the address book no longer has: custody cannot be told where to send. */
export class DestinationMissing extends Error {
  override readonly name = 'DestinationMissing';
}

export const makeHandler = (ports: {
  withdrawalLifecycle: Pick<WithdrawalLifecycle, 'get' | 'move'>;
  addresses: Pick<AddressBook, 'get'>;
  custody: Custody;
  /** The step's audit record, written with its move (kernel/outbox.ts). */
  outbox: Pick<Outbox, 'pending'>;
  clock: Clock;
}) =>
  taskHandler(withdrawalTaskInput, ({ userId, withdrawalId }) =>
    // One read per row: the second move finds the record as the first one wrote it.
    readOnce(async () => {
      // The record is read first (the move finds it in the read scope), so the destination is read while the
      // record moves: the two do not wait on each other.
      const before = await ports.withdrawalLifecycle.get(userId, withdrawalId);
      const destinationRead = before && ports.addresses.get(userId, before.addressId);
      destinationRead?.catch(() => undefined); // awaited below, only if the record moved to dispatching
      const { record } = await ports.withdrawalLifecycle.move(
        userId,
        withdrawalId,
        ['approved'],
        'dispatching',
        ports.clock.now(),
      );
      if (record.status === 'cancelled') return { outcome: 'cancelled' as const };
      if (record.status === 'dispatched' && record.dispatch) {
        return { outcome: 'dispatched' as const, transferRef: record.dispatch.transferRef };
      }
      if (record.status !== 'dispatching') {
        throw new IllegalTransition(
          `Withdrawal ${withdrawalId} is ${record.status}; it cannot be dispatched`,
        );
      }
      // The full address goes from the address book to custody and nowhere else (not the workflow's payload).
      const destination =
        destinationRead && before?.addressId === record.addressId
          ? await destinationRead
          : await ports.addresses.get(userId, record.addressId);
      if (!destination || destination.asset !== record.asset) {
        throw new DestinationMissing(
          `Withdrawal ${withdrawalId}: its destination is not in the address book`,
        );
      }
      const { transferRef } = await ports.custody.dispatch({
        withdrawalId,
        userId,
        asset: record.asset,
        amountMinor: record.amountMinor,
        address: destination.address,
      });
      const now = ports.clock.now();
      const after = ports.outbox.pending<WithdrawalRow>(() => [
        {
          kind: 'audit',
          event: {
            actor: { kind: 'system', id: 'withdrawal' },
            action: 'withdrawal.dispatch',
            target: { kind: 'withdrawal', id: withdrawalId },
            outcome: 'success',
            at: now.toISOString(),
            details: { userId, asset: record.asset, amountMinor: record.amountMinor, transferRef },
          },
        },
      ]);
      const done = await ports.withdrawalLifecycle.move(
        userId,
        withdrawalId,
        ['dispatching'],
        'dispatched',
        now,
        () => ({
          dispatch: { at: now.toISOString(), transferRef },
        }),
        after,
      );
      if (done.moved) {
        logger.info('withdrawal dispatched', { withdrawalId, transferRef });
        await after.settle();
      }
      return { outcome: 'dispatched' as const, transferRef };
    }),
  );

export const handler = lazyHandler(() =>
  makeHandler({
    withdrawalLifecycle: awsWithdrawalLifecycle(),
    addresses: awsAddressStore(),
    custody: aws.custody(),
    outbox: awsWithdrawalOutbox(),
    clock: aws.clock,
  }),
);
