// D2/D3: what the admin approval routes and the workflow's tasks share: the view of a request an admin may
// see, the answer the waiting workflow gets, the audit record of every step, and the sealing of personal data
// in a request's parameters (a new email or phone is sealed by the vault, bound to the request row).
import type { AuditLog } from '../kernel/audit/audit-log.js';
import type { AuditEvent } from '../kernel/audit/audit-record.js';
import type { TaskAnswers } from '../kernel/ports/task-answers.js';
import type { FieldBinding, FieldCipher } from '../kernel/privacy/field-cipher.js';
import { maskEmail, maskPhone } from '../kernel/privacy/mask.js';
import type { AdminAction } from '../kernel/settings.js';
import { TABLES } from '../kernel/tables.js';
import { type AdminRequest, payloadHash } from './approval.js';
import type { RequestView } from './contracts.js';
import type { WorkflowDecision } from './task-contracts.js';

/** Actions whose parameters hold personal data: sealed in the row, masked in every view. */
const SEALED: Partial<Record<AdminAction, (value: string) => string>> = {
  'change-user-email': maskEmail,
  'change-user-phone': maskPhone,
};

export const sealsParameters = (action: AdminAction): boolean => SEALED[action] !== undefined;

export const requestBinding = (requestId: string): FieldBinding => ({
  table: TABLES.accounts.logicalName,
  key: { pk: `ADMINREQ#${requestId}`, sk: 'REQUEST' },
  group: 'contact',
});

/**
 * A new request ready to store: personal data in its parameters sealed (bound to its row) and replaced by
 * masked copies. The payload hash stays the one computed over the plaintext parameters.
 */
export async function sealed(
  request: AdminRequest,
  vault: Pick<FieldCipher, 'encrypt'>,
): Promise<AdminRequest> {
  const mask = SEALED[request.action];
  if (!mask) return request;
  const plain = Object.fromEntries(Object.entries(request.parameters).map(([k, v]) => [k, String(v)]));
  const ciphertext = await vault.encrypt(requestBinding(request.requestId), plain);
  const masked = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, mask(v)]));
  return { ...request, parameters: masked, sealedParameters: ciphertext };
}

/**
 * The parameters the executor acts on: the sealed ones opened, else the stored ones. A caller without the
 * vault (a task whose actions seal nothing) fails on sealed parameters rather than acting on masked copies.
 */
export async function parametersOf(
  request: AdminRequest,
  vault: Pick<FieldCipher, 'decrypt'> | undefined,
): Promise<Record<string, unknown>> {
  if (!request.sealedParameters) return request.parameters;
  if (!vault)
    throw new Error(`The ${request.action} request has sealed parameters and no vault opens them here`);
  return vault.decrypt(requestBinding(request.requestId), request.sealedParameters);
}

/** The hash of what would execute now: over the opened parameters, never over the masked copies. */
export const executableHash = (request: AdminRequest, parameters: Record<string, unknown>): string =>
  payloadHash(request.action, request.target, parameters);

export function viewOf(request: AdminRequest): RequestView {
  return {
    requestId: request.requestId,
    action: request.action,
    target: request.target,
    parameters: request.parameters,
    reason: request.reason,
    requesterId: request.requesterId,
    status: request.status,
    createdAt: request.createdAt,
    expiresAt: request.expiresAt,
    payloadHash: request.payloadHash,
    policy: request.policy,
    approvals: request.approvals.map((a) => ({ adminId: a.adminId, at: a.at })),
    ...(request.approvedAt ? { approvedAt: request.approvedAt } : {}),
    ...(request.executedAt ? { executedAt: request.executedAt } : {}),
    ...(request.failedAt ? { failedAt: request.failedAt } : {}),
    ...(request.failureCode ? { failureCode: request.failureCode } : {}),
    ...(request.expiredAt ? { expiredAt: request.expiredAt } : {}),
    ...(request.rejection
      ? {
          rejection: {
            adminId: request.rejection.adminId,
            at: request.rejection.at,
            reason: request.rejection.reason,
          },
        }
      : {}),
    ...(request.voided ? { voided: request.voided } : {}),
  };
}

export const secondsToExpiry = (request: Pick<AdminRequest, 'expiresAt'>, now: Date): number =>
  Math.max(0, Math.ceil((Date.parse(request.expiresAt) - now.getTime()) / 1000));

/** What the workflow is told of a request: its status, the time left and, for a rejection, the reason. */
export function decisionOf(request: AdminRequest, now: Date): WorkflowDecision {
  return {
    outcome: request.status,
    secondsToExpiry: secondsToExpiry(request, now),
    ...(request.rejection ? { reason: request.rejection.reason } : {}),
  };
}

/**
 * Has AnswerTask answer the request's waiting workflow (its current task token, if any) with the request as
 * the signed row says now (ApprovalAnswers.answer). A token already answered is not an error: the request row
 * decides, the workflow only follows it.
 */
export async function answerWorkflow(
  ports: { taskAnswers: Pick<TaskAnswers, 'ask'> },
  request: Pick<AdminRequest, 'requestId'>,
): Promise<void> {
  await ports.taskAnswers.ask({ kind: 'admin-request', op: 'answer', requestId: request.requestId });
}

export const approvalExecutionName = (requestId: string): string => `admin-request-${requestId}`;

export interface StepOrigin {
  sourceIp?: string;
  userAgent?: string;
  requestId?: string;
}

/** D3: the audit record of one step of a request. Details hold ids, codes and reasons, never personal data. */
export interface AuditStep {
  action: string;
  actor: { kind: 'admin' | 'system'; id: string; tier?: string };
  request: Pick<AdminRequest, 'requestId' | 'action' | 'target' | 'payloadHash'>;
  outcome: 'success' | 'refused' | 'failed';
  at: Date;
  details?: Record<string, string | number | boolean>;
  origin?: StepOrigin;
}

/** The audit record of a step of the approval plane. */
export function auditStepEvent(step: AuditStep): AuditEvent {
  const { origin } = step;
  return {
    actor: step.actor,
    action: step.action,
    target: { kind: 'request', id: step.request.requestId },
    outcome: step.outcome,
    at: step.at.toISOString(),
    ...(origin?.sourceIp ? { sourceIp: origin.sourceIp.slice(0, 64) } : {}),
    ...(origin?.userAgent ? { userAgent: origin.userAgent.slice(0, 512) } : {}),
    ...(origin?.requestId ? { requestId: origin.requestId.slice(0, 128) } : {}),
    details: {
      requestAction: step.request.action,
      targetKind: step.request.target.kind,
      targetId: step.request.target.id,
      payloadHash: step.request.payloadHash,
      ...step.details,
    },
  };
}

export function auditStep(audit: Pick<AuditLog, 'append'>, step: AuditStep) {
  return audit.append(auditStepEvent(step));
}

/** The actor of an admin's step: their id and tiers at the time. */
export const adminActor = (caller: { adminId: string; tiers: readonly string[] }) => ({
  kind: 'admin' as const,
  id: caller.adminId,
  tier: caller.tiers.join(',').slice(0, 32),
});
