// GET /v1/admin/me (D1): who the admin authorizer says the caller is: id, username, session and tiers.
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { awsRefusalEvidence } from '../wiring.js';

export const makeHandler = (ports: AdminRoutePorts) =>
  adminHttpHandler({ permission: 'session' }, ports, {}, async (_request, _event, caller) => {
    const { adminId, username, sessionId, tiers } = caller;
    return { body: { adminId, username, sessionId, tiers } };
  });

export const handler = lazyHandler(() =>
  makeHandler({ settings: aws.settings(), refusals: awsRefusalEvidence() }),
);
