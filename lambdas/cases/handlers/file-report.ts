// POST /v1/me/reports (F7): the caller reports suspicious activity (phishing, a login they do not recognise, a
// withdrawal they did not make) in their own words; a case is opened for compliance. The answer says
// `received` and nothing about the case (tipping-off).

import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { fileReport, type UserReportPorts, userReportBody } from '../user-reports.js';
import { awsCaseStore, awsCaseWork } from '../wiring.js';

export const makeHandler = (ports: UserReportPorts) =>
  httpHandler({ body: userReportBody }, async (request, event) => {
    const caller = callerOf(event);
    return { status: 201, body: await fileReport(ports, caller.userId, request.body) };
  });

export const handler = lazyHandler(() =>
  makeHandler({ cases: awsCaseStore(), caseWork: awsCaseWork(), clock: aws.clock }),
);
