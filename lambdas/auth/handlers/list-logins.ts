// GET /v1/me/logins?limit=&cursor= (A9): the caller's login history, newest first, a page at a time.
import { awsSignedRows } from '../../kernel/aws/tables.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import {
  decodeCursor,
  encodeCursor,
  type LoginsResponse,
  loginsQuery,
  loginViews,
  pageLimit,
} from '../login-history.js';
import { LoginStore } from '../login-store.js';

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

export const handler = lazyHandler(() =>
  makeHandler({ logins: new LoginStore(awsSignedRows().tables.accounts) }),
);
