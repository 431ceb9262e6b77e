// B3: checks and generation of the platform's OpenPGP key (with OpenPGP.js). It must be a v4 key with the
// legacy EdDSA/ECDH curve25519 algorithms (or ECDSA/RSA): GnuPG 2.2 reads neither v6 keys nor the RFC 9580
// Ed25519/X25519 algorithm ids, and every user's mail client must be able to check our signatures.
import { generateKey, type PrivateKey, readKey, readPrivateKey, type UserID } from 'openpgp';

/** Primary-key algorithms GnuPG 2.2 can verify. */
const GPG22_SIGNING = new Set<string>(['eddsaLegacy', 'ecdsa', 'rsaEncryptSign', 'rsaSign']);

export class PlatformKeyError extends Error {
  override readonly name = 'PlatformKeyError';
}

/** Parses and checks the platform private key: v4, unlocked, a GnuPG 2.2 algorithm, able to sign at `now`. */
export async function readPlatformKey(armored: string, now: Date = new Date()): Promise<PrivateKey> {
  let key: PrivateKey;
  try {
    key = await readPrivateKey({ armoredKey: armored });
  } catch (err) {
    throw new PlatformKeyError(
      `The platform PGP key is not an armored private key: ${(err as Error).message}`,
    );
  }
  if (key.keyPacket.version !== 4) {
    throw new PlatformKeyError(`The platform PGP key is v${key.keyPacket.version}; GnuPG 2.2 needs a v4 key`);
  }
  if (!key.isDecrypted()) throw new PlatformKeyError('The platform PGP key is passphrase-protected');
  const { algorithm } = key.getAlgorithmInfo();
  if (!GPG22_SIGNING.has(algorithm)) {
    throw new PlatformKeyError(`The platform PGP key's algorithm ${algorithm} is not readable by GnuPG 2.2`);
  }
  try {
    await key.getSigningKey(undefined, now);
  } catch (err) {
    throw new PlatformKeyError(
      `The platform PGP key cannot sign at ${now.toISOString()}: ${(err as Error).message}`,
    );
  }
  return key;
}

/** The stored public key must be the private key's own public half (else users would check the wrong key). */
export async function checkKeyPair(privateKey: PrivateKey, armoredPublic: string): Promise<void> {
  const published = await readKey({ armoredKey: armoredPublic });
  if (published.isPrivate() || published.getFingerprint() !== privateKey.getFingerprint()) {
    throw new PlatformKeyError('The published PGP public key is not the public half of the signing key');
  }
}

/**
 * A new platform key: v4 EdDSA (ed25519, legacy encoding) primary for signing and an ECDH cv25519 subkey,
 * no expiry (rotation is an operator decision, docs/notifications.md), no passphrase (the secret store, or
 * the state folder's owner-only file, protects it).
 */
export async function generatePlatformKey(
  userID: UserID,
  date: Date,
): Promise<{ privateKey: string; publicKey: string }> {
  const { privateKey, publicKey } = await generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [userID],
    date,
    format: 'armored',
    config: { v6Keys: false },
  });
  return { privateKey, publicKey };
}
