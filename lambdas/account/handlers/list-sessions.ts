// GET /v1/me/sessions (A8): the caller's live sessions, the current one marked; revoked and expired ones left out.

import * as aws from '../../kernel/aws/infra.js';
import { NotFound } from '../../kernel/errors.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { AccountStore } from '../account-store.js';
import { sessionViews } from '../sessions.js';
import type { SessionsResponse } from '../sessions-contracts.js';
import { awsAccountStore } from '../wiring.js';

export const makeHandler = (ports: {
  accounts: Pick<AccountStore, 'getAccount' | 'listSessions'>;
  clock: Clock;
}) =>
  httpHandler({}, async (_request, event) => {
    const caller = callerOf(event);
    const [account, sessions] = await Promise.all([
      ports.accounts.getAccount(caller.userId),
      ports.accounts.listSessions(caller.userId),
    ]);
    if (!account) throw new NotFound('Account not found');
    const body: SessionsResponse = {
      sessions: sessionViews(sessions, account, caller.sessionId, ports.clock.now()),
    };
    return { body };
  });

export const handler = lazyHandler(() => makeHandler({ accounts: awsAccountStore(), clock: aws.clock }));
