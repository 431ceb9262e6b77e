// D2/D5: the admin approval routes' bodies and answers, and the approval workflow's task payloads.
import * as z from 'zod/mini';
import { ADMIN_ACTIONS, ADMIN_TIERS } from '../kernel/settings.js';
import { HIT_CATEGORIES, SCREENING_ACTIONS, SCREENING_TRIGGERS, uploadSlot } from '../screening/contracts.js';
import { REQUEST_STATUSES } from './approval.js';
import { PERSONAL_FIELDS } from './permissions.js';

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

/** D5: a user's account as an admin sees it; personal fields masked unless a reveal is in force. */
/**
 * F2: a screening decision in the admin user view: when, why, the band and what it led to, the list versions
 * used, the case and the freeze, the PEP flag; the listed parties' names (public lists), never the customer's
 * own data (the screened name is not in it).
 */
export const adminScreeningDecision = z.object({
  decisionId: z.string(),
  at: z.iso.datetime(),
  subject: z.enum(['customer', 'address']),
  addressId: z.optional(z.string()),
  trigger: z.enum(SCREENING_TRIGGERS),
  band: z.enum(['strong', 'medium', 'weak', 'pep', 'pep-weak', 'listed', 'clear', 'not-screened']),
  action: z.enum([...SCREENING_ACTIONS, 'none']),
  reason: z.string(),
  lists: z.array(z.object({ list: z.string(), version: z.string() })),
  /** The case the decision opened or joined (a case-opening band only). */
  caseId: z.optional(z.string()),
  /** Whether this decision froze (or found frozen) the customer's withdrawals: a strong sanctions hit. */
  frozen: z.boolean(),
  /** Absent: no PEP list version was used (PEP not screened). */
  pep: z.optional(z.object({ flagged: z.boolean(), roles: z.array(z.string()) })),
  hits: z.array(
    z.object({
      entityId: z.string(),
      list: z.string(),
      /** The listed name that matched (a public list's entry). */
      matchedName: z.string(),
      score: z.number(),
      category: z.enum(HIT_CATEGORIES),
      pepRoles: z.optional(z.array(z.string())),
    }),
  ),
});
export type AdminScreeningDecision = z.infer<typeof adminScreeningDecision>;

/** F2: the user's screening, for the tiers that hold the `cases` view only (compliance: tipping-off). */
export const adminUserScreening = z.object({
  /** The withdrawal freeze of a strong hit, and its lift. */
  state: z.object({
    frozen: z.boolean(),
    decisionId: z.optional(z.string()),
    caseId: z.optional(z.string()),
    frozenAt: z.optional(z.iso.datetime()),
    liftedAt: z.optional(z.iso.datetime()),
  }),
  /** The PEP status of the newest customer decision (what the KYC risk rating reads). */
  pep: z.enum(['pep', 'not-pep', 'not-screened']),
  /** The newest decisions (customer and addresses), newest first. */
  decisions: z.array(adminScreeningDecision),
});

