// The notification preferences (B3, B4) of the Lambda runtime: signed rows of the accounts table.
// B3 in AWS: the platform OpenPGP key in the Secrets Manager secret PGP_KEY_SECRET (encrypted at rest with
// KMS), SecretString `{"privateKey": "<armored, unprotected>", "publicKey": "<armored>"}`. Read once per
// container; a failed read is retried on the next call. This module does not load OpenPGP.js (the parser of
// the private key is passed in): the public route's function reads the public half and stays small.
// B3 in AWS: the PgpMailSigner function, invoked synchronously (PGP_SIGNER_FUNCTION): signing for the
// user-mail function, key validation for the pgp-key route. Carries the Lambda client only, no OpenPGP.js.
// The PGP/MIME signer of a mail-sending function in AWS: the platform key from Secrets Manager, checked by
// readPlatformKey. Only functions that send email import this (it brings OpenPGP.js, ~330 KB minified).

import { invoker } from '../kernel/aws/lambda-invoke.js';
import { awsSignedRows } from '../kernel/aws/tables.js';
import { once } from '../kernel/runtime/aws-env.js';
import { NotificationPrefsStore } from './notification-prefs.js';
import { PgpSignerClient } from './pgp-signer-client.js';

export const awsNotificationPrefs = /* @__PURE__ */ once(
  () => new NotificationPrefsStore(awsSignedRows().tables.accounts),
);

export const awsPgpSignerClient = /* @__PURE__ */ once(
  () => new PgpSignerClient(invoker('PGP_SIGNER_FUNCTION')),
);

// Published to other contexts.
export { awsAccountStoreWithContacts } from '../account/wiring.js';
export { awsReauthIdentityProvider } from '../auth/wiring.js';
export { awsSecurityChanges } from '../security/wiring.js';
