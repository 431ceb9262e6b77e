// B3 in AWS: the PgpMailSigner function, invoked synchronously (PGP_SIGNER_FUNCTION): signing for the
// user-mail function, key validation for the pgp-key route. Carries the Lambda client only, no OpenPGP.js.
import { PgpSignerClient } from '../../notify/pgp-signer-client.js';
import { once } from '../runtime/aws-env.js';
import { invoker } from './lambda-invoke.js';

export const awsPgpSignerClient = once(() => new PgpSignerClient(invoker('PGP_SIGNER_FUNCTION')));