export const adminUserResponse = z.object({
  userId: z.string(),
  username: z.string(),
  status: z.enum(['active', 'suspended', 'closed']),
  createdAt: z.iso.datetime(),
  suspendedAt: z.optional(z.iso.datetime()),
  suspensionReason: z.optional(z.string()),
  email: z.string(),
  phone: z.optional(z.string()),
  /** Fields shown in clear by a reveal in force for this admin and user, and until when. */
  revealed: z.array(z.object({ field: z.enum(PERSONAL_FIELDS), until: z.iso.datetime() })),
  hold: z.object({ active: z.boolean(), endsAt: z.optional(z.iso.datetime()) }),
  withdrawalLimits: z.optional(
    z.record(z.string(), z.object({ daily: z.string(), monthly: z.string(), setAt: z.iso.datetime() })),
  ),
  /** F2: present for the compliance tier (the `cases` view) only. */
  screening: z.optional(adminUserScreening),
  /** A8: the live sessions, newest first; source addresses masked. */
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      createdAt: z.iso.datetime(),
      expiresAt: z.iso.datetime(),
      ip: z.optional(z.string()),
      device: z.string(),
    }),
  ),
  /** A7: the whitelisted devices, most recently seen first; never their ids (a factor of the user's logins). */
  devices: z.array(z.object({ name: z.string(), addedAt: z.string(), lastSeenAt: z.string() })),
  /** A9: the newest logins (at most ADMIN_LOGINS_SHOWN); source addresses masked. */
  logins: z.array(
    z.object({
      at: z.iso.datetime(),
      ip: z.string(),
      country: z.optional(z.string()),
      browser: z.string(),
      outcome: z.enum(['success', 'refused']),
      reason: z.optional(z.string()),
    }),
  ),
  /** B1/B2: the last security change (what started the hold, if one is running). */
  lastSecurityChange: z.optional(z.object({ kind: z.string(), at: z.iso.datetime() })),
  /** F1/X4: the KYC level (read only here); absent: no KYC record yet, the default level applies. */
  kyc: z.optional(
    z.object({ level: z.string(), refreshDueAt: z.optional(z.string()), updatedAt: z.iso.datetime() }),
  ),
});
export type AdminUserResponse = z.infer<typeof adminUserResponse>;

/**
 * D3: `GET /v1/admin/audit?userId=…` (the records about a user) or `?adminId=…` (the records an admin made):
 * exactly one of the two.
 */
export const auditQuery = z
  .object({
    userId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'a user id'))),
    adminId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'an admin id'))),
  })
  .check(
    z.refine((q) => (q.userId === undefined) !== (q.adminId === undefined), 'userId or adminId, one of them'),
  );

export const auditRecordView = z.object({
  seq: z.number(),
  at: z.iso.datetime(),
  action: z.string(),
  actor: z.object({ kind: z.string(), id: z.string(), tier: z.optional(z.string()) }),
  target: z.object({ kind: z.string(), id: z.string() }),
  outcome: z.string(),
  /** Masked (`203.0.*.*`). */
  sourceIp: z.optional(z.string()),
  details: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
});

/** The chain's standing (kernel/audit/checkpoint-writer.ts `ChainStatus`). */
export const chainStatusView = z.object({
  state: z.enum(['verified', 'broken', 'not-anchored', 'empty']),
  checkpoint: z.optional(z.object({ seq: z.number(), at: z.iso.datetime(), headHash: hash })),
  tail: z.object({
    linked: z.number(),
    lastSeq: z.optional(z.number()),
    lastAt: z.optional(z.string()),
    complete: z.boolean(),
  }),
  problem: z.optional(z.string()),
  checkedAt: z.iso.datetime(),
});
export const auditResponse = z.object({
  subject: z.object({ kind: z.enum(['user', 'admin']), id: z.string() }),
  /** Newest first, at most AUDIT_RECORDS_SHOWN. */
  records: z.array(auditRecordView),
  chain: chainStatusView,
});
export type AuditResponse = z.infer<typeof auditResponse>;

/** D2: `GET /v1/admin/withdrawals?status=review`: the withdrawals under investigation. */
export const withdrawalReviewsQuery = z.object({ status: z.literal('review') });

/** A withdrawal in review as an investigator sees it: risk and signals, masked address; never the task token. */
export const withdrawalReviewView = z.strictObject({
  withdrawalId: z.string(),
  userId: z.string(),
  asset: z.string(),
  amount: z.string(),
  addressMasked: z.string(),
  speed: z.enum(['standard', 'instant']),
  createdAt: z.iso.datetime(),
  /** When it entered review (its last move). */
  reviewStartedAt: z.iso.datetime(),
  risk: z.strictObject({
    score: z.number(),
    band: z.enum(['low', 'unusual', 'blocked']),
    signals: z.array(z.strictObject({ id: z.string(), points: z.number(), detail: z.string() })),
  }),
});
export type WithdrawalReviewView = z.infer<typeof withdrawalReviewView>;
export const withdrawalReviewsResponse = z.object({ withdrawals: z.array(withdrawalReviewView) });

// Published to the task-tokens context (AnswerTask).
export type { ApprovalAnswers } from './approval-answers.js';
