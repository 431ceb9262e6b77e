// Workflow task ExecuteStaffAction (D2): executes an approved admin-plane or money action (withdrawal limits,
// a withdrawal review decision, a reveal of personal data, disabling an admin) through the shared claim, hash
// check and audit of execute-action.ts. Its role holds only what those actions touch (catalogue WORKFLOWS
// `admin-approval`): no user pool, no vault, no workflow to start.
import { awsSignedRows } from '../shared/adapters/aws-account-store.js';
import { awsAdminDirectory } from '../shared/adapters/aws-admin-directory.js';
import { awsAdminIdentityProvider } from '../shared/adapters/aws-identity-provider.js';
import { lazyHandler } from '../shared/http.js';
import { systemClock } from '../shared/ports/clock.js';
import { WithdrawalDecisions } from '../withdrawals/decisions.js';
import { WithdrawalLifecycle } from '../withdrawals/lifecycle.js';
import { WithdrawalLimits } from '../withdrawals/limits.js';
import { ReviewTokens } from '../withdrawals/review-tokens.js';
import { awsAdminRequests, awsRevealGrants, awsTaskAnswers } from './aws-ports.js';
import { type ExecutionPorts, executeActionTask } from './execute-action.js';
import { STAFF_EXECUTORS, type StaffActionPorts } from './executors/staff-actions.js';

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
