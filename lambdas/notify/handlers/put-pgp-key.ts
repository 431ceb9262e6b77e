// PUT /v1/me/pgp-key (B3): the caller's OpenPGP public key; from then every email to them is signed with the
// platform key and, with `encrypt`, encrypted to theirs. The key is validated by the PgpMailSigner function
// (validateUserPublicKey: a refusal is a 400 with its PGP_* code), so this function carries no OpenPGP.js.
// A security change (B1/B2): the password (and a TOTP code when enrolled) re-authenticates after the key is
// validated (a refused key spends no code), and the change is recorded before the key is stored, so a failure
// leaves a spurious hold, never an unrecorded change.

import * as aws from '../../kernel/aws/infra.js';
import { ValidationError } from '../../kernel/errors.js';
import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { IdentityProvider } from '../../kernel/ports/identity-provider.js';
import { type SecurityChanges, securityChangeOf } from '../../security/contracts.js';
import { pgpKeyRequest } from '../contracts.js';
import { mailBeforeOf, type NotificationPrefsStore } from '../notification-prefs.js';
import type { PgpSignerClient } from '../pgp-signer-client.js';
import { awsNotificationPrefs, awsPgpSignerClient, awsSecurityChanges } from '../wiring.js';

export const makeHandler = (ports: {
  notificationPrefs: Pick<NotificationPrefsStore, 'get' | 'setPgpKey'>;
  pgpSigner: Pick<PgpSignerClient, 'validateKey'>;
  identity: Pick<IdentityProvider, 'reauthenticate'>;
  securityChanges: SecurityChanges;
  clock: Clock;
}) =>
  httpHandler({ body: pgpKeyRequest }, async (request, event) => {
    const caller = callerOf(event);
    const now = ports.clock.now();
    const { armoredKey, password, code } = request.body;
    const encrypt = request.body.encrypt ?? false;
    const key = await ports.pgpSigner.validateKey(armoredKey, { now, requireEncryption: encrypt });
    if (!(await ports.identity.reauthenticate(caller.username, password, code))) {
      throw new ValidationError('The password or the code is not valid', undefined, 'REAUTH_FAILED');
    }
    // B1/B3: the notice is protected at least as mail was before this change (protection.ts).
    const before = await ports.notificationPrefs.get(caller.userId);
    await ports.securityChanges.onSecurityChange(
      securityChangeOf('pgp-key-set', caller, request, now, { mailBefore: mailBeforeOf(before) }),
    );
    await ports.notificationPrefs.setPgpKey(
      caller.userId,
      { ...key, encrypt, addedAt: now.toISOString() },
      now,
    );
    const { armored: _armored, ...facts } = key;
    return { body: { pgpKey: { ...facts, encrypt } } };
  });

export const handler = lazyHandler(() =>
  makeHandler({
    notificationPrefs: awsNotificationPrefs(),
    pgpSigner: awsPgpSignerClient(),
    identity: aws.reauthIdentity(),
    securityChanges: awsSecurityChanges(),
    clock: aws.clock,
  }),
);
