// The privacy context's shapes: the account closure's answer and the retention sweep's report (F5).
import * as z from 'zod/mini';

export const closeAccountResponse = z.object({
  status: z.literal('closed'),
  closedAt: z.iso.datetime(),
  /** The earliest instant the records are erased (closedAt + RECORD_RETENTION.years). */
  recordsKeptUntil: z.iso.datetime(),
});
export type CloseAccountResponse = z.infer<typeof closeAccountResponse>;

/** What one sweep run reports (its log line, its answer to a local caller): counts, never who. */
export const retentionSweepSummary = z.object({
  erased: z.number(),
  cursor: z.string(),
  more: z.boolean(),
});
export type RetentionSweepSummary = z.infer<typeof retentionSweepSummary>;
