// F5: the record retention sweep, run daily by an EventBridge rule (a timer of the local runtime): every
// customer whose records are past RECORD_RETENTION.years after the end of the relationship is erased (rows
// replaced by tombstones, KYC documents tagged for the bucket's lifecycle), each erasure audited with counts
// only (retention.ts). At most RECORD_RETENTION.perRun customers per run; the next run goes on.
import * as aws from '../../kernel/aws/infra.js';
import { s3FromEnv } from '../../kernel/aws/s3-client.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import { once } from '../../kernel/runtime/aws-env.js';
import { taskHandler } from '../../kernel/task.js';
import { scheduledEvent } from '../../platform/contracts.js';
import { S3DocumentEraser } from '../aws/s3-document-eraser.js';
import type { RetentionSweepSummary } from '../contracts.js';
import type { RecordRetention } from '../retention.js';
import { recordRetention } from '../wiring.js';

export const makeHandler = (ports: { recordRetention: Pick<RecordRetention, 'sweep'> }) =>
  taskHandler(scheduledEvent, async (): Promise<RetentionSweepSummary> => {
    const run = await ports.recordRetention.sweep();
    const summary = { erased: run.erased.length, cursor: run.cursor, more: run.more };
    logger.info('record retention swept', summary);
    return summary;
  });

const bucket = () => {
  const name = process.env.KYC_DOCUMENTS_BUCKET;
  if (!name) throw new Error('KYC_DOCUMENTS_BUCKET is not set');
  return name;
};

const awsRecordRetention = /* @__PURE__ */ once(() =>
  recordRetention({ rows: aws.rows, clock: aws.clock }, new S3DocumentEraser(s3FromEnv(), bucket())),
);

export const handler = lazyHandler(() => makeHandler({ recordRetention: awsRecordRetention() }));
