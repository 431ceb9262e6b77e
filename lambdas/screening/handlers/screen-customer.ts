// Workflow task (F2) ScreenTheCustomer of the screening workflow: screens the customer on the facts the roster
// holds for them (sealed: opened by the vault), the legal name, date of birth and nationality once KYC has them;
// a customer not yet in the roster is enrolled with the username-derived name first (docs/screening.md). A strong hit freezes
// withdrawals and opens a case, a medium one opens a case, a weak one is recorded; nothing reaches the customer.
import type { AccountStore } from '../../account/contracts.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger, MetricUnit, metrics, SecurityMetric } from '../../kernel/observability.js';
import { taskHandler } from '../../kernel/task.js';
import { nameOfUsername, type ScreeningWork } from '../screening-work.js';
import { awsAccountStore, awsScreeningWork } from '../wiring.js';
import { screenCustomerInput } from '../workflow-contracts.js';

export const makeHandler = (ports: {
  accounts: Pick<AccountStore, 'getAccount'>;
  screening: Pick<ScreeningWork, 'screenEnrolled'>;
}) =>
  taskHandler(screenCustomerInput, async ({ userId, trigger }) => {
    const out = await ports.screening.screenEnrolled(
      userId,
      async () => {
        const account = await ports.accounts.getAccount(userId);
        if (!account) throw new Error(`No account ${userId}`);
        return { userId, name: nameOfUsername(account.username) };
      },
      trigger,
    );
    if (out.decision.band === 'not-screened') {
      // a fresh deployment: signed up without screening (never blocked); alarmed (lib/monitoring.ts)
      metrics.addMetric(SecurityMetric.ScreeningWithoutLists, MetricUnit.Count, 1);
    }
    // ids and the band only: no names in the logs
    logger.info('customer screened', {
      decisionId: out.decision.decisionId,
      band: out.decision.band,
      frozen: out.frozen,
      ...(out.decision.pep ? { pep: out.decision.pep.flagged } : {}),
    });
    return { decisionId: out.decision.decisionId, band: out.decision.band };
  });

export const handler = lazyHandler(() =>
  makeHandler({ accounts: awsAccountStore(), screening: awsScreeningWork() }),
);
