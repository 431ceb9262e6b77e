// POST /v1/admin/requests/{requestId}/reject (D2): an allowed approver rejects, or the requester withdraws
// the request; the workflow ends with the reason. See decide-request.ts.

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { adminHttpHandler } from '../admin-route.js';
import { rejectBody } from '../contracts.js';
import { type DecideRequestPorts, decide } from '../decide-request.js';
import { awsAdminRequests, awsRefusalEvidence } from '../wiring.js';

export const makeHandler = (ports: DecideRequestPorts) =>
  adminHttpHandler(
    { permission: 'reject' },
    ports,
    { body: rejectBody },
    async (request, _event, caller) => ({
      body: await decide(ports, request, caller, { kind: 'reject', reason: request.body.reason }),
    }),
  );

export const handler = lazyHandler(() =>
  makeHandler({
    adminRequests: awsAdminRequests(),
    adminIdentity: aws.reauthAdminIdentity(),
    taskAnswers: aws.taskAnswers(),
    audit: aws.rows().audit,
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
