// Workflow task (F2) RescreenAPage of the screening workflow's Map: re-screens one page of one roster
// partition against the list versions in force (the index is built once per container); answers the next
// page's cursor while there is one (the child execution's loop).
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import { taskHandler } from '../../kernel/task.js';
import type { ScreeningWork } from '../screening-work.js';
import { awsScreeningWork } from '../wiring.js';
import { rescreenPageInput } from '../workflow-contracts.js';

export const makeHandler = (ports: { screening: Pick<ScreeningWork, 'rescreenPage'> }) =>
  taskHandler(rescreenPageInput, async ({ partition, trigger, cursor }) => {
    const out = await ports.screening.rescreenPage(partition, cursor);
    logger.info('roster page re-screened', { partition, screened: out.screened, hits: out.hits });
    return { partition, trigger, ...(out.cursor ? { cursor: out.cursor } : {}) };
  });

export const handler = lazyHandler(() => makeHandler({ screening: awsScreeningWork() }));
