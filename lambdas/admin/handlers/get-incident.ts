// GET /v1/admin/incidents/{incidentId} (F6): an incident with its deadlines (each with its reminders, alarm
// and filing), the clock's events and its status. The `manage-incidents` capability.

import type { IncidentWork } from '../../cases/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Settings } from '../../kernel/settings.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { incidentIdOf, incidentViewOf } from '../incident-views.js';
import { awsIncidentWork, awsRefusalEvidence } from '../wiring.js';

export interface GetIncidentPorts {
  incidentWork: Pick<IncidentWork, 'get'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
}

export const makeHandler = (ports: GetIncidentPorts) =>
  adminHttpHandler({ permission: 'manage-incidents' }, ports, {}, async (request) => ({
    body: incidentViewOf(await ports.incidentWork.get(incidentIdOf(request.pathParams))),
  }));

export const handler = lazyHandler(() =>
  makeHandler({ incidentWork: awsIncidentWork(), settings: aws.settings(), refusals: awsRefusalEvidence() }),
);
