// F3: what a case is. A case collects a subject (a user), the signals that opened it or were attached later
// (a screening hit, a withdrawal review's risk signals, a user's report), references to evidence (audit
// records, withdrawals, logins, reports), the notes of the admins who work it, and its status with the
// history of every step. Stored as one signed row (case-store.ts); never shown to its subject.
import * as z from 'zod/mini';
import { AppError } from '../kernel/errors.js';
import { CASE_STATUSES, CASE_STEPS, type CaseStatus, type CaseStep } from './case-status.js';

/**
 * Why a case exists: what opened it. Screening (F2) opens `screening-hit` (sanctions) and `pep-edd` (enhanced
 * due diligence of a politically exposed person); C3 reviews `withdrawal-review`.
 */
export const CASE_KINDS = [
  'screening-hit',
  'pep-edd',
  'withdrawal-review',
  'user-report',
  'admin-referral',
] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export const EVIDENCE_KINDS = ['audit', 'withdrawal', 'login', 'session', 'address', 'report'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

const id = z.string().check(z.regex(/^[A-Za-z0-9_.:#-]{1,256}$/, 'an id of letters, digits and _.:#-'));
const code = z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a signal code such as SCREENING_HIT'));

export const signalSchema = z.strictObject({
  /** Stable code (an indicator in the goAML export): `SCREENING_HIT`, `RISK_NEW_DEVICE`, `USER_REPORT_PHISHING`… */
  code,
  /** Free, non-secret detail (a score, a list entry, the user's words). */
  detail: z.optional(z.string().check(z.maxLength(2000))),
  /** A weight or score when the signal has one. */
  score: z.optional(z.number()),
  /** Structured facts of the signal (a screening hit's list version, entry id and matched names). */
  facts: z.optional(
    z.record(z.string().check(z.maxLength(64)), z.union([z.string(), z.number(), z.boolean()])),
  ),
});
export type Signal = z.infer<typeof signalSchema>;

export const evidenceRefSchema = z.strictObject({
  kind: z.enum(EVIDENCE_KINDS),
  id,
  at: z.optional(z.iso.datetime()),
  note: z.optional(z.string().check(z.maxLength(500))),
});
export type EvidenceRef = z.infer<typeof evidenceRefSchema>;

/** What opened the case, unique per case: a second open with the same source finds the first case. */
export const sourceSchema = z.strictObject({
  kind: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}$/)),
  id,
});
export type CaseSource = z.infer<typeof sourceSchema>;

/** The seam other contexts open a case through (screening, withdrawal reviews, user reports). */
export const openCaseInput = z.strictObject({
  subject: z.strictObject({ userId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)) }),
  kind: z.enum(CASE_KINDS),
  signals: z.array(signalSchema).check(z.maxLength(50)),
  evidence: z.optional(z.array(evidenceRefSchema).check(z.maxLength(50))),
  source: sourceSchema,
  /**
   * Attach to the subject's newest case that is not closed instead of opening a second one (a withdrawal
   * review of a user already under investigation lands in that case). The source is still claimed.
   */
  attachToOpen: z.optional(z.boolean()),
});
export type OpenCaseInput = z.infer<typeof openCaseInput>;

export interface CaseNote {
  noteId: string;
  adminId: string;
  at: string;
  text: string;
  evidence: EvidenceRef[];
}

export interface CaseHistoryEntry {
  at: string;
  step: CaseStep | 'open' | 'attach' | 'note';
  from?: CaseStatus;
  to: CaseStatus;
  by: { kind: 'admin' | 'system' | 'user'; id: string };
  /** The approval request that closed the case (dismiss, report). */
  requestId?: string;
  reason?: string;
}

export interface Case {
  caseId: string;
  kind: CaseKind;
  subject: { userId: string };
  status: CaseStatus;
  sources: CaseSource[];
  signals: Array<Signal & { at: string; source: string }>;
  evidence: EvidenceRef[];
  notes: CaseNote[];
  history: CaseHistoryEntry[];
  openedAt: string;
  updatedAt: string;
  /** Set when the case was reported: the approved request and its reason (the goAML export's reason). */
  report?: { at: string; requestId: string; reason: string; requesterId: string; approvers: string[] };
}

/** The bounds of one case row (a DynamoDB item is at most 400 KB). */
export const CASE_BOUNDS = Object.freeze({ notes: 200, signals: 200, evidence: 500, sources: 100 });

export const CASE_VIEW_STATUSES = CASE_STATUSES;
export const CASE_VIEW_STEPS = CASE_STEPS;

export class CaseNotFound extends AppError {
  override readonly name = 'CaseNotFound';
  readonly status = 404;
  readonly code = 'CASE_NOT_FOUND';
}

export class CaseStepNotAllowed extends AppError {
  override readonly name = 'CaseStepNotAllowed';
  readonly status = 409;
  readonly code = 'CASE_STEP_NOT_ALLOWED';
}
