// POST /v1/admin/requests/{requestId}/reject (D2): an allowed approver rejects, or the requester withdraws
// the request; the workflow ends with the reason. See decide-request.ts.
import { awsSignedRows } from '../shared/adapters/aws-account-store.js';
import { awsAdminIdentityProvider } from '../shared/adapters/aws-identity-provider.js';
import { httpHandler, lazyHandler } from '../shared/http.js';
import { systemClock } from '../shared/ports/clock.js';
import { awsAdminRequests, awsTaskAnswers } from './aws-ports.js';
import { rejectBody } from './contracts.js';
import { type DecideRequestPorts, decide } from './decide-request.js';

export const makeHandler = (ports: DecideRequestPorts) =>
  httpHandler({ body: rejectBody }, async (request, event) => ({
    body: await decide(ports, request, event, { kind: 'reject', reason: request.body.reason }),
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
