// POST /v1/me/pgp-key/remove (B3): emails to the caller go unsigned again. Removing the key is a security change
// (a phisher gains from it): the password (and a TOTP code when enrolled) re-authenticates first (B1), then the
// change is recorded before the key is dropped. Removing no key changes nothing and records nothing. A POST with
// a body rather than DELETE, as `/v1/me/mfa/totp/disable`: a DELETE body has no defined meaning (RFC 9110).

import * as aws from '../../kernel/aws/infra.js';
import { ValidationError } from '../../kernel/errors.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import { type SecurityChanges, securityChangeOf } from '../../security/contracts.js';
import { pgpKeyRemoveRequest } from '../contracts.js';
import { mailBeforeOf, type NotificationPrefsStore } from '../notification-prefs.js';
import { awsNotificationPrefs, awsSecurityChanges } from '../wiring.js';

export const makeHandler = (ports: {
  notificationPrefs: Pick<NotificationPrefsStore, 'get' | 'setPgpKey'>;
  identity: Pick<IdentityProvider, 'reauthenticate'>;
  securityChanges: SecurityChanges;
  clock: Clock;
}) =>
  httpHandler({ body: pgpKeyRemoveRequest }, async (request, event) => {
    const caller = callerOf(event);
    const { password, code } = request.body;
    if (!(await ports.identity.reauthenticate(caller.username, password, code))) {
      throw new ValidationError('The password or the code is not valid', undefined, 'REAUTH_FAILED');
    }
    const before = await ports.notificationPrefs.get(caller.userId);
    if (!before?.pgpKey) return { body: { removed: false } };
    const now = ports.clock.now();
    // B1/B3: the notice is protected at least as mail was before this change: encrypted to the removed key
    // when mail was (protection.ts).
    await ports.securityChanges.onSecurityChange(
      securityChangeOf('pgp-key-removed', caller, request, now, { mailBefore: mailBeforeOf(before) }),
    );
    await ports.notificationPrefs.setPgpKey(caller.userId, null, now);
    return { body: { removed: true } };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    notificationPrefs: awsNotificationPrefs(),
    identity: aws.reauthIdentity(),
    securityChanges: awsSecurityChanges(),
    clock: aws.clock,
  }),
);
