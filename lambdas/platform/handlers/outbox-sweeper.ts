// The outbox sweeper, run every OUTBOX_SWEEP_MINUTES by EventBridge (locally by a timer and once at start):
// completes the follow-up steps (audit records, emails, workflow starts) that requests wrote with their rows
// but could not do at once (kernel/outbox.ts). An entry that keeps failing raises OutboxStuck (alarmed on).
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Outbox, SweepSummary } from '../../kernel/outbox.js';
import { taskHandler } from '../../kernel/task.js';
import { scheduledEvent } from '../contracts.js';
import { awsOutboxSweeper } from '../wiring.js';

export const makeHandler = (ports: { outbox: Pick<Outbox, 'sweep'> }) =>
  taskHandler(scheduledEvent, async (): Promise<SweepSummary> => {
    const summary = await ports.outbox.sweep();
    if (summary.pending > 0) logger.info('outbox sweep', { ...summary });
    return summary;
  });

export const handler = lazyHandler(() => makeHandler({ outbox: awsOutboxSweeper() }));
