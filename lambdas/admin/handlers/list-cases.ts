// GET /v1/admin/cases (F3): the compliance case list, newest first, filtered by status, kind or subject, a
// page of `limit` (default 20, at most 100) after `cursor`. The `read-cases` capability (compliance); the
// listing is audited (who looked at which cases), subjects by user id only.

import type { CaseStore } from '../../cases/contracts.js';
import { casesResponse, listCasesQuery } from '../../cases/contracts.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Settings } from '../../kernel/settings.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { caseViewOf, decodeCaseCursor, encodeCaseCursor } from '../case-views.js';
import { adminActor } from '../plane.js';
import { awsCaseStore, awsRefusalEvidence } from '../wiring.js';

export interface ListCasesPorts {
  cases: Pick<CaseStore, 'list'>;
  audit: Pick<AuditLog, 'append'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
  clock: Clock;
}

export const makeHandler = (ports: ListCasesPorts) =>
  adminHttpHandler(
    { permission: 'read-cases' },
    ports,
    { query: listCasesQuery },
    async (request, _event, caller) => {
      const { status, kind, userId, limit, cursor } = request.query;
      const after = cursor ? decodeCaseCursor(cursor) : undefined;
      const page = await ports.cases.list(
        { ...(status ? { status } : {}), ...(kind ? { kind } : {}), ...(userId ? { userId } : {}) },
        limit ? Number(limit) : 20,
        after,
      );
      await ports.audit.append({
        actor: adminActor(caller),
        action: 'case.list',
        target: { kind: 'system', id: 'cases' },
        outcome: 'success',
        at: ports.clock.now().toISOString(),
        sourceIp: request.sourceIp.slice(0, 64),
        requestId: request.requestId,
        details: {
          cases: page.cases
            .map((c) => c.caseId)
            .join(',')
            .slice(0, 1000),
          ...(status ? { status } : {}),
          ...(kind ? { kind } : {}),
        },
      });
      return {
        body: casesResponse.parse({
          cases: page.cases.map(caseViewOf),
          ...(page.next ? { next: encodeCaseCursor(page.next) } : {}),
        }),
      };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({
    cases: awsCaseStore(),
    audit: aws.rows().audit,
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
