// Workflow task LoadScreeningList (F2): executes an approved `load-screening-list` request through the shared
// claim, hash check and audit of execute-action.ts (executors/lists.ts: the staged files checked against the
// approved sha-256s, then loadListAndRescreen). The only function that holds `screening-lists:write`
// (catalogue WORKFLOWS `admin-approval`, the `lists` executor group).

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { type ExecutionPorts, executeActionTask } from '../execute-action.js';
import { LIST_EXECUTORS, type ListExecutorPorts } from '../executors/lists.js';
import { awsAddressIndex, awsAdminAuditOutbox, awsAdminRequests, awsListStaging } from '../wiring.js';

export type LoadScreeningListPorts = ListExecutorPorts & ExecutionPorts;

export const makeHandler = (ports: LoadScreeningListPorts) => executeActionTask(LIST_EXECUTORS, ports);

export const handler = lazyHandler(() =>
  makeHandler({
    adminRequests: awsAdminRequests(),
    audit: aws.rows().audit,
    clock: aws.clock,
    outbox: awsAdminAuditOutbox(),
    staging: awsListStaging(),
    lists: aws.lists(),
    workflows: aws.workflows(),
    addressIndex: awsAddressIndex(),
  }),
);
