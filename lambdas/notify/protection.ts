// B1/B3: how an email to a user is protected. As the user's settings say when it is sent (a key on file:
// signed by the platform key; with `encrypt`: encrypted to that key as well), but for the notice of a change of
// those settings, which must be at least as protected as mail was before the change; settings read after the
// change would send the notice of a key removal plain, and that of turning encryption off unencrypted. Such a
// notice carries `mailBefore` (read by the route before it changed anything):
// - it is signed by the platform key in every case (signing needs no user key);
// - it is encrypted when mail was encrypted before, to that same key while it is still on file: the current
//   one, or the one the change replaced or removed (kept a few days for this, notification-prefs.ts). A
//   removed key's notice is thus encrypted to the removed key, which its owner still holds;
// - it is never encrypted to a key the change itself set: that key may be an attacker's, and the notice is how
//   the owner learns of it.
import type { UserMessage } from '../kernel/ports/user-mail-contracts.js';
import type { NotificationPrefs } from './notification-prefs.js';
import type { Recipient } from './notifier.js';

export type Protection = Pick<Recipient, 'sign' | 'pgpPublicKey' | 'encrypt'>;

export function protectionOf(message: UserMessage, prefs: NotificationPrefs | undefined): Protection {
  const current = prefs?.pgpKey;
  if (message.template === 'security-change' && message.mailBefore) {
    const fingerprint = message.mailBefore.encryptedTo;
    const key =
      fingerprint === undefined
        ? undefined
        : [current, ...(prefs?.retiredPgpKeys ?? [])].find((k) => k?.fingerprint === fingerprint);
    return key ? { sign: true, pgpPublicKey: key.armored, encrypt: true } : { sign: true };
  }
  // The notice of a PGP change sent by an execution started before `mailBefore` existed: signed, never
  // encrypted to the key on file (the one the change set).
  if (message.template === 'security-change' && message.change === 'pgp-key') return { sign: true };
  return current ? { pgpPublicKey: current.armored, encrypt: current.encrypt } : {};
}
