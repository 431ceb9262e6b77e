// Workflow task ExecuteAccountAction (D2): executes an approved action on a user account (suspend, restore,
// reset MFA, change email or phone, lift a hold) through the shared claim, hash check and audit of
// execute-action.ts. Its role holds only what those actions touch (catalogue WORKFLOWS `admin-approval`).
import {
  DynamoAccountStore,
  SignupStore,
  storedBlindIndexer,
  workflowSuspensions,
} from '../../account/contracts.js';
import { awsIdentityProvider } from '../../kernel/aws/identity-provider.js';
import { awsKeyService } from '../../kernel/aws/key-service.js';
import { awsSignedRows } from '../../kernel/aws/tables.js';
import { awsVault } from '../../kernel/aws/vault.js';
import { awsWorkflows } from '../../kernel/aws/workflows.js';
import { lazyHandler } from '../../kernel/http.js';
import { systemClock } from '../../kernel/ports/clock.js';
import { type ExecutionPorts, executeActionTask } from '../execute-action.js';
import { ACCOUNT_EXECUTORS, type AccountActionPorts } from '../executors/account-actions.js';
import { awsAdminRequests, awsSecurityChanges, awsSecurityState } from '../wiring.js';

export type ExecuteAccountActionPorts = AccountActionPorts &
  ExecutionPorts & { vault: NonNullable<ExecutionPorts['vault']> };

export const makeHandler = (ports: ExecuteAccountActionPorts) => executeActionTask(ACCOUNT_EXECUTORS, ports);

export const handler = lazyHandler(() => {
  const rows = awsSignedRows();
  const table = rows.tables.accounts;
  const blindIndex = storedBlindIndexer(table, awsKeyService());
  return makeHandler({
    adminRequests: awsAdminRequests(),
    vault: awsVault(),
    audit: rows.audit,
    clock: systemClock,
    accounts: new DynamoAccountStore(table, { vault: awsVault(), blindIndex }),
    identity: awsIdentityProvider(),
    suspensions: workflowSuspensions(awsWorkflows()),
    securityChanges: awsSecurityChanges(),
    securityState: awsSecurityState(),
    claims: new SignupStore(table),
    blindIndex,
  });
});
