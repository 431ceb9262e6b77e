// Workflow task (F1/F2) RecordForKyc of the screening workflow, after ScreenTheCustomer for the trigger `kyc`:
// the decision on the person data recorded in the KYC record. Clear: `screening-clear` met and the level the
// requirements now earn (audited `kyc.level-changed` in the same write). Any hit: the requirement stays unmet
// and the level does not move; screening's bands have acted already (case, freeze); the customer is told
// nothing of it (tipping-off).
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { taskHandler } from '../../kernel/task.js';
import type { KycStore } from '../kyc-store.js';
import { awsKycStore } from '../wiring.js';
import { recordKycScreeningInput } from '../workflow-contracts.js';

export const makeHandler = (ports: { kyc: Pick<KycStore, 'recordScreening'>; clock: Clock }) =>
  taskHandler(recordKycScreeningInput, async ({ userId, decisionId, band }) => {
    const out = await ports.kyc.recordScreening(
      userId,
      { decisionId, band },
      ports.clock.now().toISOString(),
    );
    if (!out) throw new Error('No KYC record for this screening');
    logger.info('kyc screening recorded', { decisionId, level: out.level, changed: out.changed });
    return { level: out.level, changed: out.changed };
  });

export const handler = lazyHandler(() => makeHandler({ kyc: awsKycStore(), clock: aws.clock }));
