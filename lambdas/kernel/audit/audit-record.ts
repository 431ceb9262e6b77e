// What an audit record says: who did what to whom, when, from where, with what outcome (D3).
import * as z from 'zod/mini';

export const actorSchema = z.object({
  kind: z.enum(['user', 'admin', 'system']),
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  /** Admin tier at the time of the action. */
  tier: z.optional(z.string().check(z.maxLength(32))),
});

export const auditEventSchema = z.object({
  actor: actorSchema,
  action: z.string().check(z.regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/), z.maxLength(80)),
  target: z.object({
    kind: z.enum(['user', 'admin', 'withdrawal', 'request', 'item', 'system', 'case', 'incident']),
    id: z.string().check(z.minLength(1), z.maxLength(256)),
  }),
  /** `flagged`: allowed to happen or not, but for compliance to look at (a sanctions hit, C1). */
  outcome: z.enum(['success', 'refused', 'failed', 'flagged']),
  at: z.iso.datetime(),
  sourceIp: z.optional(z.string().check(z.maxLength(64))),
  userAgent: z.optional(z.string().check(z.maxLength(512))),
  requestId: z.optional(z.string().check(z.maxLength(128))),
  /** Non-personal facts about the action (ids, reasons, counts); never personal data in clear. */
  details: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** A stored record: the event plus its place in the chain. */
export interface AuditRecord extends AuditEvent {
  pk: string;
  sk: string;
  chain: string;
  seq: number;
  prevHash: string;
  targetKey: string;
  actorKey: string;
  version: number;
  [attribute: string]: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);
export const AUDIT_LOGICAL_TABLE = 'Audit';
export const chainPartition = (chain: string) => `CHAIN#${chain}`;
export const seqSortKey = (seq: number) => `SEQ#${String(seq).padStart(12, '0')}`;
export const targetKeyOf = (t: AuditEvent['target']) => `${t.kind}#${t.id}`;
export const actorKeyOf = (a: AuditEvent['actor']) => `${a.kind}#${a.id}`;
