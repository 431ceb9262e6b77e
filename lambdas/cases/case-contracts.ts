// F3/F7: the admin routes' shapes of cases (lists, notes, steps, the case view, the goAML answer). Published
// through contracts.ts; a file of its own so a function that needs none of them does not build them.
import * as z from 'zod/mini';
import { CASE_KINDS, EVIDENCE_KINDS } from './case-record.js';
import { evidenceRefSchema } from './case-schemas.js';
import { CASE_STATUSES, CASE_STEPS } from './case-status.js';

const caseId = z.string().check(z.regex(/^case_[A-Za-z0-9_-]{8,64}$/, 'a case id'));
export const caseIdParam = z.object({ caseId });

const LIST_LIMIT = /^(?:[1-9]|[1-9]\d|100)$/;
/** `GET /v1/admin/cases`: filters, and a page of at most `limit` (default 20, at most 100) after `cursor`. */
export const listCasesQuery = z.object({
  status: z.optional(z.enum(CASE_STATUSES)),
  kind: z.optional(z.enum(CASE_KINDS)),
  userId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/))),
  limit: z.optional(z.string().check(z.regex(LIST_LIMIT))),
  cursor: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,512}$/))),
});
export type ListCasesQuery = z.infer<typeof listCasesQuery>;

export const caseNoteBody = z.strictObject({
  text: z.string().check(z.minLength(1), z.maxLength(4000)),
  evidence: z.optional(z.array(evidenceRefSchema).check(z.maxLength(20))),
});

/** A working step (the closing ones are admin requests): an optional reason, required to reopen. */
export const caseStepBody = z.strictObject({
  step: z.enum(['investigate', 'escalate', 'reopen']),
  reason: z.optional(z.string().check(z.minLength(3), z.maxLength(500))),
});

const signalView = z.object({
  code: z.string(),
  detail: z.optional(z.string()),
  score: z.optional(z.number()),
  facts: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
  at: z.iso.datetime(),
  source: z.string(),
});
const evidenceView = z.object({
  kind: z.enum(EVIDENCE_KINDS),
  id: z.string(),
  at: z.optional(z.iso.datetime()),
  note: z.optional(z.string()),
});
const actorView = z.object({ kind: z.enum(['admin', 'system', 'user']), id: z.string() });

/** An admin's view of a case: everything but the subject's personal data (the user id only). */
export const caseView = z.object({
  caseId: z.string(),
  kind: z.enum(CASE_KINDS),
  subject: z.object({ userId: z.string() }),
  status: z.enum(CASE_STATUSES),
  /** The steps that apply now; dismiss and report go through an admin request. */
  steps: z.array(z.enum(CASE_STEPS)),
  sources: z.array(z.object({ kind: z.string(), id: z.string() })),
  signals: z.array(signalView),
  evidence: z.array(evidenceView),
  notes: z.array(
    z.object({
      noteId: z.string(),
      adminId: z.string(),
      at: z.iso.datetime(),
      text: z.string(),
      evidence: z.array(evidenceView),
    }),
  ),
  history: z.array(
    z.object({
      at: z.iso.datetime(),
      step: z.string(),
      from: z.optional(z.enum(CASE_STATUSES)),
      to: z.enum(CASE_STATUSES),
      by: actorView,
      requestId: z.optional(z.string()),
      reason: z.optional(z.string()),
    }),
  ),
  openedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  report: z.optional(
    z.object({
      at: z.iso.datetime(),
      requestId: z.string(),
      reason: z.string(),
      requesterId: z.string(),
      approvers: z.array(z.string()),
    }),
  ),
});
export type CaseView = z.infer<typeof caseView>;

export const casesResponse = z.object({
  cases: z.array(caseView),
  /** Present while older cases may follow: pass it as `cursor`. */
  next: z.optional(z.string()),
});

/** `GET /v1/admin/cases/{caseId}/goaml`: the goAML XML document of a reported case, in a JSON answer. */
export const goamlExportResponse = z.object({
  caseId: z.string(),
  format: z.literal('goAML'),
  fileName: z.string(),
  xml: z.string(),
});
