// Workflow task (F1) SweepTheRefreshes of the KYC refresh workflow (statemachines/kyc-refresh.asl.json, started
// daily by EventBridge Scheduler in AWS and by a timer of the local runtime): one page of the refresh index, the
// customers whose refresh comes due asked for it and those past their deadline marked overdue (refresh.ts).
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import { logger } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { taskHandler } from '../../kernel/task.js';
import type { KycStore } from '../kyc-store.js';
import { sweepRefresh } from '../refresh.js';
import { awsKycRefreshStore, KYC_CONFIG } from '../wiring.js';
import { sweepRefreshInput } from '../workflow-contracts.js';

export const makeHandler = (ports: {
  /** The KYC store whose outbox also mails (the refresh notices). */
  kycRefresh: Pick<KycStore, 'refreshesDue' | 'markRefresh'>;
  clock: Clock;
}) =>
  taskHandler(sweepRefreshInput, async () => {
    const run = await sweepRefresh({ kyc: ports.kycRefresh, clock: ports.clock }, KYC_CONFIG);
    logger.info('kyc refresh swept', { ...run });
    return run;
  });

export const handler = lazyHandler(() => makeHandler({ kycRefresh: awsKycRefreshStore(), clock: aws.clock }));
