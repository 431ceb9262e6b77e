// POST /v1/admin/incidents/{incidentId}/filings (F6): an admin records a report as filed (the authority's
// reference, when it was filed); its clock stops, and the workflow ends when every report is filed. A report
// the incident runs no clock for, or filed already: 409 INCIDENT_REPORT_FILED. Audited, late or not.

import { fileIncidentReportBody, type IncidentWork } from '../../cases/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Settings } from '../../kernel/settings.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { incidentIdOf, incidentViewOf } from '../incident-views.js';
import { adminActor } from '../plane.js';
import { awsIncidentWork, awsRefusalEvidence } from '../wiring.js';

export interface FileIncidentReportPorts {
  incidentWork: Pick<IncidentWork, 'file'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
}

export const makeHandler = (ports: FileIncidentReportPorts) =>
  adminHttpHandler(
    { permission: 'manage-incidents' },
    ports,
    { body: fileIncidentReportBody },
    async (request, _event, caller) => {
      const { report, reference, filedAt } = request.body;
      const incident = await ports.incidentWork.file(
        incidentIdOf(request.pathParams),
        { report, reference, ...(filedAt ? { filedAt } : {}) },
        adminActor(caller),
      );
      return { body: incidentViewOf(incident) };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({ incidentWork: awsIncidentWork(), settings: aws.settings(), refusals: awsRefusalEvidence() }),
);
