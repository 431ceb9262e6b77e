// Workflow task (B2): at the hold's end, clears it unless a later change extended it. A duplicate or stale
// execution changes nothing; an end not reached yet (clock skew) fails with HoldNotOver, which the ASL retries.

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Outbox } from '../../kernel/outbox.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { taskHandler } from '../../kernel/task.js';
import { holdInput } from '../contracts.js';
import type { SecurityStateStore } from '../hold.js';
import { awsSecurityOutbox, awsSecurityState } from '../wiring.js';

export class HoldNotOver extends Error {
  override readonly name = 'HoldNotOver';
}

export const makeHandler = (ports: {
  securityState: Pick<SecurityStateStore, 'clear'>;
  /** The clearing's audit record, written with it (kernel/outbox.ts): a retried task finds it cleared. */
  outbox: Pick<Outbox, 'pending'>;
  clock: Clock;
}) =>
  taskHandler(holdInput, async (input) => {
    const now = ports.clock.now();
    const after = ports.outbox.pending(() => [
      {
        kind: 'audit',
        event: {
          actor: { kind: 'system', id: 'security-hold' },
          action: 'security.hold-cleared',
          target: { kind: 'user', id: input.userId },
          outcome: 'success',
          at: now.toISOString(),
          details: { holdEndsAt: input.holdEndsAt },
        },
      },
    ]);
    const decision = await ports.securityState.clear(input.userId, input.holdEndsAt, now, after);
    if (decision === 'not-over') throw new HoldNotOver(`The hold ends at ${input.holdEndsAt}`);
    if (decision === 'clear') {
      logger.info('withdrawal hold cleared', { userId: input.userId, holdEndsAt: input.holdEndsAt });
      await after.settle();
    }
    return { cleared: decision === 'clear', decision };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    securityState: awsSecurityState(),
    outbox: awsSecurityOutbox(),
    clock: aws.clock,
  }),
);
