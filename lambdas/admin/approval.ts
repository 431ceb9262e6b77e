// D2/D4: the pure rules of a multi-level approval request. Every function takes the request as it is and an
// injected `now`, and returns the next request or a refusal with a stable code; nothing here does I/O. The
// store (request-store.ts) applies them under version-conditional writes, so a rule decided on stale data is
// decided again on fresh data.
import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import type * as z from 'zod/mini';
import { Conflict, Forbidden, Gone, ValidationError } from '../kernel/errors.js';
import { parseWith } from '../kernel/http.js';
import type { AdminAction, AdminTier, ApprovalPolicy } from '../kernel/settings.js';
import { ACTION_SPECS, type AdminTarget, targetSchema } from './actions.js';
import { mayApprove, mayRequest, readScope } from './permissions.js';

export const REQUEST_STATUSES = [
  'pending',
  'approved',
  'executed',
  'failed',
  'rejected',
  'expired',
  'voided',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/**
 * Statuses a request never leaves, but one: `executed` (the execution claimed) becomes `failed` when the
 * executor could not apply the action. A failed request is never retried: a new request is needed.
 */
export const FINAL_STATUSES: readonly RequestStatus[] = [
  'executed',
  'failed',
  'rejected',
  'expired',
  'voided',
];

export interface AdminIdentity {
  adminId: string;
  /** The admin's tiers (groups) at the time of the step, from their verified token. */
  tiers: AdminTier[];
}

export interface Approval extends AdminIdentity {
  at: string;
  /** The payload hash the approver saw and approved. */
  payloadHash: string;
}

export interface AdminRequest {
  requestId: string;
  action: AdminAction;
  target: AdminTarget;
  parameters: Record<string, unknown>;
  /**
   * Personal data in the parameters (a new email or phone) sealed by the vault, bound to this request row;
   * `parameters` then holds the masked values, and the payload hash is over the opened (plaintext) ones.
   */
  sealedParameters?: string;
  /** The API's public base URL as the requester reached it: where notices of the executed change point. */
  baseUrl?: string;
  reason: string;
  requesterId: string;
  requesterTiers: AdminTier[];
  /** The action's policy when the request was made: a later configuration change does not move its goal. */
  policy: ApprovalPolicy;
  createdAt: string;
  expiresAt: string;
  payloadHash: string;
  status: RequestStatus;
  approvals: Approval[];
  approvedAt?: string;
  rejection?: AdminIdentity & { at: string; reason: string };
  executedAt?: string;
  /** The executor could not apply the action (after the claim): when, and its stable code. */
  failedAt?: string;
  failureCode?: string;
  expiredAt?: string;
  voided?: { adminId: string; at: string };
  /** Approvals withdrawn because their admin was offboarded before execution (kept as evidence). */
  withdrawnApprovals?: (Approval & { withdrawnAt: string })[];
}

export const REFUSAL_CODES = [
  'SELF_APPROVAL',
  'ALREADY_APPROVED',
  'TIER_NOT_ALLOWED',
  'FIELD_NOT_REVEALABLE',
  'REQUEST_EXPIRED',
  'REQUEST_NOT_EXPIRED',
  'REQUEST_NOT_PENDING',
  'REQUEST_NOT_APPROVED',
  'ALREADY_EXECUTED',
  'REQUEST_FAILED',
  'REQUEST_NOT_EXECUTED',
  'PAYLOAD_MISMATCH',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  ok: false;
  code: RefusalCode;
  message: string;
}
export type Decision = { ok: true; request: AdminRequest } | Refusal;

const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });
const accept = (request: AdminRequest): Decision => ({ ok: true, request });

/** The typed error a route throws for a refusal: its code is the client's stable error code. */
export function refusalError(refusal: Refusal): Error {
  switch (refusal.code) {
    case 'SELF_APPROVAL':
    case 'ALREADY_APPROVED':
    case 'TIER_NOT_ALLOWED':
    case 'FIELD_NOT_REVEALABLE':
      return new Forbidden(refusal.message, refusal.code);
    case 'REQUEST_EXPIRED':
      return new Gone(refusal.message, refusal.code);
    default:
      return new Conflict(refusal.message, refusal.code);
  }
}

