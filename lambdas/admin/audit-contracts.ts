// D3: GET /v1/admin/audit's query and answer (the records, the chain's standing). Published through contracts.ts;
// a file of its own so a function that needs none of these shapes does not build them at import.
import * as z from 'zod/mini';

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
  checkpoint: z.optional(
    z.object({
      seq: z.number(),
      at: z.iso.datetime(),
      headHash: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'a SHA-256 hex digest')),
    }),
  ),
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
