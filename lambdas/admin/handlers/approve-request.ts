// POST /v1/admin/requests/{requestId}/approve (D2): see decide-request.ts.

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { adminHttpHandler } from '../admin-route.js';
import { approveBody } from '../contracts.js';
import { type DecideRequestPorts, decide } from '../decide-request.js';
import { awsAdminRequests, awsRefusalEvidence } from '../wiring.js';

export const makeHandler = (ports: DecideRequestPorts) =>
  adminHttpHandler(
    { permission: 'approve' },
    ports,
    { body: approveBody },
    async (request, _event, caller) => ({
      body: await decide(ports, request, caller, { kind: 'approve', payloadHash: request.body.payloadHash }),
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
