// GET /v1/admin/cases/{caseId} (F3): one case with its signals, evidence references, notes and history, and
// the steps that apply now. The `read-cases` capability (compliance); every read is audited.

import type { CaseWork } from '../../cases/contracts.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Settings } from '../../kernel/settings.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { caseIdOf, caseViewOf } from '../case-views.js';
import { adminActor } from '../plane.js';
import { awsCaseWork, awsRefusalEvidence } from '../wiring.js';

export interface GetCasePorts {
  caseWork: Pick<CaseWork, 'get'>;
  audit: Pick<AuditLog, 'append'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
  clock: Clock;
}

export const makeHandler = (ports: GetCasePorts) =>
  adminHttpHandler({ permission: 'read-cases' }, ports, {}, async (request, _event, caller) => {
    const found = await ports.caseWork.get(caseIdOf(request.pathParams));
    await ports.audit.append({
      actor: adminActor(caller),
      action: 'case.read',
      target: { kind: 'case', id: found.caseId },
      outcome: 'success',
      at: ports.clock.now().toISOString(),
      sourceIp: request.sourceIp.slice(0, 64),
      requestId: request.requestId,
      details: { subject: found.subject.userId, status: found.status },
    });
    return { body: caseViewOf(found) };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    caseWork: awsCaseWork(),
    audit: aws.rows().audit,
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
