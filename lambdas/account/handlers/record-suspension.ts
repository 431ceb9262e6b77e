// Workflow task: marks the account suspended, which also refuses every existing session on its next request.

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger, metrics, SecurityMetric } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { taskHandler } from '../../kernel/task.js';
import type { AccountStore } from '../account-store.js';
import { suspensionInput } from '../contracts.js';
import { awsAccountStore } from '../wiring.js';

export const makeHandler = (ports: {
  accounts: AccountStore;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
}) =>
  taskHandler(suspensionInput, async (input) => {
    const now = ports.clock.now();
    const { changed } = await ports.accounts.suspend(input.userId, now, input.reason);
    if (changed) {
      metrics.addMetric(SecurityMetric.AccountSuspended, MetricUnit.Count, 1);
      logger.warn('account suspended', { userId: input.userId, reason: input.reason });
      // D3: evidence of the suspension itself; a retried state that changes nothing records nothing again.
      await ports.audit.append({
        actor: { kind: 'system', id: 'account-suspension' },
        action: 'account.suspend',
        target: { kind: 'user', id: input.userId },
        outcome: 'success',
        at: now.toISOString(),
        details: { reason: input.reason, requestedAt: input.requestedAt },
      });
    }
    return { changed };
  });

export const handler = lazyHandler(() =>
  makeHandler({ accounts: awsAccountStore(), audit: aws.rows().audit, clock: aws.clock }),
);
