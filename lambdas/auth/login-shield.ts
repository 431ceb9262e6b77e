// The bot shield as the login runs it (A3): counters in the Shield table, a metric for every lockout (the
// kind only: keys carry addresses and account digests, which are no metric dimensions).
import type { DocumentClient } from '../kernel/aws/dynamo-documents.js';
import { logger, MetricUnit, metrics, SecurityMetric } from '../kernel/observability.js';
import { BotShield, SHIELD_POLICY } from '../kernel/shield/bot-shield.js';
import { ShieldStore } from '../kernel/shield/shield-store.js';

export function loginShield(documents: DocumentClient, tableName: string): BotShield {
  return new BotShield(new ShieldStore(documents, tableName), SHIELD_POLICY, {
    onLockout: (kind) => {
      metrics.addMetric(SecurityMetric.LoginLockout, MetricUnit.Count, 1);
      logger.warn('login lockout', { kind });
    },
  });
}
