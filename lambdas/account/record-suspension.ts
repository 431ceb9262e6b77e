// Workflow task: marks the account suspended, which also refuses every existing session on its next request.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { awsAccountStore } from '../shared/adapters/aws-account-store.js';
import { lazyHandler } from '../shared/http.js';
import { logger, metrics, SecurityMetric } from '../shared/observability.js';
import { type Clock, systemClock } from '../shared/ports/clock.js';
import { taskHandler } from '../shared/task.js';
import type { AccountStore } from './account-store.js';
import { suspensionInput } from './contracts.js';

export const makeHandler = (ports: { accounts: AccountStore; clock: Clock }) =>
  taskHandler(suspensionInput, async (input) => {
    const { changed } = await ports.accounts.suspend(input.userId, ports.clock.now(), input.reason);
    if (changed) {
      metrics.addMetric(SecurityMetric.AccountSuspended, MetricUnit.Count, 1);
      logger.warn('account suspended', { userId: input.userId, reason: input.reason });
    }
    return { changed };
  });

export const handler = lazyHandler(() => makeHandler({ accounts: awsAccountStore(), clock: systemClock }));
