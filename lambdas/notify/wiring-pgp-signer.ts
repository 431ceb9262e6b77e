// The PGP/MIME signer of a mail-sending function in AWS: the platform key from Secrets Manager, checked by
// readPlatformKey. Only functions that send email import this (it brings OpenPGP.js, ~330 KB minified).

import { once } from '../kernel/runtime/aws-env.js';
import { PgpMimeSigner } from './pgp.js';
import { readPlatformKey } from './platform-key.js';
import { awsPgpKeySource } from './wiring-pgp-key.js';

export const awsPgpSigner = once(
  () => new PgpMimeSigner(awsPgpKeySource((armored) => readPlatformKey(armored))),
);
