// POST /v1/admin/requests (D2): an admin asks for an action. The requester's tiers must allow it
// (permissions.ts), the parameters must fit the action (actions.ts); the payload hash is computed here, over
// exactly what would execute. Personal data in the parameters is sealed in the row. The approval workflow
// starts and waits for the approvals; the request and its start are audited (D3).

import type { AccountStore } from '../../account/contracts.js';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { NotFound } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Workflows } from '../../kernel/ports/workflows.js';
import type { FieldCipher } from '../../kernel/privacy/field-cipher.js';
import type { Settings } from '../../kernel/settings.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { createRequest, newRequestId, refusalError } from '../approval.js';
import { createRequestBody, requestView } from '../contracts.js';
import { adminActor, approvalExecutionName, auditStep, sealed, secondsToExpiry, viewOf } from '../plane.js';
import type { AdminRequestStore } from '../request-store.js';
import { type RequestTargetPorts, requireActionableTarget } from '../request-targets.js';
import { approvalWorkflowInput } from '../task-contracts.js';
import {
  awsAccountStore,
  awsAdminDirectory,
  awsAdminRequests,
  awsRefusalEvidence,
  awsWithdrawalLifecycle,
} from '../wiring.js';

export interface CreateRequestPorts extends RequestTargetPorts {
  adminRequests: Pick<AdminRequestStore, 'create'>;
  accounts: Pick<AccountStore, 'getAccount'>;
  workflows: Pick<Workflows, 'start'>;
  audit: Pick<AuditLog, 'append'>;
  /** Seals personal data in the parameters (a new email or phone). */
  vault: Pick<FieldCipher, 'encrypt'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
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
            kind: target.kind === 'user' || target.kind === 'withdrawal' ? target.kind : 'admin',
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
      const stored = await ports.adminRequests.create(made);
      await auditStep(ports.audit, {
        action: 'admin.request',
        actor: adminActor(caller),
        request: stored,
        outcome: 'success',
        at: now,
        details: { reason: stored.reason.slice(0, 200), approvalsNeeded: stored.policy.approvals },
        origin,
      });
      await ports.workflows.start(
        'admin-approval',
        approvalWorkflowInput.parse({
          requestId: stored.requestId,
          action: stored.action,
          secondsToExpiry: secondsToExpiry(stored, now),
        }),
        approvalExecutionName(stored.requestId),
      );
      return { status: 201, body: requestView.parse(viewOf(stored)) };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({
    adminRequests: awsAdminRequests(),
    accounts: awsAccountStore(),
    workflows: aws.workflows(),
    audit: aws.rows().audit,
    vault: aws.vault(),
    withdrawalLifecycle: awsWithdrawalLifecycle(),
    admins: awsAdminDirectory(),
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
