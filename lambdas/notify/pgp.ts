// B3 with OpenPGP.js: the user's public key is validated before it is stored, and every email to a user who
// registered one is signed with the platform key as PGP/MIME (RFC 3156 multipart/signed, detached
// signature) and, when the user asked, encrypted to their key (multipart/encrypted around the signed
// entity, RFC 3156 §6.1), so any OpenPGP mail client can check the origin and only the user can read it.
import {
  createMessage,
  encrypt,
  enums,
  type Key,
  type PublicKey,
  readKeys,
  readSignature,
  type Signature,
  sign,
} from 'openpgp';
import type { CodeOf } from '../kernel/error-codes.js';
import { type ErrorDetail, ValidationError } from '../kernel/errors.js';
import { encryptedEntity, signedEntity } from './mime.js';
import type { MailSigner, ProtectedEntity } from './notifier.js';
import type { PgpKeySource } from './pgp-key.js';
import { checkKeyPair } from './platform-key.js';

/** Larger than any sane single key exported with `--export-options export-minimal`; smaller than a request. */
export const MAX_PUBLIC_KEY_BYTES = 12 * 1024;
const MIN_RSA_BITS = 2048;

export interface UserPgpKey {
  /** The key re-armored by OpenPGP.js: what to store. */
  armored: string;
  fingerprint: string;
  version: number;
  algorithm: string;
  createdAt: Date;
  /** `null`: never expires. */
  expiresAt: Date | null;
  /** Has a subkey (or primary) usable for encryption now. */
  canEncrypt: boolean;
}

const refuse = (message: string, code: CodeOf<400>, detail = message): ValidationError =>
  new ValidationError(message, [{ path: 'publicKey', message: detail } satisfies ErrorDetail], code);

/**
 * Validates a user's armored OpenPGP public key at `now`: one public key (never a private one), not revoked,
 * not expired, a valid self-signature, an accepted algorithm, and, when `requireEncryption`, a key usable for
 * encryption. Every refusal is a ValidationError with a code the client can act on.
 */
export async function validateUserPublicKey(
  armored: unknown,
  options: { now: Date; requireEncryption?: boolean },
): Promise<UserPgpKey> {
  if (typeof armored !== 'string' || armored.trim() === '') {
    throw refuse('The PGP key is empty', 'PGP_KEY_INVALID');
  }
  if (Buffer.byteLength(armored, 'utf8') > MAX_PUBLIC_KEY_BYTES) {
    throw refuse(
      `The PGP key is larger than ${MAX_PUBLIC_KEY_BYTES} bytes; export it with --export-options export-minimal`,
      'PGP_KEY_TOO_LARGE',
    );
  }
  if (/-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(armored)) {
    throw refuse(
      'This is a private key: send only your public key, and never share your private key',
      'PGP_PRIVATE_KEY',
    );
  }
  if (!/-----BEGIN PGP PUBLIC KEY BLOCK-----/.test(armored)) {
    throw refuse('The PGP key must be an ASCII-armored public key block', 'PGP_KEY_INVALID');
  }
  let keys: Key[];
  try {
    keys = await readKeys({ armoredKeys: armored });
  } catch {
    throw refuse('The PGP key could not be read', 'PGP_KEY_INVALID');
  }
  const [key] = keys;
  if (!key || keys.length !== 1) throw refuse('Send exactly one PGP public key', 'PGP_KEY_INVALID');
  if (key.isPrivate()) {
    throw refuse(
      'This is a private key: send only your public key, and never share your private key',
      'PGP_PRIVATE_KEY',
    );
  }
  const { now } = options;
  if (await key.isRevoked(undefined, undefined, now))
    throw refuse('The PGP key is revoked', 'PGP_KEY_REVOKED');
  let expiresAt: Date | null = null;
  try {
    const expiry = await key.getExpirationTime();
    expiresAt = expiry instanceof Date ? expiry : null;
  } catch {
    throw refuse('The PGP key has no valid self-signature', 'PGP_KEY_INVALID');
  }
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    throw refuse(`The PGP key expired at ${expiresAt.toISOString()}`, 'PGP_KEY_EXPIRED');
  }
  if (key.getCreationTime().getTime() > now.getTime()) {
    throw refuse('The PGP key is dated in the future', 'PGP_KEY_INVALID');
  }
  try {
    await key.verifyPrimaryKey(now);
  } catch {
    throw refuse('The PGP key has no valid self-signature', 'PGP_KEY_INVALID');
  }
  const info = key.getAlgorithmInfo();
  if (info.algorithm === 'dsa' || info.algorithm === 'elgamal') {
    throw refuse(`The PGP key's algorithm (${info.algorithm}) is too weak`, 'PGP_KEY_WEAK');
  }
  if (info.algorithm.startsWith('rsa') && (info.bits ?? 0) < MIN_RSA_BITS) {
    throw refuse(`An RSA PGP key needs at least ${MIN_RSA_BITS} bits`, 'PGP_KEY_WEAK');
  }
  const canEncrypt = await usableForEncryption(key, now);
  if (options.requireEncryption && !canEncrypt) {
    throw refuse('The PGP key has no subkey usable for encryption', 'PGP_KEY_NO_ENCRYPTION');
  }
  return {
    armored: key.armor(),
    fingerprint: key.getFingerprint().toUpperCase(),
    version: key.keyPacket.version,
    algorithm: info.curve ? `${info.algorithm}/${info.curve}` : info.algorithm,
    createdAt: key.getCreationTime(),
    expiresAt,
    canEncrypt,
  };
}

