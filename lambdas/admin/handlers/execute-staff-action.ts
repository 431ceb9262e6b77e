// Workflow task ExecuteStaffAction (D2): executes an approved admin-plane or money action (withdrawal limits,
// a withdrawal review decision, a reveal of personal data, disabling an admin) through the shared claim, hash
// check and audit of execute-action.ts. Its role holds only what those actions touch (catalogue WORKFLOWS
// `admin-approval`): no user pool, no vault, no workflow to start.

import { awsAdminIdentityProvider } from '../../kernel/aws/identity-provider.js';
import { awsSignedRows } from '../../kernel/aws/tables.js';
import { lazyHandler } from '../../kernel/http.js';
import { systemClock } from '../../kernel/ports/clock.js';
import {
  ReviewTokens,
  WithdrawalDecisions,
  WithdrawalLifecycle,
  WithdrawalLimits,
} from '../../withdrawals/contracts.js';
import { type ExecutionPorts, executeActionTask } from '../execute-action.js';
import { STAFF_EXECUTORS, type StaffActionPorts } from '../executors/staff-actions.js';
import { awsAdminDirectory, awsAdminRequests, awsRevealGrants, awsTaskAnswers } from '../wiring.js';

export type ExecuteStaffActionPorts = StaffActionPorts & ExecutionPorts;

export const makeHandler = (ports: ExecuteStaffActionPorts) => executeActionTask(STAFF_EXECUTORS, ports);

export const handler = lazyHandler(() => {
  const rows = awsSignedRows();
  const table = rows.tables.accounts;
  // Task tokens only (the withdrawal review's and the voided requests'): no state machine to start.
  const workflows = awsTaskAnswers();
  return makeHandler({
    adminRequests: awsAdminRequests(),
    audit: rows.audit,
    clock: systemClock,
    withdrawalLimits: new WithdrawalLimits(table),
    withdrawalDecisions: new WithdrawalDecisions({
      // Built here rather than from withdrawals/aws-ports.ts, which would bundle the limits ledger too.
      lifecycle: new WithdrawalLifecycle(table),
      tokens: new ReviewTokens(table),
      workflows,
      audit: rows.audit,
      clock: systemClock,
    }),
    revealGrants: awsRevealGrants(),
    admins: awsAdminDirectory(),
    adminIdentity: awsAdminIdentityProvider(),
    workflows,
  });
});
