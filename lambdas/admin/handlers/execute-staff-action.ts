// Workflow task ExecuteStaffAction (D2): executes an approved admin-plane or money action (withdrawal limits,
// a withdrawal review decision, a reveal of personal data, disabling an admin, closing a case) through the shared claim, hash
// check and audit of execute-action.ts. Its role holds only what those actions touch (catalogue WORKFLOWS
// `admin-approval`): no user pool, no vault, no workflow to start.

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { type ExecutionPorts, executeActionTask } from '../execute-action.js';
import { STAFF_EXECUTORS, type StaffActionPorts } from '../executors/staff-actions.js';
import {
  awsAdminAuditOutbox,
  awsAdminDirectory,
  awsAdminRequests,
  awsCaseWork,
  awsRevealGrants,
  awsWithdrawalDecisions,
  awsWithdrawalLimits,
} from '../wiring.js';

export type ExecuteStaffActionPorts = StaffActionPorts & ExecutionPorts;

export const makeHandler = (ports: ExecuteStaffActionPorts) => executeActionTask(STAFF_EXECUTORS, ports);

export const handler = lazyHandler(() =>
  makeHandler({
    adminRequests: awsAdminRequests(),
    audit: aws.rows().audit,
    outbox: awsAdminAuditOutbox(),
    clock: aws.clock,
    withdrawalLimits: awsWithdrawalLimits(),
    withdrawalDecisions: awsWithdrawalDecisions(),
    revealGrants: awsRevealGrants(),
    admins: awsAdminDirectory(),
    adminIdentity: aws.adminIdentity(),
    // AnswerTask answers the voided requests' workflows (the review decision goes there too, above).
    taskAnswers: aws.taskAnswers(),
    // F3: the closing of a case (dismiss, report), with its audit record.
    caseWork: awsCaseWork(),
  }),
);
