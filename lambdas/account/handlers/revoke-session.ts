// DELETE /v1/me/sessions/{sessionId} (A8): ends one of the caller's own sessions; its tokens are refused on
// their next request. Another user's session id is Not Found: the key is the caller's partition (E5).

import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler, parseWith } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { AccountStore } from '../account-store.js';
import { revokeOwnSession } from '../sessions.js';
import { sessionIdParam } from '../sessions-contracts.js';
import { awsAccountStore } from '../wiring.js';

export const makeHandler = (ports: { accounts: Pick<AccountStore, 'revokeSession'>; clock: Clock }) =>
  httpHandler({}, async (request, event) => {
    const caller = callerOf(event);
    const { sessionId } = parseWith(sessionIdParam, request.pathParams, 'session id');
    return { body: await revokeOwnSession(ports, caller, sessionId) };
  });

export const handler = lazyHandler(() => makeHandler({ accounts: awsAccountStore(), clock: aws.clock }));
