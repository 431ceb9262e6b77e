// POST /v1/admin/requests/{requestId}/approve (D2): see decide-request.ts.

import { awsSignedRows } from '../../kernel/aws/tables.js';
import { lazyHandler } from '../../kernel/http.js';
import { systemClock } from '../../kernel/ports/clock.js';
import { envSettings } from '../../kernel/runtime/aws-env.js';
import { adminHttpHandler } from '../admin-route.js';
import { approveBody } from '../contracts.js';
import { type DecideRequestPorts, decide } from '../decide-request.js';
import { awsAdminRequests, awsReauthAdminIdentityProvider, awsTaskAnswers } from '../wiring.js';

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
    adminIdentity: awsReauthAdminIdentityProvider(),
    workflows: awsTaskAnswers(),
    audit: awsSignedRows().audit,
    settings: envSettings(),
    clock: systemClock,
  }),
);
