// POST /v1/admin/auth/login (D1): username and password of the admin pool; answers the TOTP challenge.

import { httpHandler, lazyHandler } from '../../kernel/http.js';
import type { AdminLoginFlow } from '../admin-login.js';
import { adminLoginRequest } from '../admin-login-contracts.js';
import { awsAdminLoginFlow } from '../wiring.js';

export const makeHandler = (ports: { adminLogin: AdminLoginFlow }) =>
  httpHandler({ body: adminLoginRequest }, async (request) => ({
    body: await ports.adminLogin.start(request.body.username, request.body.password, {
      ip: request.sourceIp,
      userAgent: request.userAgent,
      requestId: request.requestId,
    }),
  }));

export const handler = lazyHandler(() => makeHandler({ adminLogin: awsAdminLoginFlow() }));
