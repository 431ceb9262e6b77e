// POST /v1/admin/requests/{requestId}/approve (D2): see decide-request.ts.
import { awsSignedRows } from '../shared/adapters/aws-account-store.js';
import { awsAdminIdentityProvider } from '../shared/adapters/aws-identity-provider.js';
import { httpHandler, lazyHandler } from '../shared/http.js';
import { systemClock } from '../shared/ports/clock.js';
import { awsAdminRequests, awsTaskAnswers } from './aws-ports.js';
import { approveBody } from './contracts.js';
import { type DecideRequestPorts, decide } from './decide-request.js';

export const makeHandler = (ports: DecideRequestPorts) =>
  httpHandler({ body: approveBody }, async (request, event) => ({
    body: await decide(ports, request, event, { kind: 'approve', payloadHash: request.body.payloadHash }),
  }));

export const handler = lazyHandler(() =>
  makeHandler({
    adminRequests: awsAdminRequests(),
    adminIdentity: awsAdminIdentityProvider(),
    workflows: awsTaskAnswers(),
    audit: awsSignedRows().audit,
    clock: systemClock,
  }),
);
