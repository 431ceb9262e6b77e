// GET /v1/pgp-key: public, the platform's OpenPGP public key (B3), so users can verify signed emails.

import { httpHandler, lazyHandler } from '../../kernel/http.js';
import { awsPgpPublicKey } from '../aws/pgp-secrets.js';
import { type PgpPublicKeySource, publishedPlatformKey } from '../pgp-key.js';

export const makeHandler = (ports: { pgpKey: PgpPublicKeySource }) =>
  httpHandler({}, async () => ({ body: await publishedPlatformKey(ports.pgpKey) }));

export const handler = lazyHandler(() => makeHandler({ pgpKey: awsPgpPublicKey() }));
