// The caller's side of the PgpMailSigner function (B3): a MailSigner for the Notifier of the user-mail
// function and the key validation of the pgp-key route, over any invoke (Lambda in AWS, in-process locally).
// No OpenPGP.js here: that is the point of the separate function.
import { ValidationError } from '../kernel/errors.js';
import type { MailSigner, ProtectedEntity } from './notifier.js';
import type {
  ProtectResponse,
  SignerRequest,
  ValidatedKey,
  ValidateKeyResponse,
} from './signer-contracts.js';

export type SignerInvoke = (request: SignerRequest) => Promise<unknown>;

export class PgpSignerClient implements MailSigner {
  constructor(private readonly invoke: SignerInvoke) {}

  async protect(entity: Uint8Array, at: Date, encryptTo?: string): Promise<ProtectedEntity> {
    const out = (await this.invoke({
      action: 'protect',
      entity: Buffer.from(entity).toString('base64'),
      at: at.toISOString(),
      ...(encryptTo !== undefined ? { encryptTo } : {}),
    })) as ProtectResponse;
    if (out.keyUnusable) return { keyUnusable: true };
    if (typeof out.raw !== 'string') throw new Error('The PGP signer answered without an entity');
    return { raw: new Uint8Array(Buffer.from(out.raw, 'base64')) };
  }

  /** validateUserPublicKey in the signer function; a refusal is the same ValidationError (400, code). */
  async validateKey(
    armoredKey: string,
    options: { now: Date; requireEncryption: boolean },
  ): Promise<ValidatedKey> {
    const out = (await this.invoke({
      action: 'validate-key',
      armoredKey,
      requireEncryption: options.requireEncryption,
      at: options.now.toISOString(),
    })) as ValidateKeyResponse;
    if (out.valid) return out.key;
    throw new ValidationError(out.message, [{ path: 'armoredKey', message: out.detail }], out.code);
  }
}
