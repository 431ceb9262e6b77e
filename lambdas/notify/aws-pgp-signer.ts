// The PGP/MIME signer of a mail-sending function in AWS: the platform key from Secrets Manager, checked by
// readPlatformKey. Only functions that send email import this (it brings OpenPGP.js, ~330 KB minified).
import { awsPgpKeySource } from '../shared/adapters/aws-pgp-key.js';
import { once } from '../shared/runtime/aws-env.js';
import { PgpMimeSigner } from './pgp.js';
import { readPlatformKey } from './platform-key.js';

export const awsPgpSigner = once(
  () => new PgpMimeSigner(awsPgpKeySource((armored) => readPlatformKey(armored))),
);
