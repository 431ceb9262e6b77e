// POST /v1/kyc/provider/webhook (F1, public: the verification provider calls it). Verified over the raw body
// (webhook.ts verifyWebhook: HMAC-SHA256 with a current secret, the timestamp within 5 minutes, a decision
// event, its id never seen: claimed in the seen-id store, a conditional put with a TTL); refused 401 (unsigned,
// forged, stale), 400 (not a decision) or 409 (replayed), and then nothing changes. A verified decision is
// applied to the customer the check id names (kyc-store.ts applyDecision: approved raises the level, audited in
// the same write; rejected recorded; undecided in review for the compliance tier); a decision for a check that
// is not the one in force is acknowledged and ignored (the provider must not retry it). Nothing of the
// decision's reasons or the customer is logged.
import * as aws from '../../kernel/aws/infra.js';
import { headerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Infra } from '../../kernel/infra.js';
import { logger } from '../../kernel/observability.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { rawBodyOf } from '../../kernel/raw-body.js';
import { once } from '../../kernel/runtime/aws-env.js';
import { DynamoSeenIds } from '../aws/dynamo-seen-ids.js';
import { awsWebhookSecrets } from '../aws/provider-secrets.js';
import { webhookReceivedView } from '../contracts.js';
import type { KycStore } from '../kyc-store.js';
import type { SeenIdStore } from '../ports.js';
import { userOfCheck } from '../verification.js';
import { SIGNATURE_HEADER, verifyWebhook } from '../webhook.js';
import { awsKycStore } from '../wiring.js';

export const makeHandler = (ports: {
  kyc: Pick<KycStore, 'applyDecision'>;
  kycSeenIds: SeenIdStore;
  kycWebhookSecrets: () => Promise<readonly string[]>;
  clock: Clock;
}) =>
  httpHandler({ raw: true }, async (_request, event) => {
    const now = ports.clock.now();
    const decision = await verifyWebhook(rawBodyOf(event), headerOf(event, SIGNATURE_HEADER), {
      secrets: await ports.kycWebhookSecrets(),
      seen: ports.kycSeenIds,
      now,
    });
    const userId = userOfCheck(decision.checkId);
    const out = userId
      ? await ports.kyc.applyDecision(
          userId,
          { checkId: decision.checkId, decision: decision.decision, reasons: decision.reasons },
          now.toISOString(),
        )
      : { outcome: 'ignored' as const };
    logger.info('kyc provider decision', { decision: decision.decision, outcome: out.outcome });
    return { status: 200, body: webhookReceivedView.parse({ received: true, outcome: out.outcome }) };
  });

/** The seen-id store over the Shield table (unsigned, TTL'd rows). */
export const seenIds = (infra: Pick<Infra, 'documents' | 'tableName' | 'clock'>) =>
  new DynamoSeenIds(infra.documents(), infra.tableName('shield'), infra.clock);

const awsSeenIds = /* @__PURE__ */ once(() =>
  seenIds({ documents: aws.documents, tableName: aws.tableName, clock: aws.clock }),
);

export const handler = lazyHandler(() =>
  makeHandler({
    kyc: awsKycStore(),
    kycSeenIds: awsSeenIds(),
    kycWebhookSecrets: awsWebhookSecrets(),
    clock: aws.clock,
  }),
);
