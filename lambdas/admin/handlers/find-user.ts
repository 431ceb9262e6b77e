// GET /v1/admin/users?username=… (D5): which user a username names, for the admin who has only the name the
// customer gives on the phone. The name is resolved through the user directory (the identity provider's user,
// whose subject is the account's id; nothing else of the directory's user is read or shown) and the account
// must exist; the answer is the id, the username and the status, and the page then reads the user view by id
// (GET /v1/admin/users/{userId}, itself audited). The lookup is audited as a read of that user
// (`admin.lookup-user`, found by username). An unknown username and a directory user without an account are
// the same 404. (The view is not answered here: the directory client and the view's modules together would
// pass the size budget of one function.)
import type { AccountStore } from '../../account/contracts.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { NotFound } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import type { Settings } from '../../kernel/settings.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { findUserQuery, foundUserResponse } from '../find-user-contracts.js';
import { adminActor } from '../plane.js';
import { awsAccountStore, awsRefusalEvidence } from '../wiring.js';

export interface FindUserPorts {
  identity: Pick<IdentityProvider, 'getUser'>;
  accounts: Pick<AccountStore, 'getAccount'>;
  audit: Pick<AuditLog, 'append'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
  clock: Clock;
}

const USER_ID = /^[A-Za-z0-9_-]{1,128}$/;

export const makeHandler = (ports: FindUserPorts) =>
  adminHttpHandler(
    { permission: 'read-users' },
    ports,
    { query: findUserQuery },
    async (request, _event, caller) => {
      const directoryUser = await ports.identity.getUser(request.query.username);
      const account =
        directoryUser && USER_ID.test(directoryUser.userId)
          ? await ports.accounts.getAccount(directoryUser.userId)
          : undefined;
      if (!account) throw new NotFound('No such user');
      await ports.audit.append({
        actor: adminActor(caller),
        action: 'admin.lookup-user',
        target: { kind: 'user', id: account.userId },
        outcome: 'success',
        at: ports.clock.now().toISOString(),
        sourceIp: request.sourceIp.slice(0, 64),
        requestId: request.requestId,
        details: { view: 'accounts', foundBy: 'username' },
      });
      return {
        body: foundUserResponse.parse({
          userId: account.userId,
          username: account.username,
          status: account.status,
        }),
      };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({
    identity: aws.identity(),
    accounts: awsAccountStore(),
    audit: aws.rows().audit,
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