async function usableForEncryption(key: Key, now: Date): Promise<boolean> {
  try {
    await key.getEncryptionKey(undefined, now);
    return true;
  } catch {
    return false;
  }
}

/** The user's stored key, if it can still be encrypted to at `now` (it may have expired since). */
export async function encryptionKeyOf(armored: string, now: Date): Promise<PublicKey | undefined> {
  try {
    const [key, ...rest] = await readKeys({ armoredKeys: armored });
    if (!key || rest.length > 0 || key.isPrivate()) return undefined;
    return (await usableForEncryption(key, now)) ? key : undefined;
  } catch {
    return undefined;
  }
}

const MICALG: Partial<Record<number, string>> = {
  [enums.hash.sha256]: 'pgp-sha256',
  [enums.hash.sha384]: 'pgp-sha384',
  [enums.hash.sha512]: 'pgp-sha512',
  [enums.hash.sha224]: 'pgp-sha224',
};

/** The RFC 3156 `micalg` parameter (RFC 4880 §9.4 names) of a signature's hash algorithm: `pgp-sha512`. */
export function micalgOf(signature: Signature): string {
  const algorithm = signature.packets[0]?.hashAlgorithm;
  const micalg = algorithm === undefined || algorithm === null ? undefined : MICALG[algorithm];
  if (!micalg) throw new Error(`Unexpected signature hash algorithm ${String(algorithm)}`);
  return micalg;
}

/** Signs and encrypts MIME entities with the platform key: what the Notifier needs for B3. */
export class PgpMimeSigner implements MailSigner {
  private checked: Promise<void> | undefined;

  constructor(private readonly keys: PgpKeySource) {}

  /** The user's stored key if it can still be encrypted to at `now` (it may have expired since). */
  recipientKey(armored: string, now: Date): Promise<PublicKey | undefined> {
    return encryptionKeyOf(armored, now);
  }

  /** Once per container: the published public key is the signing key's own (users verify with it). */
  private checkPair(): Promise<void> {
    this.checked ??= (async () =>
      checkKeyPair(await this.keys.privateKey(), await this.keys.publicKeyArmored()))();
    this.checked.catch(() => {
      this.checked = undefined;
    });
    return this.checked;
  }

  /** multipart/signed around `entity`, a detached binary signature over its exact bytes, made at `date`. */
  async sign(entity: Uint8Array, date: Date): Promise<Uint8Array> {
    await this.checkPair();
    const armored = await sign({
      message: await createMessage({ binary: entity }),
      signingKeys: await this.keys.privateKey(),
      detached: true,
      format: 'armored',
      date,
    });
    const signature = await readSignature({ armoredSignature: armored });
    return signedEntity(entity, armored, micalgOf(signature));
  }

  /** Signs `entity`, then encrypts the signed entity to `encryptTo` when given (MailSigner). */
  async protect(entity: Uint8Array, at: Date, encryptTo?: string): Promise<ProtectedEntity> {
    const recipient = encryptTo === undefined ? undefined : await this.recipientKey(encryptTo, at);
    if (encryptTo !== undefined && !recipient) return { keyUnusable: true };
    const signed = await this.sign(entity, at);
    return { raw: recipient ? await this.encrypt(signed, recipient, at) : signed };
  }

  /** multipart/encrypted of `entity` (normally the signed one) to `recipient` only. */
  async encrypt(entity: Uint8Array, recipient: PublicKey, date: Date): Promise<Uint8Array> {
    const armored = await encrypt({
      message: await createMessage({ binary: entity }),
      encryptionKeys: recipient,
      format: 'armored',
      date,
    });
    return encryptedEntity(armored);
  }
}
