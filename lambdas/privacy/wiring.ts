// The privacy context's components over the runtime's Infra, and their Lambda instances (F5): the record
// retention (the clock an account closure starts, the scheduled sweep) and the account closure's ports, read
// from the account, security, screening and withdrawal contexts through their wiring.
import { accountStore, awsAccountStore, isFreshStepUp } from '../account/wiring.js';
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';
import { screeningStore } from '../screening/wiring.js';
import { holdStatus } from '../security/contracts.js';
import { securityState } from '../security/wiring.js';
import { FINAL_WITHDRAWAL_STATUSES } from '../withdrawals/contracts.js';
import { withdrawalHistory } from '../withdrawals/wiring.js';
import type { ClosurePorts } from './closure.js';
import { type Eraser, PartitionEraser, RecordRetention } from './retention.js';

/** The record retention over the accounts table; `documents` erases a customer's KYC documents (S3, local). */
export const recordRetention = (
  infra: Pick<Infra, 'rows' | 'clock'>,
  documents?: { eraseAll(userId: string): Promise<number> },
  eraser?: Eraser,
) =>
  new RecordRetention(infra.rows().tables.accounts, {
    clock: infra.clock,
    outbox: outboxOf(infra),
    eraser: eraser ?? new PartitionEraser(infra.rows().tables.accounts, documents),
  });

/** How many withdrawal records a closure reads per page while it looks for one in flight. */
const WITHDRAWAL_PAGE = 100;

/** The ports of the account closure (closure.ts). */
export const accountClosure = (
  infra: Pick<Infra, 'rows' | 'clock' | 'identity'>,
  accounts: ClosurePorts['accounts'] = accountStore(infra),
): ClosurePorts => {
  const history = withdrawalHistory(infra);
  const security = securityState(infra);
  const screening = screeningStore(infra);
  return {
    accounts,
    holdActive: async (userId, now) => holdStatus(await security.get(userId), now).active,
    frozen: async (userId) => (await screening.state(userId))?.frozen === true,
    async withdrawalInFlight(userId) {
      let after: string | undefined;
      do {
        const page = await history.page(userId, { limit: WITHDRAWAL_PAGE, ...(after ? { after } : {}) });
        if (page.withdrawals.some((w) => !FINAL_WITHDRAWAL_STATUSES.includes(w.status))) return true;
        after = page.next;
      } while (after);
      return false;
    },
    retention: recordRetention(infra),
    outbox: outboxOf(infra),
    identity: infra.identity(),
    clock: infra.clock,
    isFreshStepUp,
  };
};

export const awsAccountClosure = /* @__PURE__ */ once(() =>
  accountClosure({ rows: aws.rows, clock: aws.clock, identity: aws.identity }, awsAccountStore()),
);
