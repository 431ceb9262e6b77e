// Workflow task (F6) RunTheClock of the breach-notification workflow: records the reminders, alarms and
// missed deadlines of unfiled reports since its last run (audited; the BreachDeadlineNear/Missed metrics
// the alarms watch) and answers when to run next (`nextAt`, the Wait's timestamp) or `done` when every
// report is filed. The deadlines come from lambdas/cases/breach-clocks.ts alone.
import { lazyHandler } from '../../kernel/http.js';
import { taskHandler } from '../../kernel/task.js';
import type { IncidentWork } from '../incidents.js';
import { awsIncidentWork } from '../wiring.js';
import { breachTaskInput } from '../workflow-contracts.js';

export const makeHandler = (ports: { incidentWork: Pick<IncidentWork, 'tick'> }) =>
  taskHandler(breachTaskInput, async ({ incidentId }) => {
    const { done, nextAt, fired } = await ports.incidentWork.tick(incidentId);
    return { done, ...(nextAt ? { nextAt } : {}), fired: fired.length };
  });

export const handler = lazyHandler(() => makeHandler({ incidentWork: awsIncidentWork() }));
