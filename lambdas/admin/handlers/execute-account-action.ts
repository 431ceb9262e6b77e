// Workflow task ExecuteAccountAction (D2): executes an approved action on a user account (suspend, restore,
// reset MFA, change email or phone, lift a hold, lift a screening freeze, decide a KYC review or set a KYC level) through the shared claim, hash check and audit of
// execute-action.ts. Its role holds only what those actions touch (catalogue WORKFLOWS `admin-approval`).

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { type ExecutionPorts, executeActionTask } from '../execute-action.js';
import { ACCOUNT_EXECUTORS, type AccountActionPorts } from '../executors/account-actions.js';
import {
  awsAccountStoreWithIndex,
  awsAdminRequests,
  awsBlindIndexer,
  awsKycStore,
  awsScreeningStore,
  awsSecurityChanges,
  awsSecurityOutbox,
  awsSecurityState,
  awsSignupStore,
  suspensionRequests,
} from '../wiring.js';

export type ExecuteAccountActionPorts = AccountActionPorts &
  ExecutionPorts & { vault: NonNullable<ExecutionPorts['vault']> };

export const makeHandler = (ports: ExecuteAccountActionPorts) => executeActionTask(ACCOUNT_EXECUTORS, ports);

export const handler = lazyHandler(() =>
  makeHandler({
    adminRequests: awsAdminRequests(),
    vault: aws.vault(),
    audit: aws.rows().audit,
    clock: aws.clock,
    accounts: awsAccountStoreWithIndex(),
    identity: aws.identity(),
    suspensions: suspensionRequests({ workflows: aws.workflows }),
    securityChanges: awsSecurityChanges(),
    securityState: awsSecurityState(),
    outbox: awsSecurityOutbox(),
    claims: awsSignupStore(),
    blindIndex: awsBlindIndexer(),
    screeningStore: awsScreeningStore(),
    kyc: awsKycStore(),
  }),
);
