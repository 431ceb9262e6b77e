// GET /v1/admin/users?username=… (D5): the user view of get-user.ts, found by the username the customer gives
// on the phone. The username is resolved through the user directory (the identity provider's user, whose
// subject is the account's id; nothing else of the directory's user is read or shown), then the account is read
// and shown exactly as by id, the read audited with `foundBy: username`. An unknown username and a directory
// user without an account are the same 404.
import * as aws from '../../kernel/aws/infra.js';
import { NotFound } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import { adminHttpHandler } from '../admin-route.js';
import { findUserQuery } from '../contracts.js';
import { isUserId, type UserViewPorts, userView } from '../user-view.js';
import {
  awsAccountStoreWithIndex,
  awsCaseStore,
  awsKycStore,
  awsLoginStore,
  awsRefusalEvidence,
  awsRevealGrants,
  awsScreeningStore,
  awsSecurityState,
  awsWithdrawalLedger,
} from '../wiring.js';

export interface FindUserPorts extends UserViewPorts {
  identity: Pick<IdentityProvider, 'getUser'>;
}

export const makeHandler = (ports: FindUserPorts) =>
  adminHttpHandler(
    { permission: 'read-users' },
    ports,
    { query: findUserQuery },
    async (request, _event, caller) => {
      const directoryUser = await ports.identity.getUser(request.query.username);
      const account =
        directoryUser && isUserId(directoryUser.userId)
          ? await ports.accounts.getAccount(directoryUser.userId)
          : undefined;
      if (!account) throw new NotFound('No such user');
      return { body: await userView(ports, request, caller, account, 'username') };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({
    identity: aws.identity(),
    accounts: awsAccountStoreWithIndex(),
    logins: awsLoginStore(),
    kyc: awsKycStore(),
    revealGrants: awsRevealGrants(),
    securityState: awsSecurityState(),
    ledger: awsWithdrawalLedger(),
    screeningStore: awsScreeningStore(),
    cases: awsCaseStore(),
    audit: aws.rows().audit,
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
