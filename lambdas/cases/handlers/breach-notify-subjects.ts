// Workflow task (F6) NotifyTheAffectedUsers of the breach-notification workflow: for a high-risk breach,
// mails every affected user once (GDPR Art. 34, without undue delay) through the user-mail function, which
// adds the anti-phishing phrase and signs with PGP where the user keeps a key; records the subjects'
// report as filed by the system. Anything else: nothing to do.
import { lazyHandler } from '../../kernel/http.js';
import { taskHandler } from '../../kernel/task.js';
import type { IncidentWork } from '../incidents.js';
import { awsIncidentMailing } from '../wiring.js';
import { breachTaskInput } from '../workflow-contracts.js';

export const makeHandler = (ports: { incidentWork: Pick<IncidentWork, 'notifySubjects'> }) =>
  taskHandler(breachTaskInput, async ({ incidentId }) => ports.incidentWork.notifySubjects(incidentId));

export const handler = lazyHandler(() => makeHandler({ incidentWork: awsIncidentMailing() }));
