// GET /v1/admin/users/{userId} (D5): a user's account as admins see it (user-view.ts): masked unless a reveal
// is in force, the sessions, devices, logins, hold, limits and KYC level; every read audited.
import * as aws from '../../kernel/aws/infra.js';
import { NotFound } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import { adminHttpHandler } from '../admin-route.js';
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

export type GetUserPorts = UserViewPorts;

export const makeHandler = (ports: GetUserPorts) =>
  adminHttpHandler({ permission: 'read-users' }, ports, {}, async (request, _event, caller) => {
    const userId = request.pathParams.userId ?? '';
    const account = isUserId(userId) ? await ports.accounts.getAccount(userId) : undefined;
    if (!account) throw new NotFound('No such user');
    return { body: await userView(ports, request, caller, account) };
  });

export const handler = lazyHandler(() =>
  makeHandler({
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
