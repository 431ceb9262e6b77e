// GET /v1/admin/incidents/{incidentId}/evidence?authority=dpa|subjects|dora-authority (F6): the evidence
// bundle for one authority, as JSON: the incident's facts (affected users as a count), the deadlines and
// filings of that authority's reports, the clock's events, and the incident's audit trail (its records from
// the audit log, newest 200). The export itself is audited.

import { type IncidentWork, incidentEvidenceQuery, incidentEvidenceResponse } from '../../cases/contracts.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Settings } from '../../kernel/settings.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { incidentIdOf } from '../incident-views.js';
import { adminActor } from '../plane.js';
import { awsIncidentWork, awsRefusalEvidence } from '../wiring.js';

export interface ExportIncidentEvidencePorts {
  incidentWork: Pick<IncidentWork, 'get' | 'evidence'>;
  audit: Pick<AuditLog, 'append' | 'byTarget'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
  clock: Clock;
}

export const makeHandler = (ports: ExportIncidentEvidencePorts) =>
  adminHttpHandler(
    { permission: 'manage-incidents' },
    ports,
    { query: incidentEvidenceQuery },
    async (request, _event, caller) => {
      const incident = await ports.incidentWork.get(incidentIdOf(request.pathParams));
      const trail = await ports.audit.byTarget({ kind: 'incident', id: incident.incidentId }, 200);
      const now = ports.clock.now().toISOString();
      const bundle = ports.incidentWork.evidence(
        incident,
        request.query.authority,
        [...trail.items].reverse().map((r) => ({
          at: r.at,
          action: r.action,
          actor: `${r.actor.kind}:${r.actor.id}`,
          outcome: r.outcome,
          ...(r.details ? { details: r.details } : {}),
        })),
        now,
      );
      await ports.audit.append({
        actor: adminActor(caller),
        action: 'incident.export-evidence',
        target: { kind: 'incident', id: incident.incidentId },
        outcome: 'success',
        at: now,
        sourceIp: request.sourceIp.slice(0, 64),
        requestId: request.requestId,
        details: { authority: request.query.authority },
      });
      return { body: incidentEvidenceResponse.parse(bundle) };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({
    incidentWork: awsIncidentWork(),
    audit: aws.rows().audit,
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
