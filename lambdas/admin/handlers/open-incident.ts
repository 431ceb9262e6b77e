// POST /v1/admin/incidents (F6): a security or compliance admin records a personal-data breach (what, when
// detected and known, which data, which users, how severe, DORA's classification where configured). Its row,
// its audit record and the start of the breach-notification workflow are written together (the outbox):
// the clocks start at once. An admin route, not an approval request: the 72 hours of Art. 33 run from
// awareness, and recording an incident changes no account (docs/cases.md).

import { type IncidentWork, openIncidentBody } from '../../cases/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Settings } from '../../kernel/settings.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { incidentViewOf } from '../incident-views.js';
import { adminActor } from '../plane.js';
import { awsIncidentOpening, awsRefusalEvidence } from '../wiring.js';

export interface OpenIncidentPorts {
  incidentWork: Pick<IncidentWork, 'open'>;
  settings: Pick<Settings, 'approvalPolicies' | 'doraReporting'>;
  refusals: AdminRoutePorts['refusals'];
}

export const makeHandler = (ports: OpenIncidentPorts) =>
  adminHttpHandler(
    { permission: 'manage-incidents' },
    ports,
    { body: openIncidentBody },
    async (request, _event, caller) => {
      const incident = await ports.incidentWork.open(
        request.body,
        adminActor(caller),
        ports.settings.doraReporting,
      );
      return { status: 201, body: incidentViewOf(incident) };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({
    incidentWork: awsIncidentOpening(),
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
  }),
);
