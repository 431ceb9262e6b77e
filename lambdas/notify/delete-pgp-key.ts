// DELETE /v1/me/pgp-key (B3): emails to the caller go unsigned again. Removing the key is a security change
// (a phisher gains from it), recorded through the SecurityChanges port; removing no key changes nothing.

import { type SecurityChanges, securityChangeOf } from '../security/security-changes.js';
import { awsNotificationPrefs } from '../shared/adapters/aws-notification-prefs.js';
import { awsSecurityChanges } from '../shared/adapters/aws-security-changes.js';
import { callerOf, httpHandler, lazyHandler } from '../shared/http.js';
import { type Clock, systemClock } from '../shared/ports/clock.js';
import type { NotificationPrefsStore } from './notification-prefs.js';

export const makeHandler = (ports: {
  notificationPrefs: Pick<NotificationPrefsStore, 'get' | 'setPgpKey'>;
  securityChanges: SecurityChanges;
  clock: Clock;
}) =>
  httpHandler({}, async (request, event) => {
    const caller = callerOf(event);
    const before = await ports.notificationPrefs.get(caller.userId);
    if (!before?.pgpKey) return { body: { removed: false } };
    const now = ports.clock.now();
    await ports.notificationPrefs.setPgpKey(caller.userId, null, now);
    await ports.securityChanges.onSecurityChange(securityChangeOf('pgp-key-removed', caller, request, now));
    return { body: { removed: true } };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    notificationPrefs: awsNotificationPrefs(),
    securityChanges: awsSecurityChanges(),
    clock: systemClock,
  }),
);
