// Request and response shapes of the platform routes; read by the handlers and by the OpenAPI document.
import * as z from 'zod/mini';

export const healthResponse = z.object({
  status: z.literal('ok'),
  service: z.literal('palisade'),
  time: z.iso.datetime(),
});

/**
 * An EventBridge scheduled event, as a rule's schedule delivers it (and the local runtime's timer imitates);
 * only the fields a scheduled function reads.
 */
export const scheduledEvent = z.object({
  'detail-type': z.literal('Scheduled Event'),
  time: z.iso.datetime(),
});
export type ScheduledEvent = z.infer<typeof scheduledEvent>;

/** What the audit checkpoint function reports (its log line, and its answer to a local caller). */
export const checkpointRunSummary = z.object({
  outcome: z.enum(['empty', 'unchanged', 'written', 'exists']),
  seq: z.optional(z.number()),
  headHash: z.optional(z.string()),
  linked: z.optional(z.number()),
});
export type CheckpointRunSummary = z.infer<typeof checkpointRunSummary>;

/** What the outbox sweeper reports (its log line, and its answer to a local caller). */
export const sweepSummary = z.object({
  pending: z.number(),
  completed: z.number(),
  failed: z.number(),
  leased: z.number(),
});