/** SHA-256 (hex) of the RFC 8785 canonical JSON of what would be executed: action, target, parameters. */
export function payloadHash(
  action: AdminAction,
  target: AdminTarget,
  parameters: Record<string, unknown>,
): string {
  const text = canonicalize({ action, target: { kind: target.kind, id: target.id }, parameters });
  if (text === undefined) throw new ValidationError('The request payload has no canonical form');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A request's or a rejection's reason: trimmed, 3 to 500 characters. */
function reasonOf(reason: string): string {
  const text = reason.trim();
  if (text.length < 3 || text.length > 500) {
    throw new ValidationError('A reason of 3 to 500 characters is required', [
      { path: 'reason', message: 'between 3 and 500 characters' },
    ]);
  }
  return text;
}

export const newRequestId = (): string => randomBytes(16).toString('base64url');

export interface NewRequest {
  requestId: string;
  action: AdminAction;
  target: unknown;
  parameters: unknown;
  reason: string;
  requester: AdminIdentity;
}

/**
 * A new pending request, or the refusal of a requester whose tiers may not request the action (or reveal
 * those fields). Target and parameters are validated against the action's spec (a ValidationError if not).
 */
export function createRequest(input: NewRequest, policy: ApprovalPolicy, now: Date): Decision {
  const spec = ACTION_SPECS[input.action];
  const target = parseWith(targetSchema, input.target, 'request target');
  if (target.kind !== spec.target) {
    throw new ValidationError(`${input.action} acts on a ${spec.target}`, [
      { path: 'target.kind', message: `expected ${spec.target}` },
    ]);
  }
  const schema = spec.parameters as unknown as z.ZodMiniType<Record<string, unknown>>;
  const parameters = parseWith(schema, input.parameters ?? {}, 'request parameters');
  const reason = reasonOf(input.reason);
  if (!mayRequest(input.requester.tiers, input.action)) {
    return refuse('TIER_NOT_ALLOWED', `None of your tiers may request ${input.action}`);
  }
  if (input.action === 'reveal-personal-data') {
    const allowed = readScope(input.requester.tiers).revealable;
    const fields = (parameters as { fields: string[] }).fields;
    const denied = fields.filter((f) => !(allowed as string[]).includes(f));
    if (denied.length > 0)
      return refuse('FIELD_NOT_REVEALABLE', `Your tiers may not reveal ${denied.join(', ')}`);
  }
  return accept({
    requestId: input.requestId,
    action: input.action,
    target,
    parameters,
    reason,
    requesterId: input.requester.adminId,
    requesterTiers: [...input.requester.tiers],
    policy: { ...policy, approverTiers: [...policy.approverTiers] },
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + policy.expiryHours * 3_600_000).toISOString(),
    payloadHash: payloadHash(input.action, target, parameters),
    status: 'pending',
    approvals: [],
  });
}

export const isExpired = (request: AdminRequest, now: Date): boolean =>
  now.getTime() >= Date.parse(request.expiresAt);

/** Why `request` is not open to a decision at `now`, if it is not. */
function notOpen(request: AdminRequest, now: Date): Refusal | undefined {
  if (request.status === 'expired') return refuse('REQUEST_EXPIRED', 'The request has expired');
  if (request.status !== 'pending') return refuse('REQUEST_NOT_PENDING', `The request is ${request.status}`);
  if (isExpired(request, now)) return refuse('REQUEST_EXPIRED', 'The request has expired');
  return undefined;
}

/** Why `approver` may not approve `request` at `now` (payload aside), if they may not. */
export function approvalRefusal(
  request: AdminRequest,
  approver: AdminIdentity,
  now: Date,
): Refusal | undefined {
  const closed = notOpen(request, now);
  if (closed) return closed;
  if (approver.adminId === request.requesterId) {
    return refuse('SELF_APPROVAL', 'The requester may not approve their own request');
  }
  if (request.approvals.some((a) => a.adminId === approver.adminId)) {
    return refuse('ALREADY_APPROVED', 'You have already approved this request');
  }
  if (!mayApprove(approver.tiers, request.policy)) {
    return refuse(
      'TIER_NOT_ALLOWED',
      `${request.action} is approved by ${request.policy.approverTiers.join(', ')}`,
    );
  }
  return undefined;
}

const policyMet = (request: AdminRequest, approvals: Approval[]): boolean =>
  new Set(approvals.filter((a) => a.adminId !== request.requesterId).map((a) => a.adminId)).size >=
  request.policy.approvals;

/**
 * One approval, bound to the payload hash the approver saw. The policy met (distinct allowed approvers,
 * never the requester) makes the request approved.
 */
export function decideApproval(
  request: AdminRequest,
  approver: AdminIdentity,
  hashTheyApproved: string,
  now: Date,
): Decision {
  const refusal = approvalRefusal(request, approver, now);
  if (refusal) return refusal;
  if (hashTheyApproved !== request.payloadHash) {
    return refuse('PAYLOAD_MISMATCH', 'The request is not the one you reviewed; review it again');
  }
  const approvals = [
    ...request.approvals,
    {
      adminId: approver.adminId,
      tiers: [...approver.tiers],
      at: now.toISOString(),
      payloadHash: hashTheyApproved,
    },
  ];
  const met = policyMet(request, approvals);
  return accept({
    ...request,
    approvals,
    ...(met ? { status: 'approved' as const, approvedAt: now.toISOString() } : {}),
  });
}

/**
 * A rejection ends the request with its reason. Any admin allowed to approve it may reject it (also after
 * approving it, while it is pending), and so may the requester (withdrawing it).
 */
