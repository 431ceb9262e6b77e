// The local verification provider (F1): a simulated provider whose decisions a test (or, later, the admin
// plane) controls. It answers as the real one does: a check is started, and its decision arrives as a webhook
// signed with the shared secret, which goes through the same verification (lambdas/kyc/webhook.ts) as in AWS.
// And an in-memory seen-id store behind the same port as the DynamoDB one to come.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lambdas/kernel/ports/clock.js';
import type { SeenIdStore, VerificationProvider, VerificationRequest } from '../../lambdas/kyc/ports.js';
import { type DecisionEvent, SIGNATURE_HEADER, signWebhook } from '../../lambdas/kyc/webhook.js';

export interface SignedWebhook {
  rawBody: string;
  headers: Record<string, string>;
}

export class SimulatedVerificationProvider implements VerificationProvider {
  readonly started: (VerificationRequest & { providerRef: string })[] = [];

  constructor(
    private readonly secret: string,
    private readonly clock: Clock,
    /** Where decisions are delivered (the webhook route); tests may instead take the returned webhook. */
    private readonly deliver?: (webhook: SignedWebhook) => Promise<void>,
  ) {}

  async startCheck(request: VerificationRequest): Promise<{ providerRef: string }> {
    const providerRef = `sim_${randomUUID()}`;
    this.started.push({ ...request, providerRef });
    return { providerRef };
  }

  /** Decides a started check: the signed webhook is delivered (when a target is set) and returned. */
  async decide(
    checkId: string,
    decision: DecisionEvent['decision'],
    reasons: string[] = [],
  ): Promise<SignedWebhook> {
    const check = this.started.find((c) => c.checkId === checkId);
    if (!check) throw new Error(`no started check ${checkId}`);
    const now = this.clock.now();
    const event: DecisionEvent = {
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      type: 'check.decided',
      checkId,
      providerRef: check.providerRef,
      decision,
      reasons,
      decidedAt: now.toISOString(),
    };
    const rawBody = JSON.stringify(event);
    const webhook = { rawBody, headers: { [SIGNATURE_HEADER]: signWebhook(rawBody, this.secret, now) } };
    await this.deliver?.(webhook);
    return webhook;
  }
}

/** The seen-id store in memory: ids expire at their time on the runtime's clock. */
export class MemorySeenIds implements SeenIdStore {
  private readonly ids = new Map<string, number>();
  constructor(private readonly clock: Clock) {}

  async claim(id: string, expiresAt: Date): Promise<boolean> {
    const now = this.clock.now().getTime();
    for (const [seen, until] of this.ids) if (until <= now) this.ids.delete(seen);
    if (this.ids.has(id)) return false;
    this.ids.set(id, expiresAt.getTime());
    return true;
  }
}
