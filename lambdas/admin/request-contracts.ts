// D2: the approval routes' bodies and answers (create, approve, reject, list; the request view). Published through
// contracts.ts; a file of its own so a function that needs none of these shapes does not build them at import.
import * as z from 'zod/mini';
import { ADMIN_ACTIONS, ADMIN_TIERS } from '../kernel/settings.js';
import { uploadSlot } from '../screening/contracts.js';
import { REQUEST_STATUSES } from './approval.js';

const requestId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a request id'));
const hash = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'a SHA-256 hex digest'));
const reason = z.string().check(z.minLength(3), z.maxLength(500));
const password = z.string().check(z.minLength(1), z.maxLength(256));
const code = z.string().check(z.regex(/^[0-9]{6}$/, 'a 6-digit code'));

/** `POST /v1/admin/requests`: target and parameters are checked against the action's spec (actions.ts). */
export const createRequestBody = z.strictObject({
  action: z.enum(ADMIN_ACTIONS),
  target: z.strictObject({ kind: z.string().check(z.maxLength(32)), id: z.string().check(z.maxLength(128)) }),
  parameters: z.optional(z.record(z.string().check(z.maxLength(64)), z.unknown())),
  reason,
});
export type CreateRequestBody = z.infer<typeof createRequestBody>;

/**
 * Approving and rejecting are step-up operations: Cognito checks a TOTP code only inside a password
 * authentication, so the body carries the admin's password and a current code (reauthenticate).
 * An approval names the payload hash the approver saw: it is bound to exactly that payload.
 */
export const approveBody = z.strictObject({ payloadHash: hash, password, code });
export const rejectBody = z.strictObject({ reason, password, code });

export const listRequestsQuery = z.object({ status: z.literal('pending') });

const tiers = z.array(z.enum(ADMIN_TIERS));

/** What an admin sees of a request: no task token, personal data in parameters masked. */
export const requestView = z.object({
  requestId,
  action: z.enum(ADMIN_ACTIONS),
  target: z.object({ kind: z.string(), id: z.string() }),
  parameters: z.record(z.string(), z.unknown()),
  reason: z.string(),
  requesterId: z.string(),
  status: z.enum(REQUEST_STATUSES),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  payloadHash: hash,
  policy: z.object({ approvals: z.number(), approverTiers: tiers, expiryHours: z.number() }),
  approvals: z.array(z.object({ adminId: z.string(), at: z.iso.datetime() })),
  approvedAt: z.optional(z.iso.datetime()),
  executedAt: z.optional(z.iso.datetime()),
  failedAt: z.optional(z.iso.datetime()),
  failureCode: z.optional(z.string()),
  expiredAt: z.optional(z.iso.datetime()),
  rejection: z.optional(z.object({ adminId: z.string(), at: z.iso.datetime(), reason: z.string() })),
  voided: z.optional(z.object({ adminId: z.string(), at: z.iso.datetime() })),
});
export type RequestView = z.infer<typeof requestView>;

export const requestsResponse = z.object({ requests: z.array(requestView) });

/**
 * The answer to a new request: the request, and for `load-screening-list` one upload slot per named file (a
 * multipart POST of the slot's fields then the file, to the slot's URL: S3 in AWS, the local upload endpoint
 * locally). The files go there, never through the API (its firewall takes 8 KiB bodies).
 */
export const createRequestResponse = z.extend(requestView, { uploads: z.optional(z.array(uploadSlot)) });
