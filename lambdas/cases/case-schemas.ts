// F3: the zod schemas of a case's parts (signals, evidence references, sources) and of the openCase seam's
// input. A file of their own (case-record.ts imports their types only) so that a function that opens or works
// cases without parsing these shapes does not build them at import.
import * as z from 'zod/mini';
import { CASE_KINDS, EVIDENCE_KINDS } from './case-record.js';

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

export const evidenceRefSchema = z.strictObject({
  kind: z.enum(EVIDENCE_KINDS),
  id,
  at: z.optional(z.iso.datetime()),
  note: z.optional(z.string().check(z.maxLength(500))),
});

/** What opened the case, unique per case: a second open with the same source finds the first case. */
export const sourceSchema = z.strictObject({
  kind: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}$/)),
  id,
});

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
