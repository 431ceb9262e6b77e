// GET /v1/me/logins?limit=&cursor= (A9): the caller's login history, newest first, a page at a time.

import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import {
  decodeCursor,
  encodeCursor,
  type LoginsResponse,
  loginsQuery,
  loginViews,
  pageLimit,
} from '../login-history.js';
import type { LoginStore } from '../login-store.js';
import { awsLoginStore } from '../wiring.js';

export const makeHandler = (ports: { logins: Pick<LoginStore, 'listLogins'> }) =>
  httpHandler({ query: loginsQuery }, async (request, event) => {
    const caller = callerOf(event);
    const { limit, cursor } = request.query;
    const page = await ports.logins.listLogins(caller.userId, {
      limit: pageLimit(limit),
      ...(cursor ? { startKey: decodeCursor(cursor, caller.userId) } : {}),
    });
    const body: LoginsResponse = {
      logins: loginViews(page.logins),
      ...(page.next ? { next: encodeCursor(page.next) } : {}),
    };
    return { body };
  });

export const handler = lazyHandler(() => makeHandler({ logins: awsLoginStore() }));