export function reject(request: AdminRequest, rejecter: AdminIdentity, reason: string, now: Date): Decision {
  const closed = notOpen(request, now);
  if (closed) return closed;
  if (rejecter.adminId !== request.requesterId && !mayApprove(rejecter.tiers, request.policy)) {
    return refuse(
      'TIER_NOT_ALLOWED',
      `${request.action} is decided by ${request.policy.approverTiers.join(', ')}`,
    );
  }
  const text = reasonOf(reason);
  return accept({
    ...request,
    status: 'rejected',
    rejection: { adminId: rejecter.adminId, tiers: [...rejecter.tiers], at: now.toISOString(), reason: text },
  });
}

/** The end of a pending request whose time ran out; refused before its expiry or once it left pending. */
export function expire(request: AdminRequest, now: Date): Decision {
  if (request.status !== 'pending') return refuse('REQUEST_NOT_PENDING', `The request is ${request.status}`);
  if (!isExpired(request, now))
    return refuse('REQUEST_NOT_EXPIRED', `The request runs until ${request.expiresAt}`);
  return accept({ ...request, status: 'expired', expiredAt: now.toISOString() });
}

export type VoidEffect = 'voided' | 'approval-withdrawn' | 'none';

/**
 * D4 offboarding of `adminId`, for one request not yet executed: a request they made is voided; an approval
 * they gave is withdrawn and the request is pending again if the policy is no longer met (an approved
 * request whose execution has not run yet falls back too, and its execution is refused). Final requests are
 * left as they are: what was executed stays executed.
 */
export function voidBy(
  request: AdminRequest,
  adminId: string,
  now: Date,
): { request: AdminRequest; effect: VoidEffect } {
  if (request.status !== 'pending' && request.status !== 'approved') return { request, effect: 'none' };
  const at = now.toISOString();
  if (request.requesterId === adminId) {
    return { request: { ...request, status: 'voided', voided: { adminId, at } }, effect: 'voided' };
  }
  const theirs = request.approvals.filter((a) => a.adminId === adminId);
  if (theirs.length === 0) return { request, effect: 'none' };
  const approvals = request.approvals.filter((a) => a.adminId !== adminId);
  const { approvedAt: _approvedAt, ...rest } = request;
  const stillMet = request.status === 'approved' && policyMet(request, approvals);
  return {
    request: {
      ...(stillMet ? request : rest),
      status: stillMet ? 'approved' : 'pending',
      approvals,
      withdrawnApprovals: [
        ...(request.withdrawnApprovals ?? []),
        ...theirs.map((a) => ({ ...a, withdrawnAt: at })),
      ],
    },
    effect: 'approval-withdrawn',
  };
}

/**
 * Whether the request may execute now, with `currentPayloadHash` the hash of what the executor is about to
 * do (recomputed from the stored action, target and parameters): approved, not executed yet, the policy met
 * by approvals that are all bound to exactly this payload.
 */
export function readyToExecute(request: AdminRequest, currentPayloadHash: string): { ok: true } | Refusal {
  if (request.status === 'executed')
    return refuse('ALREADY_EXECUTED', 'The request has already been executed');
  if (request.status === 'failed')
    return refuse('REQUEST_FAILED', 'The execution of this request failed; a new request is needed');
  if (request.status !== 'approved')
    return refuse('REQUEST_NOT_APPROVED', `The request is ${request.status}`);
  if (currentPayloadHash !== request.payloadHash) {
    return refuse('PAYLOAD_MISMATCH', 'The payload changed after it was approved');
  }
  if (request.approvals.some((a) => a.payloadHash !== currentPayloadHash)) {
    return refuse('PAYLOAD_MISMATCH', 'An approval is bound to another payload');
  }
  if (
    !policyMet(request, request.approvals) ||
    request.approvals.some((a) => !mayApprove(a.tiers, request.policy))
  ) {
    return refuse('REQUEST_NOT_APPROVED', 'The approvals do not meet the policy');
  }
  return { ok: true };
}

/** Marks the request executed: only from approved and ready, so a second execution is refused. */
export function markExecuted(request: AdminRequest, currentPayloadHash: string, now: Date): Decision {
  const ready = readyToExecute(request, currentPayloadHash);
  if (!ready.ok) return ready;
  return accept({ ...request, status: 'executed', executedAt: now.toISOString() });
}

/**
 * Records that the executor could not apply the claimed action (an email another account holds, a review
 * already over): executed → failed, with its code. Only a claimed execution can fail, and only once; a
 * failed request is final (it is never executed again: a new request is needed).
 */
export function markFailed(request: AdminRequest, code: string, now: Date): Decision {
  if (request.status === 'failed')
    return refuse('REQUEST_FAILED', `The execution already failed (${request.failureCode})`);
  if (request.status !== 'executed')
    return refuse('REQUEST_NOT_EXECUTED', `The request is ${request.status}, its execution was not claimed`);
  return accept({ ...request, status: 'failed', failedAt: now.toISOString(), failureCode: code });
}

/** The hash of what a stored request would execute, recomputed from its fields (not its stored hash). */
export const currentPayloadHash = (request: AdminRequest): string =>
  payloadHash(request.action, request.target, request.parameters);
