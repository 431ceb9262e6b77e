// POST /v1/auth/logout (A8): ends the caller's current session. The access token is refused on its next
// request (the authorizer's session check), and so is any token the refresh token of this session mints:
// they share the session id (origin_jti).

import type { AccountStore } from '../../account/contracts.js';
import { revokeOwnSession } from '../../account/contracts.js';
import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { awsAccountStore } from '../wiring.js';

export const makeHandler = (ports: { accounts: Pick<AccountStore, 'revokeSession'>; clock: Clock }) =>
  httpHandler({}, async (_request, event) => {
    const caller = callerOf(event);
    return { body: await revokeOwnSession(ports, caller, caller.sessionId) };
  });

export const handler = lazyHandler(() => makeHandler({ accounts: awsAccountStore(), clock: aws.clock }));
