// POST /v1/admin/cases/{caseId}/steps (F3): a working step on a case — start investigating, escalate, reopen
// (with a reason) — as the state machine allows it (lambdas/cases/case-status.ts), else 409
// CASE_STEP_NOT_ALLOWED. The closing steps (dismiss, report) are not here: they are admin requests
// (`dismiss-case`, `report-case`) a second compliance officer approves. The `work-cases` capability; audited.

import { type CaseWork, caseStepBody } from '../../cases/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler, validationError } from '../../kernel/http.js';
import type { Settings } from '../../kernel/settings.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { caseIdOf, caseViewOf } from '../case-views.js';
import { adminActor } from '../plane.js';
import { awsCaseWork, awsRefusalEvidence } from '../wiring.js';

export interface StepCasePorts {
  caseWork: Pick<CaseWork, 'step'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
}

export const makeHandler = (ports: StepCasePorts) =>
  adminHttpHandler(
    { permission: 'work-cases' },
    ports,
    { body: caseStepBody },
    async (request, _event, caller) => {
      const { step, reason } = request.body;
      if (step === 'reopen' && !reason) {
        throw validationError('A case is reopened with a reason', [
          { code: 'custom', path: ['reason'], message: 'required to reopen', input: undefined },
        ]);
      }
      const updated = await ports.caseWork.step(
        caseIdOf(request.pathParams),
        step,
        adminActor(caller),
        reason,
      );
      return { body: caseViewOf(updated) };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({ caseWork: awsCaseWork(), settings: aws.settings(), refusals: awsRefusalEvidence() }),
);
