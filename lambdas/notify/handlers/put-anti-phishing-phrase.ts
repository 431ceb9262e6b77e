// PUT /v1/me/anti-phishing-phrase (B4): the caller's phrase, shown at the top of every email Palisade sends
// them from now on. Validated (checkPhrase), stored in the caller's signed preferences row, audited, never
// returned.

import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Outbox } from '../../kernel/outbox.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { phraseRequest } from '../contracts.js';
import type { NotificationPrefsStore } from '../notification-prefs.js';
import { checkPhrase } from '../phrase.js';
import { awsNotificationPrefs, awsNotifyOutbox } from '../wiring.js';

export const makeHandler = (ports: {
  notificationPrefs: Pick<NotificationPrefsStore, 'setPhrase'>;
  /** The change's audit record, written with it (kernel/outbox.ts). */
  outbox: Pick<Outbox, 'pending'>;
  clock: Clock;
}) =>
  httpHandler({ body: phraseRequest }, async (request, event) => {
    const caller = callerOf(event);
    const phrase = checkPhrase(request.body.phrase);
    const now = ports.clock.now();
    const after = ports.outbox.pending(() => [
      {
        kind: 'audit',
        event: {
          actor: { kind: 'user', id: caller.userId },
          action: 'notifications.anti-phishing-phrase.set',
          target: { kind: 'user', id: caller.userId },
          outcome: 'success',
          at: now.toISOString(),
          sourceIp: request.sourceIp.slice(0, 64),
          requestId: request.requestId,
        },
      },
    ]);
    const prefs = await ports.notificationPrefs.setPhrase(caller.userId, phrase, now, after);
    await after.settle();
    return { body: { antiPhishingPhrase: { set: true, setAt: prefs.phraseSetAt } } };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    notificationPrefs: awsNotificationPrefs(),
    outbox: awsNotifyOutbox(),
    clock: aws.clock,
  }),
);
