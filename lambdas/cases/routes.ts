// The cases context's functions (F3, F6, F7): the user's report routes and the breach workflow's tasks, with
// the access each needs. The admin routes of cases and incidents are the admin context's (lambdas/admin).

import type { RouteSpec } from '../catalogue.js';
import type { FunctionSpec } from '../kernel/specs.js';
import { reads } from '../kernel/specs.js';
import { userReportBody, userReportsResponse, userReportView } from './contracts.js';

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'FileUserReport',
    method: 'POST',
    path: '/v1/me/reports',
    auth: 'user',
    entry: 'lambdas/cases/handlers/file-report.ts',
    summary:
      'F7: reports suspicious activity (phishing, an unknown login, a withdrawal the user did not make); opens a case for compliance',
    tag: 'reports',
    body: userReportBody,
    response: userReportView,
    status: 201,
    // The case, its source claim and list rows, the report row, the audit record (outbox).
    access: reads('accounts:write'),
  },
  {
    id: 'ListUserReports',
    method: 'GET',
    path: '/v1/me/reports',
    auth: 'user',
    entry: 'lambdas/cases/handlers/list-reports.ts',
    summary: "F7: the caller's reports with a coarse status only (received, under-review, closed)",
    tag: 'reports',
    response: userReportsResponse,
    status: 200,
    access: reads('accounts:read'),
  },
];

/** F6: the breach workflow's first task: mails the affected users of a high-risk breach (Art. 34). */
export const BREACH_NOTIFY_SUBJECTS: FunctionSpec = {
  id: 'BreachNotifySubjects',
  entry: 'lambdas/cases/handlers/breach-notify-subjects.ts',
  // The incident row, its audit record and the mail steps (outbox), sent through the user-mail function.
  access: reads('accounts:write', 'user-mail:send'),
};

/** F6: the breach workflow's clock task: reminders, alarms, missed deadlines, the next wake-up. */
export const BREACH_CLOCK: FunctionSpec = {
  id: 'BreachClock',
  entry: 'lambdas/cases/handlers/breach-clock.ts',
  access: reads('accounts:write'),
};
