// Workflow task (F1/F2) RecordForKyc of the screening workflow, after ScreenTheCustomer for the trigger `kyc`:
// the decision on the person data recorded in the KYC record. Clear: `screening-clear` met and the level the
// requirements now earn (audited `kyc.level-changed` in the same write). Any hit: the requirement stays unmet
// and the level does not move; screening's bands have acted already (case, freeze); the customer is told
// nothing of it (tipping-off). A business's beneficial owner (subject `bo_…`): the owner's standing in the
// customer's record (the business's level rises once every owner has passed, owners.ts), and a hit acts on the
// customer as on a person (owner-hits.ts: a case on the customer, a strong hit freezes it), the case linked
// with the owner.

import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { taskHandler } from '../../kernel/task.js';
import type { KycStore } from '../kyc-store.js';
import { actOnOwnerHit, type OwnerHitPorts } from '../owner-hits.js';
import { awsKycStore, caseWork, screeningStore } from '../wiring.js';
import { recordKycScreeningInput } from '../workflow-contracts.js';

export const makeHandler = (ports: {
  kyc: Pick<KycStore, 'recordScreening' | 'linkOwnerCase'>;
  caseWork: OwnerHitPorts['cases'];
  screeningStore: OwnerHitPorts['screening'];
  clock: Clock;
}) =>
  taskHandler(recordKycScreeningInput, async ({ userId, decisionId, band }) => {
    const at = ports.clock.now().toISOString();
    const out = await ports.kyc.recordScreening(userId, { decisionId, band }, at);
    if (!out) throw new Error('No KYC record for this screening');
    if (out.owner && band !== 'clear') {
      const acted = await actOnOwnerHit(
        { cases: ports.caseWork, screening: ports.screeningStore },
        { ...out.owner, decisionId, band, at },
      );
      if (acted) await ports.kyc.linkOwnerCase(out.owner.customerId, out.owner.ownerId, acted.caseId, at);
      logger.info('kyc owner hit', { decisionId, band, frozen: acted?.frozen ?? false });
    }
    logger.info('kyc screening recorded', { decisionId, level: out.level, changed: out.changed });
    return { level: out.level, changed: out.changed };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    kyc: awsKycStore(),
    caseWork: caseWork({ rows: aws.rows, clock: aws.clock }),
    screeningStore: screeningStore({ rows: aws.rows, clock: aws.clock }),
    clock: aws.clock,
  }),
);
