// KeyService port: row signing (ECDSA P-256 over a SHA-256 digest, DER as KMS returns it) and data keys.
export type EncryptionContext = Record<string, string>;

export interface KeyService {
  /** Signs a SHA-256 digest (KMS MessageType DIGEST, ECDSA_SHA_256); returns the DER signature. */
  signDigest(digest: Uint8Array): Promise<{ signature: Uint8Array; keyId: string }>;
  /** A signing key's public half (the current key by default) as DER SubjectPublicKeyInfo, for local verification. */
  getPublicKey(keyId?: string): Promise<{ keyId: string; spki: Uint8Array }>;
  /** A fresh 256-bit data key, returned in plaintext and wrapped under the data master key. */
  generateDataKey(
    context: EncryptionContext,
  ): Promise<{ keyId: string; plaintext: Uint8Array; ciphertext: Uint8Array }>;
  /** Unwraps a data key; fails when the context is not the one it was wrapped with. */
  decryptDataKey(ciphertext: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
}
