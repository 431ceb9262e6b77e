// Custody of the local runtime: each transfer is recorded once in custody.json in the state folder, never
// sent anywhere; tests and developers read the list. A second dispatch of a withdrawal answers the first.
import { join } from 'node:path';
import type { Clock } from '../../lambdas/kernel/ports/clock.js';
import { type Custody, type CustodyTransfer, transferRefOf } from '../../lambdas/kernel/ports/custody.js';
import { JsonFile } from './json-file.js';

export interface RecordedTransfer extends CustodyTransfer {
  transferRef: string;
  at: string;
}

export class LocalCustody implements Custody {
  private readonly file: JsonFile<RecordedTransfer[]>;
  /** One dispatch at a time: read, check and append must not interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    stateDir: string,
    private readonly clock: Clock,
  ) {
    this.file = new JsonFile(join(stateDir, 'custody.json'));
  }

  dispatch(transfer: CustodyTransfer): Promise<{ transferRef: string }> {
    const next = this.queue.then(async () => {
      const transfers = (await this.file.read()) ?? [];
      const existing = transfers.find((t) => t.withdrawalId === transfer.withdrawalId);
      if (existing) return { transferRef: existing.transferRef };
      const transferRef = transferRefOf(transfer.withdrawalId);
      const { withdrawalId, userId, asset, amountMinor, address } = transfer;
      transfers.push({
        withdrawalId,
        userId,
        asset,
        amountMinor,
        address,
        transferRef,
        at: this.clock.now().toISOString(),
      });
      await this.file.write(transfers);
      return { transferRef };
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Every transfer recorded, oldest first. */
  async transfers(): Promise<RecordedTransfer[]> {
    await this.queue;
    return (await this.file.read()) ?? [];
  }
}
