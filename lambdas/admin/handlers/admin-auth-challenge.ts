// POST /v1/admin/auth/challenge (D1): the TOTP code of an admin login; answers the admin's access token.

import { httpHandler, lazyHandler } from '../../kernel/http.js';
import type { AdminLoginFlow } from '../admin-login.js';
import { adminChallengeRequest } from '../admin-login-contracts.js';
import { awsAdminLoginFlow } from '../wiring.js';

export const makeHandler = (ports: { adminLogin: AdminLoginFlow }) =>
  httpHandler({ body: adminChallengeRequest }, async (request) => ({
    body: await ports.adminLogin.answer(request.body.loginId, request.body.code, {
      ip: request.sourceIp,
      userAgent: request.userAgent,
      requestId: request.requestId,
    }),
  }));

export const handler = lazyHandler(() => makeHandler({ adminLogin: awsAdminLoginFlow() }));
