// The security-change port of the Lambda runtime (B1, B2): the audit log, the signed SECURITY row of the
// accounts table and the security-hold workflow. Its own module, so functions that only read preferences
// do not bundle the Step Functions client.

import { awsSignedRows } from '../kernel/aws/tables.js';
import { awsWorkflows } from '../kernel/aws/workflows.js';
import { envSettings, once } from '../kernel/runtime/aws-env.js';
import { SecurityStateStore } from './hold.js';
import { auditedSecurityChanges } from './security-changes.js';

export const awsSecurityState = once(() => new SecurityStateStore(awsSignedRows().tables.accounts));

export const awsSecurityChanges = once(() =>
  auditedSecurityChanges(awsSignedRows().audit, {
    holds: awsSecurityState(),
    workflows: awsWorkflows(),
    settings: envSettings(),
  }),
);
