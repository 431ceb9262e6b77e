// POST /v1/admin/cases/{caseId}/notes (F3): a note on a case, with references to evidence (audit records,
// withdrawals, logins, sessions). The `work-cases` capability (compliance); audited with the case.

import { type CaseWork, caseNoteBody } from '../../cases/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Settings } from '../../kernel/settings.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { caseIdOf, caseViewOf } from '../case-views.js';
import { adminActor } from '../plane.js';
import { awsCaseWork, awsRefusalEvidence } from '../wiring.js';

export interface AddCaseNotePorts {
  caseWork: Pick<CaseWork, 'note'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
}

export const makeHandler = (ports: AddCaseNotePorts) =>
  adminHttpHandler(
    { permission: 'work-cases' },
    ports,
    { body: caseNoteBody },
    async (request, _event, caller) => {
      const updated = await ports.caseWork.note(
        caseIdOf(request.pathParams),
        adminActor(caller),
        request.body.text,
        request.body.evidence ?? [],
      );
      return { status: 201, body: caseViewOf(updated) };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({ caseWork: awsCaseWork(), settings: aws.settings(), refusals: awsRefusalEvidence() }),
);
