// DELETE /v1/me/sessions (A8): ends every session of the caller, this one included: access tokens through
// the account's sessionsValidAfter and the session rows, refresh tokens through the global sign-out.

import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import type { AccountStore } from '../account-store.js';
import { revokeAllOwnSessions } from '../sessions.js';
import { awsAccountStore } from '../wiring.js';

export const makeHandler = (ports: {
  accounts: Pick<AccountStore, 'revokeAllSessions'>;
  identity: Pick<IdentityProvider, 'globalSignOut'>;
  clock: Clock;
}) =>
  httpHandler({}, async (_request, event) => ({
    body: await revokeAllOwnSessions(ports, callerOf(event)),
  }));

export const handler = lazyHandler(() =>
  makeHandler({ accounts: awsAccountStore(), identity: aws.identity(), clock: aws.clock }),
);
