// GET /v1/admin/me (D1): who the admin authorizer says the caller is: id, username, session and tiers.
import { adminCallerOf, httpHandler, lazyHandler } from '../shared/http.js';

export const makeHandler = () =>
  httpHandler({}, async (_request, event) => {
    const { adminId, username, sessionId, tiers } = adminCallerOf(event);
    return { body: { adminId, username, sessionId, tiers } };
  });

export const handler = lazyHandler(() => makeHandler());
