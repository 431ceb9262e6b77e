// Workflow task (B2): at the hold's end, clears it unless a later change extended it. A duplicate or stale
// execution changes nothing; an end not reached yet (clock skew) fails with HoldNotOver, which the ASL retries.

import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { taskHandler } from '../../kernel/task.js';
import { holdInput } from '../contracts.js';
import type { SecurityStateStore } from '../hold.js';
import { awsSecurityState } from '../wiring.js';

export class HoldNotOver extends Error {
  override readonly name = 'HoldNotOver';
}

export const makeHandler = (ports: {
  securityState: Pick<SecurityStateStore, 'clear'>;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
}) =>
  taskHandler(holdInput, async (input) => {
    const now = ports.clock.now();
    const decision = await ports.securityState.clear(input.userId, input.holdEndsAt, now);
    if (decision === 'not-over') throw new HoldNotOver(`The hold ends at ${input.holdEndsAt}`);
    if (decision === 'clear') {
      logger.info('withdrawal hold cleared', { userId: input.userId, holdEndsAt: input.holdEndsAt });
      await ports.audit.append({
        actor: { kind: 'system', id: 'security-hold' },
        action: 'security.hold-cleared',
        target: { kind: 'user', id: input.userId },
        outcome: 'success',
        at: now.toISOString(),
        details: { holdEndsAt: input.holdEndsAt },
      });
    }
    return { cleared: decision === 'clear', decision };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    securityState: awsSecurityState(),
    audit: aws.rows().audit,
    clock: aws.clock,
  }),
);
