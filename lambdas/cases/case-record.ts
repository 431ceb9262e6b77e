// F3: what a case is. A case collects a subject (a user), the signals that opened it or were attached later
// (a screening hit, a withdrawal review's risk signals, a user's report), references to evidence (audit
// records, withdrawals, logins, reports), the notes of the admins who work it, and its status with the
// history of every step. Stored as one signed row (case-store.ts); never shown to its subject.
import type * as z from 'zod/mini';
import { AppError } from '../kernel/errors.js';
import type { evidenceRefSchema, openCaseInput, signalSchema, sourceSchema } from './case-schemas.js';
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

export type Signal = z.infer<typeof signalSchema>;
export type EvidenceRef = z.infer<typeof evidenceRefSchema>;
export type CaseSource = z.infer<typeof sourceSchema>;
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
