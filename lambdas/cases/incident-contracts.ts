// F6: the admin routes' shapes of breach incidents (the incident view, its evidence export). Published through
// contracts.ts; a file of its own so a function that needs none of them does not build them.
import * as z from 'zod/mini';

const deadlineView = z.object({
  report: z.enum(['gdpr-authority', 'gdpr-subjects', 'dora-initial', 'dora-intermediate', 'dora-final']),
  from: z.iso.datetime(),
  due: z.iso.datetime(),
  remindAt: z.array(z.iso.datetime()),
  alarmAt: z.iso.datetime(),
  filed: z.optional(z.object({ at: z.iso.datetime(), by: z.string(), reference: z.string() })),
});

export const incidentView = z.object({
  incidentId: z.string(),
  what: z.string(),
  detectedAt: z.iso.datetime(),
  awareAt: z.iso.datetime(),
  dataCategories: z.array(z.string()),
  affectedUsersCount: z.number(),
  severity: z.enum(['low', 'medium', 'high']),
  doraClassifiedAt: z.optional(z.iso.datetime()),
  deadlines: z.array(deadlineView),
  events: z.array(
    z.object({ report: z.string(), kind: z.enum(['reminder', 'alarm', 'overdue']), at: z.iso.datetime() }),
  ),
  status: z.enum(['open', 'closed']),
  openedBy: z.string(),
  openedAt: z.iso.datetime(),
});
export type IncidentView = z.infer<typeof incidentView>;

export const incidentIdParam = z.object({
  incidentId: z.string().check(z.regex(/^inc_[A-Za-z0-9_-]{8,64}$/)),
});

export const incidentEvidenceQuery = z.object({ authority: z.enum(['dpa', 'subjects', 'dora-authority']) });

export const incidentEvidenceResponse = z.object({
  format: z.literal('palisade-breach-evidence/1'),
  authority: z.enum(['dpa', 'subjects', 'dora-authority']),
  generatedAt: z.iso.datetime(),
  incident: z.object({
    incidentId: z.string(),
    what: z.string(),
    detectedAt: z.iso.datetime(),
    awareAt: z.iso.datetime(),
    severity: z.string(),
    dataCategories: z.array(z.string()),
    affectedUsersCount: z.number(),
    doraClassifiedAt: z.optional(z.iso.datetime()),
    openedAt: z.iso.datetime(),
    openedBy: z.string(),
  }),
  deadlines: z.array(z.object({ report: z.string(), from: z.iso.datetime(), due: z.iso.datetime() })),
  filings: z.array(
    z.object({
      report: z.string(),
      at: z.iso.datetime(),
      by: z.object({ kind: z.string(), id: z.string() }),
      reference: z.string(),
    }),
  ),
  clockEvents: z.array(z.object({ report: z.string(), kind: z.string(), at: z.iso.datetime() })),
  auditTrail: z.array(
    z.object({
      at: z.iso.datetime(),
      action: z.string(),
      actor: z.string(),
      outcome: z.string(),
      details: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
    }),
  ),
});
