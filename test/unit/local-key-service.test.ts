// Unit tests of the local KeyService (E1, E2): KMS-format signatures checked by the shared verifier, keys kept
// across restarts, data keys bound to their encryption context.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, verifySignature } from '../../lambdas/kernel/crypto/verify-signature.js';
import { InvalidCiphertextException, LocalKeyService } from '../../local/adapters/key-service.js';

let stateDir: string;
beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-kms-'));
});
afterAll(() => rm(stateDir, { recursive: true, force: true }));

describe('LocalKeyService', () => {
  it('E1 signs a SHA-256 digest in DER, as KMS ECDSA_SHA_256 does; verifySignature checks it against the message', async () => {
    const keys = await LocalKeyService.open(stateDir);
    const message = new TextEncoder().encode('{"pk":"USER#1","sk":"ACCOUNT"}');
    const { signature, keyId } = await keys.signDigest(sha256(message));
    const { spki, keyId: publicKeyId } = await keys.getPublicKey();
    expect(keyId).toBe(publicKeyId);
    expect(keyId).toMatch(/^arn:aws:kms:local:000000000000:key\//);
    expect(signature[0]).toBe(0x30); // DER SEQUENCE
    expect(verifySignature(spki, message, signature)).toBe(true);
    expect(verifySignature(spki, new TextEncoder().encode('tampered'), signature)).toBe(false);
    await expect(keys.signDigest(message)).rejects.toThrow(/32 bytes/);
  });

  it('E1 keeps its keys in the state folder across restarts and knows no other key id', async () => {
    const first = await LocalKeyService.open(stateDir);
    const second = await LocalKeyService.open(stateDir);
    expect(await second.getPublicKey()).toEqual(await first.getPublicKey());
    const { ciphertext, plaintext } = await first.generateDataKey({ table: 'Accounts' });
    expect(await second.decryptDataKey(ciphertext, { table: 'Accounts' })).toEqual(plaintext);
    await expect(first.getPublicKey('arn:aws:kms:local:000000000000:key/other')).rejects.toThrow(
      /does not exist/,
    );
  });

  it('E2 a data key opens only under the encryption context it was made with (in any key order)', async () => {
    const keys = await LocalKeyService.open(stateDir);
    const context = { userId: 'u-1', field: 'email' };
    const { plaintext, ciphertext, keyId } = await keys.generateDataKey(context);
    expect(plaintext).toHaveLength(32);
    expect(keyId).toMatch(/^arn:aws:kms:/);
    expect(await keys.decryptDataKey(ciphertext, { field: 'email', userId: 'u-1' })).toEqual(plaintext);
    await expect(keys.decryptDataKey(ciphertext, { userId: 'u-2', field: 'email' })).rejects.toBeInstanceOf(
      InvalidCiphertextException,
    );
    await expect(keys.decryptDataKey(ciphertext, {})).rejects.toBeInstanceOf(InvalidCiphertextException);
    const tampered = Uint8Array.from(ciphertext);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    await expect(keys.decryptDataKey(tampered, context)).rejects.toBeInstanceOf(InvalidCiphertextException);
  });
});
