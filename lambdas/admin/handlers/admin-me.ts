// GET /v1/admin/me (D1): who the admin authorizer says the caller is: id, username, session and tiers, and (X5)
// the capabilities those tiers hold under the deployed approval policies (what the console shows).
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { ADMIN_CAPABILITIES, holdsCapability } from '../permissions.js';
import { awsRefusalEvidence } from '../wiring.js';

export const makeHandler = (ports: AdminRoutePorts) =>
  adminHttpHandler({ permission: 'session' }, ports, {}, async (_request, _event, caller) => {
    const { adminId, username, sessionId, tiers } = caller;
    const capabilities = ADMIN_CAPABILITIES.filter((c) =>
      holdsCapability(tiers, c, ports.settings.approvalPolicies),
    );
    return { body: { adminId, username, sessionId, tiers, capabilities } };
  });

export const handler = lazyHandler(() =>
  makeHandler({ settings: aws.settings(), refusals: awsRefusalEvidence() }),
);
