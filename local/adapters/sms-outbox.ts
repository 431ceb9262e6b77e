// SmsSender for the local runtime: messages are kept in memory and shown at GET /_local/outbox, never sent.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lambdas/kernel/ports/clock.js';
import type { OutgoingSms, SmsSender } from '../../lambdas/kernel/ports/sms-sender.js';

export interface SentSms extends OutgoingSms {
  messageId: string;
  at: string;
}

/** Enough for a working session; older messages drop off so a long-running server does not grow. */
const KEEP = 500;

export class LocalSmsOutbox implements SmsSender {
  private readonly sent: SentSms[] = [];

  constructor(private readonly clock: Clock) {}

  async send(sms: OutgoingSms): Promise<{ messageId: string }> {
    const messageId = randomUUID();
    this.sent.push({ messageId, to: sms.to, text: sms.text, at: this.clock.now().toISOString() });
    if (this.sent.length > KEEP) this.sent.splice(0, this.sent.length - KEEP);
    return { messageId };
  }

  list(): SentSms[] {
    return this.sent.map((sms) => ({ ...sms }));
  }
}
