// Workflow task ExecuteAccountAction (D2): executes an approved action on a user account (suspend, restore,
// reset MFA, change email or phone, lift a hold) through the shared claim, hash check and audit of
// execute-action.ts. Its role holds only what those actions touch (catalogue WORKFLOWS `admin-approval`).
import { storedBlindIndexer } from '../account/blind-index-key.js';
import { DynamoAccountStore } from '../account/dynamo-account-store.js';
import { workflowSuspensions } from '../account/suspension-requests.js';
import { SignupStore } from '../auth/signup-store.js';
import { awsSignedRows } from '../shared/adapters/aws-account-store.js';
import { awsIdentityProvider } from '../shared/adapters/aws-identity-provider.js';
import { awsKeyService } from '../shared/adapters/aws-key-service.js';
import { awsSecurityChanges, awsSecurityState } from '../shared/adapters/aws-security-changes.js';
import { awsVault } from '../shared/adapters/aws-vault.js';
import { awsWorkflows } from '../shared/adapters/aws-workflows.js';
import { lazyHandler } from '../shared/http.js';
import { systemClock } from '../shared/ports/clock.js';
import { awsAdminRequests } from './aws-ports.js';
import { type ExecutionPorts, executeActionTask } from './execute-action.js';
import { ACCOUNT_EXECUTORS, type AccountActionPorts } from './executors/account-actions.js';

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
