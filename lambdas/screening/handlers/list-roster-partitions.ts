// Workflow task (F2) ListThePartitions of the screening workflow: the roster's partitions, as the items of the
// re-screen's Distributed Map. Reads nothing: the partitions are a fixed number (config.ts ROSTER_PARTITIONS).
import { lazyHandler } from '../../kernel/http.js';
import { taskHandler } from '../../kernel/task.js';
import { ROSTER_PARTITIONS } from '../config.js';
import { listPartitionsInput } from '../workflow-contracts.js';

export const makeHandler = () =>
  taskHandler(listPartitionsInput, async () => ({
    partitions: Array.from({ length: ROSTER_PARTITIONS }, (_, partition) => ({ partition })),
  }));

export const handler = lazyHandler(() => makeHandler());
