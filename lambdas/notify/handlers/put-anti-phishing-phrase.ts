// PUT /v1/me/anti-phishing-phrase (B4): the caller's phrase, shown at the top of every email Palisade sends
// them from now on. Validated (checkPhrase), stored in the caller's signed preferences row, audited, never
// returned.

import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { phraseRequest } from '../contracts.js';
import type { NotificationPrefsStore } from '../notification-prefs.js';
import { checkPhrase } from '../phrase.js';
import { awsNotificationPrefs } from '../wiring.js';

export const makeHandler = (ports: {
  notificationPrefs: Pick<NotificationPrefsStore, 'setPhrase'>;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
}) =>
  httpHandler({ body: phraseRequest }, async (request, event) => {
    const caller = callerOf(event);
    const phrase = checkPhrase(request.body.phrase);
    const now = ports.clock.now();
    const prefs = await ports.notificationPrefs.setPhrase(caller.userId, phrase, now);
    await ports.audit.append({
      actor: { kind: 'user', id: caller.userId },
      action: 'notifications.anti-phishing-phrase.set',
      target: { kind: 'user', id: caller.userId },
      outcome: 'success',
      at: now.toISOString(),
      sourceIp: request.sourceIp.slice(0, 64),
      requestId: request.requestId,
    });
    return { body: { antiPhishingPhrase: { set: true, setAt: prefs.phraseSetAt } } };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    notificationPrefs: awsNotificationPrefs(),
    audit: aws.rows().audit,
    clock: aws.clock,
  }),
);
