// D3: the audit checkpoint function, run every AUDIT_CHECKPOINT_MINUTES by EventBridge (locally by a timer,
// at stop and by `npm run audit:verify`): checks the chain against its latest checkpoint and writes the next
// one (kernel/audit/checkpoint-writer.ts). A chain that no longer matches raises the IntegrityFailure metric
// (alarmed on), logs what failed and fails the run, so no checkpoint is ever written over tampering.
import {
  AnchorBroken,
  type CheckpointRun,
  type CheckpointWriter,
} from '../../kernel/audit/checkpoint-writer.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger, MetricUnit, metrics, SecurityMetric } from '../../kernel/observability.js';
import { taskHandler } from '../../kernel/task.js';
import { type CheckpointRunSummary, scheduledEvent } from '../contracts.js';
import { awsAuditCheckpointWriter } from '../wiring.js';

export const summaryOf = (run: CheckpointRun): CheckpointRunSummary =>
  run.outcome === 'empty'
    ? { outcome: 'empty' }
    : {
        outcome: run.outcome,
        seq: run.checkpoint.seq,
        headHash: run.checkpoint.headHash,
        ...('linked' in run ? { linked: run.linked } : {}),
      };

export const makeHandler = (ports: { auditCheckpoints: CheckpointWriter }) =>
  taskHandler(scheduledEvent, async (): Promise<CheckpointRunSummary> => {
    try {
      const summary = summaryOf(await ports.auditCheckpoints.run());
      logger.info('audit checkpoint', summary);
      return summary;
    } catch (err) {
      if (err instanceof AnchorBroken) {
        metrics.addMetric(SecurityMetric.IntegrityFailure, MetricUnit.Count, 1);
        logger.error('the audit chain does not match its latest checkpoint', { ...err.detail });
      }
      throw err;
    }
  });

export const handler = lazyHandler(() => makeHandler({ auditCheckpoints: awsAuditCheckpointWriter() }));
