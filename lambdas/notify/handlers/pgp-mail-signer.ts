// The PgpMailSigner function (B3): PGP/MIME signing (and encryption to the user's key) of email bodies with
// the platform key, and validation of users' public keys. It is the only function that carries OpenPGP.js
// (~330–370 KB minified) and reads the platform key's secret, so every other function stays within the
// 600 KB bundle budget; its own exception is documented in bench/budgets.ts. It never sees an address.
import { ValidationError } from '../../kernel/errors.js';
import { lazyHandler } from '../../kernel/http.js';
import { taskHandler } from '../../kernel/task.js';
import { awsPgpSigner } from '../aws/pgp-signer.js';
import type { MailSigner } from '../notifier.js';
import { PgpMimeSigner, validateUserPublicKey } from '../pgp.js';
import type { PgpKeySource } from '../pgp-key.js';
import {
  type ProtectResponse,
  type SignerRequest,
  signerRequest,
  type ValidateKeyResponse,
} from '../signer-contracts.js';

export async function answer(
  signer: MailSigner,
  request: SignerRequest,
): Promise<ProtectResponse | ValidateKeyResponse> {
  const at = new Date(request.at);
  if (request.action === 'protect') {
    const out = await signer.protect(Buffer.from(request.entity, 'base64'), at, request.encryptTo);
    return out.keyUnusable ? { keyUnusable: true } : { raw: Buffer.from(out.raw).toString('base64') };
  }
  try {
    const key = await validateUserPublicKey(request.armoredKey, {
      now: at,
      requireEncryption: request.requireEncryption,
    });
    return {
      valid: true,
      key: {
        armored: key.armored,
        fingerprint: key.fingerprint,
        version: key.version,
        algorithm: key.algorithm,
        createdAt: key.createdAt.toISOString(),
        expiresAt: key.expiresAt ? key.expiresAt.toISOString() : null,
        canEncrypt: key.canEncrypt,
      },
    };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return {
      valid: false,
      code: err.code,
      message: err.message,
      detail: err.details?.[0]?.message ?? err.message,
    };
  }
}

export const makeHandler = (ports: { pgpKey: PgpKeySource }) => {
  const signer = new PgpMimeSigner(ports.pgpKey);
  return taskHandler(signerRequest, (request) => answer(signer, request));
};

export const handler = lazyHandler(() =>
  taskHandler(signerRequest, (request) => answer(awsPgpSigner(), request)),
);
