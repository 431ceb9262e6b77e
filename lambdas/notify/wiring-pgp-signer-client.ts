// B3 in AWS: the PgpMailSigner function, invoked synchronously (PGP_SIGNER_FUNCTION): signing for the
// user-mail function, key validation for the pgp-key route. Carries the Lambda client only, no OpenPGP.js.

import { invoker } from '../kernel/aws/lambda-invoke.js';
import { once } from '../kernel/runtime/aws-env.js';
import { PgpSignerClient } from './pgp-signer-client.js';

export const awsPgpSignerClient = once(() => new PgpSignerClient(invoker('PGP_SIGNER_FUNCTION')));
