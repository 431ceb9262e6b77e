// KeyService on node:crypto and @noble/curves for the local runtime, with its keys in the state folder. Output
// formats are KMS's: DER ECDSA_SHA_256 signatures over a precomputed digest, so verify-signature.ts checks both.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import { join } from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import type { EncryptionContext, KeyService } from '../../lambdas/kernel/ports/key-service.js';
import { JsonFile } from './json-file.js';

interface KeyFile {
  signingKey: { keyId: string; pkcs8: string };
  /** Signing keys rotated out: their public halves only, so rows they signed still verify. */
  retiredSigningKeys?: { keyId: string; spki: string }[];
  dataKey: { keyId: string; key: string };
}

const newSigningKey = () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    keyId: localKeyArn(),
    pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  };
};

/** Wrapped data key layout: version, 12-byte IV, 16-byte GCM tag, encrypted key. */
const WRAP_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** KMS's error for a key id it does not know. */
export class NotFoundException extends Error {
  override readonly name = 'NotFoundException';
}

/** KMS's error for a ciphertext that does not open under the given key and context. */
export class InvalidCiphertextException extends Error {
  override readonly name = 'InvalidCiphertextException';
}

const localKeyArn = () => `arn:aws:kms:local:000000000000:key/${randomUUID()}`;

function newKeyFile(): KeyFile {
  return {
    signingKey: newSigningKey(),
    dataKey: { keyId: localKeyArn(), key: randomBytes(32).toString('base64') },
  };
}

/** The encryption context as AAD: KMS treats it as an unordered map, so the keys are sorted. */
function contextAad(keyId: string, context: EncryptionContext): Buffer {
  const sorted = Object.keys(context)
    .sort()
    .map((k) => [k, context[k]]);
  return Buffer.from(JSON.stringify({ keyId, context: sorted }), 'utf8');
}

export class LocalKeyService implements KeyService {
  private constructor(
    private readonly signingKeyId: string,
    private readonly signingScalar: Uint8Array,
    private readonly spki: Uint8Array,
    private readonly dataKeyId: string,
    private readonly dataKey: Buffer,
    private readonly retired: ReadonlyMap<string, Uint8Array> = new Map(),
  ) {}

  /**
   * Key rotation, as a new KMS signing key would be: the current key is retired (its public half kept, its
   * private half dropped) and a new one signs from now on. Returns the new key id.
   */
  static async rotateSigningKey(stateDir: string): Promise<string> {
    const file = new JsonFile<KeyFile>(join(stateDir, 'keys.json'));
    const current = await file.readOrCreate(newKeyFile);
    const spki = createPublicKey(
      createPrivateKey({
        key: Buffer.from(current.signingKey.pkcs8, 'base64'),
        format: 'der',
        type: 'pkcs8',
      }),
    ).export({ type: 'spki', format: 'der' });
    const next: KeyFile = {
      ...current,
      signingKey: newSigningKey(),
      retiredSigningKeys: [
        ...(current.retiredSigningKeys ?? []),
        { keyId: current.signingKey.keyId, spki: spki.toString('base64') },
      ],
    };
    await file.write(next);
    return next.signingKey.keyId;
  }

  /** Loads the keys from `<stateDir>/keys.json`, creating them on first start. */
  static async open(stateDir: string): Promise<LocalKeyService> {
    const file = await new JsonFile<KeyFile>(join(stateDir, 'keys.json')).readOrCreate(newKeyFile);
    const privateKey = createPrivateKey({
      key: Buffer.from(file.signingKey.pkcs8, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    const d = privateKey.export({ format: 'jwk' }).d;
    if (!d) throw new Error('Local signing key has no private scalar');
    return new LocalKeyService(
      file.signingKey.keyId,
      Buffer.from(d, 'base64url'),
      createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
      file.dataKey.keyId,
      Buffer.from(file.dataKey.key, 'base64'),
      new Map((file.retiredSigningKeys ?? []).map((k) => [k.keyId, Buffer.from(k.spki, 'base64')])),
    );
  }

  async signDigest(digest: Uint8Array): Promise<{ signature: Uint8Array; keyId: string }> {
    if (digest.length !== 32) throw new Error('A SHA-256 digest is 32 bytes');
    // node:crypto always hashes its input; noble signs the digest as given, like KMS with MessageType DIGEST.
    const signature = p256.sign(digest, this.signingScalar, { prehash: false, format: 'der' });
    return { signature, keyId: this.signingKeyId };
  }

  async getPublicKey(keyId: string = this.signingKeyId): Promise<{ keyId: string; spki: Uint8Array }> {
    if (keyId === this.signingKeyId) return { keyId, spki: this.spki };
    const retired = this.retired.get(keyId);
    if (!retired) throw new NotFoundException(`Key '${keyId}' does not exist`);
    return { keyId, spki: retired };
  }

  async generateDataKey(context: EncryptionContext) {
    const plaintext = randomBytes(32);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.dataKey, iv);
    cipher.setAAD(contextAad(this.dataKeyId, context));
    const encrypted = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const ciphertext = Buffer.concat([Buffer.of(WRAP_VERSION), iv, cipher.getAuthTag(), encrypted]);
    return {
      keyId: this.dataKeyId,
      plaintext: new Uint8Array(plaintext),
      ciphertext: new Uint8Array(ciphertext),
    };
  }

  async decryptDataKey(ciphertext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const blob = Buffer.from(ciphertext);
    if (blob.length < 1 + IV_BYTES + TAG_BYTES + 1 || blob[0] !== WRAP_VERSION) {
      throw new InvalidCiphertextException('Ciphertext is not a wrapped data key');
    }
    const iv = blob.subarray(1, 1 + IV_BYTES);
    const tag = blob.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.dataKey, iv);
    decipher.setAAD(contextAad(this.dataKeyId, context));
    decipher.setAuthTag(tag);
    try {
      return new Uint8Array(
        Buffer.concat([decipher.update(blob.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]),
      );
    } catch {
      throw new InvalidCiphertextException('Ciphertext does not open under this key and encryption context');
    }
  }
}
