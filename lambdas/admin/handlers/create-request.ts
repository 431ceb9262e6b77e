// POST /v1/admin/requests (D2): an admin asks for an action. The requester's tiers must allow it
// (permissions.ts), the parameters must fit the action (actions.ts); the payload hash is computed here, over
// exactly what would execute. Personal data in the parameters is sealed in the row. The approval workflow
// starts and waits for the approvals; the request and its start are audited (D3). A `load-screening-list`
// request is answered with the upload slots of its files (F2: lambdas/screening/staging.ts).

import type { AccountStore } from '../../account/contracts.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { NotFound } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Outbox } from '../../kernel/outbox.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { FieldCipher } from '../../kernel/privacy/field-cipher.js';
import type { Settings } from '../../kernel/settings.js';
import type { ListStaging } from '../../screening/contracts.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { type AdminRequest, createRequest, newRequestId, refusalError } from '../approval.js';
import { createRequestBody, createRequestResponse } from '../contracts.js';
import {
  adminActor,
  approvalExecutionName,
  auditStepEvent,
  sealed,
  secondsToExpiry,
  viewOf,
} from '../plane.js';
import type { AdminRequestStore } from '../request-store.js';
import { type RequestTargetPorts, requireActionableTarget } from '../request-targets.js';
import { approvalWorkflowInput } from '../task-contracts.js';
import {
  awsAccountStore,
  awsAdminDirectory,
  awsAdminOutbox,
  awsAdminRequests,
  awsCaseStore,
  awsListStaging,
  awsRefusalEvidence,
  awsWithdrawalLifecycle,
} from '../wiring.js';

export interface CreateRequestPorts extends RequestTargetPorts {
  adminRequests: Pick<AdminRequestStore, 'create'>;
  accounts: Pick<AccountStore, 'getAccount'>;
  /** The refusals' audit records. */
  audit: Pick<AuditLog, 'append'>;
  /** The request's audit record and workflow start, written with it (kernel/outbox.ts). */
  outbox: Pick<Outbox, 'pending'>;
  /** Seals personal data in the parameters (a new email or phone). */
  vault: Pick<FieldCipher, 'encrypt'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
  /** F2: the upload slots of a load-screening-list request's files. */
  staging: Pick<ListStaging, 'createSlots'>;
  clock: Clock;
}

export const makeHandler = (ports: CreateRequestPorts) =>
  // D1: the `request` capability is checked by the admin middleware; which action, by createRequest.
  adminHttpHandler(
    { permission: 'request' },
    ports,
    { body: createRequestBody },
    async (request, _event, caller) => {
      const { action, target, parameters, reason } = request.body;
      const now = ports.clock.now();
      const origin = {
        sourceIp: request.sourceIp,
        userAgent: request.userAgent,
        requestId: request.requestId,
      };
      const decision = createRequest(
        {
          requestId: newRequestId(),
          action,
          target,
          parameters: parameters ?? {},
          reason,
          requester: { adminId: caller.adminId, tiers: caller.tiers },
        },
        ports.settings.approvalPolicies[action],
        now,
      );
      if (!decision.ok) {
        await ports.audit.append({
          actor: adminActor(caller),
          action: 'admin.request',
          target: {
            kind:
              target.kind === 'user' || target.kind === 'withdrawal' || target.kind === 'case'
                ? target.kind
                : 'admin',
            id: target.id || 'none',
          },
          outcome: 'refused',
          at: now.toISOString(),
          sourceIp: origin.sourceIp.slice(0, 64),
          requestId: origin.requestId,
          details: { requestAction: action, code: decision.code },
        });
        throw refusalError(decision);
      }
      if (decision.request.target.kind === 'user' && !(await ports.accounts.getAccount(target.id))) {
        throw new NotFound('No such user');
      }
      await requireActionableTarget(decision.request, ports, { actor: adminActor(caller), at: now, origin });
      const made = await sealed({ ...decision.request, baseUrl: request.baseUrl }, ports.vault);
      // The request, its audit record and its workflow: written together, the last two done at once or by
      // the outbox's sweeper, so no request waits for approvals its workflow will never collect.
      const after = ports.outbox.pending<AdminRequest>((stored) => [
        {
          kind: 'audit',
          event: auditStepEvent({
            action: 'admin.request',
            actor: adminActor(caller),
            request: stored,
            outcome: 'success',
            at: now,
            details: { reason: stored.reason.slice(0, 200), approvalsNeeded: stored.policy.approvals },
            origin,
          }),
        },
        {
          kind: 'workflow',
          workflow: 'admin-approval',
          input: approvalWorkflowInput.parse({
            requestId: stored.requestId,
            action: stored.action,
            secondsToExpiry: secondsToExpiry(stored, now),
          }),
          name: approvalExecutionName(stored.requestId),
        },
      ]);
      const stored = await ports.adminRequests.create(made, after);
      await after.settle();
      const uploads =
        stored.action === 'load-screening-list'
          ? await ports.staging.createSlots({
              requestId: stored.requestId,
              names: (stored.parameters.files as { name: string }[]).map((f) => f.name),
              baseUrl: request.baseUrl,
            })
          : undefined;
      return {
        status: 201,
        body: createRequestResponse.parse({ ...viewOf(stored), ...(uploads ? { uploads } : {}) }),
      };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({
    adminRequests: awsAdminRequests(),
    accounts: awsAccountStore(),
    outbox: awsAdminOutbox(),
    audit: aws.rows().audit,
    vault: aws.vault(),
    withdrawalLifecycle: awsWithdrawalLifecycle(),
    admins: awsAdminDirectory(),
    cases: awsCaseStore(),
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    staging: awsListStaging(),
    clock: aws.clock,
  }),
);
