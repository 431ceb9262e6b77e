// The notify context's components over the runtime's Infra (kernel/infra.ts), and their Lambda instances:
// the anti-phishing phrase and PGP key of each user (B3, B4) and the PgpMailSigner's client. The signer's own
// wiring (OpenPGP.js, the platform key) is in aws/pgp-signer.ts, so no other bundle carries it.
import * as aws from '../kernel/aws/infra.js';
import type { Infra } from '../kernel/infra.js';
import { outboxOf } from '../kernel/outbox.js';
import { once } from '../kernel/runtime/aws-env.js';
import { NotificationPrefsStore } from './notification-prefs.js';
import { PgpSignerClient } from './pgp-signer-client.js';

export const notificationPrefs = (infra: Pick<Infra, 'rows'>) =>
  new NotificationPrefsStore(infra.rows().tables.accounts);
export const pgpSignerClient = (infra: Pick<Infra, 'invoke'>) =>
  new PgpSignerClient(infra.invoke('PGP_SIGNER_FUNCTION'));

/** A preference change's audit record, written with it (kernel/outbox.ts). */
export const awsNotifyOutbox = /* @__PURE__ */ once(() => outboxOf({ rows: aws.rows, clock: aws.clock }));
export const awsNotificationPrefs = /* @__PURE__ */ once(() => notificationPrefs({ rows: aws.rows }));
export const awsPgpSignerClient = /* @__PURE__ */ once(() => pgpSignerClient({ invoke: aws.invoke }));

// Published to other contexts.
export { awsAccountStoreWithContacts } from '../account/wiring.js';
export { awsSecurityChanges } from '../security/wiring.js';
