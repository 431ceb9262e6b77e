// KeyService on AWS KMS: a multi-Region asymmetric ECC_NIST_P256 signing key and a multi-Region symmetric data
// key. Given its Region, it calls each multi-Region key through that Region's member (multi-region-key.ts): in
// the primary Region nothing changes; in the replica Region (after a fail-over) the replicas sign, verify and
// unwrap what the primary keys made, with no cross-Region call. KMS is called through kms.ts (the signed JSON
// caller, not the SDK's client).
import type { EncryptionContext, KeyService } from '../ports/key-service.js';
import { once, requireEnv } from '../runtime/aws-env.js';
import { awsKms, type Kms } from './kms.js';
import { inRegion } from './multi-region-key.js';

export class AwsKeyService implements KeyService {
  private readonly publicKeys = new Map<string, Promise<{ keyId: string; spki: Uint8Array }>>();
  private readonly signingKeyId: string;
  private readonly dataKeyId: string;

  /** `region`: the Region `kms` calls (the Lambda's); without it, key ids are used as given. */
  constructor(
    private readonly kms: Kms,
    signingKeyId: string,
    dataKeyId: string,
    private readonly region?: string,
  ) {
    this.signingKeyId = inRegion(signingKeyId, region);
    this.dataKeyId = inRegion(dataKeyId, region);
  }

  async signDigest(digest: Uint8Array): Promise<{ signature: Uint8Array; keyId: string }> {
    const out = await this.kms.sign({
      KeyId: this.signingKeyId,
      Message: digest,
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    if (!out.Signature || !out.KeyId) throw new Error('KMS Sign returned no signature');
    return { signature: out.Signature, keyId: out.KeyId };
  }

  getPublicKey(keyId: string = this.signingKeyId): Promise<{ keyId: string; spki: Uint8Array }> {
    // Fetched once per key and container: the read path verifies locally and makes no KMS call.
    let key = this.publicKeys.get(keyId);
    if (!key) {
      key = this.fetchPublicKey(keyId);
      key.catch(() => this.publicKeys.delete(keyId));
      this.publicKeys.set(keyId, key);
    }
    return key;
  }

  private async fetchPublicKey(keyId: string): Promise<{ keyId: string; spki: Uint8Array }> {
    // A row signed in another Region names that Region's key: its replica here has the same public key.
    const out = await this.kms.getPublicKey({ KeyId: inRegion(keyId, this.region) });
    if (!out.PublicKey || !out.KeyId) throw new Error('KMS GetPublicKey returned no key');
    return { keyId: out.KeyId, spki: out.PublicKey };
  }

  async generateDataKey(context: EncryptionContext) {
    const out = await this.kms.generateDataKey({
      KeyId: this.dataKeyId,
      KeySpec: 'AES_256',
      EncryptionContext: context,
    });
    if (!out.Plaintext || !out.CiphertextBlob || !out.KeyId)
      throw new Error('KMS GenerateDataKey returned no key');
    return { keyId: out.KeyId, plaintext: out.Plaintext, ciphertext: out.CiphertextBlob };
  }

  async decryptDataKey(ciphertext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const out = await this.kms.decrypt({
      CiphertextBlob: ciphertext,
      EncryptionContext: context,
      KeyId: this.dataKeyId,
    });
    if (!out.Plaintext) throw new Error('KMS Decrypt returned no plaintext');
    return out.Plaintext;
  }
}

export const awsKeyService = /* @__PURE__ */ once(
  () =>
    new AwsKeyService(
      awsKms(),
      requireEnv('SIGNING_KEY_ID'),
      requireEnv('DATA_KEY_ID'),
      requireEnv('AWS_REGION'),
    ),
);
