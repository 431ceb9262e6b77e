// GET /v1/me/reports (F7): the caller's own reports, newest first, each with a coarse status only (received,
// under-review, closed): never the case's status, notes or outcome (tipping-off, docs/cases.md).

import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { listReports, type UserReportPorts } from '../user-reports.js';
import { awsCaseStore } from '../wiring.js';

export const makeHandler = (ports: Pick<UserReportPorts, 'cases'>) =>
  httpHandler({}, async (_request, event) => {
    const caller = callerOf(event);
    return { body: { reports: await listReports(ports, caller.userId) } };
  });

export const handler = lazyHandler(() => makeHandler({ cases: awsCaseStore() }));
