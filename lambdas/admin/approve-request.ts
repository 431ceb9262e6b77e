// POST /v1/admin/requests/{requestId}/approve (D2): see decide-request.ts.
import { awsSignedRows } from '../shared/adapters/aws-account-store.js';
import { awsReauthAdminIdentityProvider } from '../shared/adapters/aws-reauth.js';
import { lazyHandler } from '../shared/http.js';
import { systemClock } from '../shared/ports/clock.js';
import { envSettings } from '../shared/runtime/aws-env.js';
import { adminHttpHandler } from './admin-route.js';
import { awsAdminRequests, awsTaskAnswers } from './aws-ports.js';
import { approveBody } from './contracts.js';
import { type DecideRequestPorts, decide } from './decide-request.js';

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
