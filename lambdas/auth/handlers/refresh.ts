// POST /v1/auth/refresh (A8): a refresh token and the device id of its login; answers the session's next
// tokens (the refresh token rotated) or 401 with REFRESH_INVALID, REFRESH_REUSED, SESSION_REVOKED or
// ACCOUNT_SUSPENDED (lambdas/auth/token-refresh.ts).

import { clientOf } from '../../kernel/client-context.js';
import { httpHandler, lazyHandler } from '../../kernel/http.js';
import { refreshRequest } from '../refresh-contracts.js';
import type { TokenRefresh } from '../token-refresh.js';
import { awsTokenRefresh } from '../wiring.js';

export const makeHandler = (ports: { refresh: TokenRefresh }) =>
  httpHandler({ body: refreshRequest }, async (request, event) => ({
    body: {
      tokens: await ports.refresh.refresh(
        request.body.refreshToken,
        clientOf(event, request, request.body.deviceId),
        request.requestId,
      ),
    },
  }));

export const handler = lazyHandler(() => makeHandler({ refresh: awsTokenRefresh() }));
