// B3 in AWS: the PGP/MIME signer of the PgpMailSigner function, with the platform key from Secrets Manager,
// checked by readPlatformKey. Only that function imports this file: it alone carries OpenPGP.js.
import { once } from '../../kernel/runtime/aws-env.js';
import { PgpMimeSigner } from '../pgp.js';
import { readPlatformKey } from '../platform-key.js';
import { awsPgpKeySource } from './pgp-secrets.js';

export const awsPgpSigner = /* @__PURE__ */ once(
  () => new PgpMimeSigner(awsPgpKeySource((armored) => readPlatformKey(armored))),
);
