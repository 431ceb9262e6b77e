// The security-change port of the Lambda runtime (B1, B2): the audit log, the signed SECURITY row of the
// accounts table and the security-hold workflow. Its own module, so functions that only read preferences
// do not bundle the Step Functions client.
import { SecurityStateStore } from '../../security/hold.js';
import { auditedSecurityChanges } from '../../security/security-changes.js';
import { envSettings, once } from '../runtime/aws-env.js';
import { awsSignedRows } from './aws-account-store.js';
import { awsWorkflows } from './aws-workflows.js';

export const awsSecurityState = once(() => new SecurityStateStore(awsSignedRows().tables.accounts));

export const awsSecurityChanges = once(() =>
  auditedSecurityChanges(awsSignedRows().audit, {
    holds: awsSecurityState(),
    workflows: awsWorkflows(),
    settings: envSettings(),
  }),
);
