// Contract of the KMS adapter: the exact requests it makes, and that a DER signature as KMS returns it
// verifies with the shared verifier (E1).
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import {
  DecryptCommand,
  GenerateDataKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsKeyService } from '../../lambdas/kernel/aws/key-service.js';
import { verifySignature } from '../../lambdas/kernel/crypto/verify-signature.js';

const SIGNING_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/sign-1';
const DATA_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-data';
const kms = mockClient(KMSClient);
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const spki = publicKey.export({ type: 'spki', format: 'der' });

beforeEach(() => kms.reset());

describe('AwsKeyService', () => {
  it('E1 signs the digest with ECDSA_SHA_256 and MessageType DIGEST, and the DER result verifies locally', async () => {
    const message = Buffer.from('{"attributes":{},"key":{"pk":"USER#1"},"table":"Accounts"}');
    const digest = createHash('sha256').update(message).digest();
    // What KMS returns for a DIGEST request is the DER ECDSA signature of the message hashed with SHA-256.
    kms.on(SignCommand).resolves({ KeyId: SIGNING_KEY, Signature: sign('sha256', message, privateKey) });
    kms.on(GetPublicKeyCommand).resolves({ KeyId: SIGNING_KEY, PublicKey: spki });
    const service = new AwsKeyService(new KMSClient({ region: 'eu-west-1' }), SIGNING_KEY, DATA_KEY);

    const { signature, keyId } = await service.signDigest(digest);
    expect(kms.commandCalls(SignCommand)[0]?.args[0].input).toEqual({
      KeyId: SIGNING_KEY,
      Message: digest,
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    const key = await service.getPublicKey(keyId);
    expect(verifySignature(key.spki, message, signature)).toBe(true);
    expect(verifySignature(key.spki, Buffer.from('something else'), signature)).toBe(false);
  });

  it('E1 fetches each public key once per container, by the key id a row names', async () => {
    kms
      .on(GetPublicKeyCommand)
      .callsFake((input: { KeyId: string }) => ({ KeyId: input.KeyId, PublicKey: spki }));
    const service = new AwsKeyService(new KMSClient({ region: 'eu-west-1' }), SIGNING_KEY, DATA_KEY);
    await Promise.all([service.getPublicKey(), service.getPublicKey(), service.getPublicKey(SIGNING_KEY)]);
    await service.getPublicKey('arn:aws:kms:eu-west-1:111122223333:key/sign-0');
    expect(kms.commandCalls(GetPublicKeyCommand).map((c) => c.args[0].input.KeyId)).toEqual([
      SIGNING_KEY,
      'arn:aws:kms:eu-west-1:111122223333:key/sign-0',
    ]);
  });

  it('E2 data keys are AES-256 under the data key, bound to the encryption context both ways', async () => {
    kms.on(GenerateDataKeyCommand).resolves({
      KeyId: DATA_KEY,
      Plaintext: new Uint8Array(32),
      CiphertextBlob: new Uint8Array([1, 2, 3]),
    });
    kms.on(DecryptCommand).resolves({ KeyId: DATA_KEY, Plaintext: new Uint8Array(32) });
    const service = new AwsKeyService(new KMSClient({ region: 'eu-west-1' }), SIGNING_KEY, DATA_KEY);
    const context = { table: 'Accounts', field: 'contact' };
    const key = await service.generateDataKey(context);
    await service.decryptDataKey(key.ciphertext, context);
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input).toEqual({
      KeyId: DATA_KEY,
      KeySpec: 'AES_256',
      EncryptionContext: context,
    });
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input).toEqual({
      KeyId: DATA_KEY,
      CiphertextBlob: new Uint8Array([1, 2, 3]),
      EncryptionContext: context,
    });
  });

  it('E1/E2 in the replica Region, multi-Region keys are called through their replicas there, never across Regions', async () => {
    const mrk = (region: string, id: string) => `arn:aws:kms:${region}:111122223333:key/mrk-${id}`;
    const signing = mrk('eu-west-1', '0123456789abcdef0123456789abcdef');
    const data = mrk('eu-west-1', 'fedcba9876543210fedcba9876543210');
    kms
      .on(GetPublicKeyCommand)
      .callsFake((input: { KeyId: string }) => ({ KeyId: input.KeyId, PublicKey: spki }));
    kms
      .on(SignCommand)
      .callsFake((input: { KeyId: string }) => ({ KeyId: input.KeyId, Signature: new Uint8Array([1]) }));
    kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(32) });
    const replica = new AwsKeyService(
      new KMSClient({ region: 'eu-central-1' }),
      signing,
      data,
      'eu-central-1',
    );

    // A row the primary Region signed names the primary key: verified through the replica here.
    await replica.getPublicKey(signing);
    const signed = await replica.signDigest(new Uint8Array(32));
    await replica.decryptDataKey(new Uint8Array([1]), { purpose: 'x' });
    expect(kms.commandCalls(GetPublicKeyCommand)[0]?.args[0].input.KeyId).toBe(
      mrk('eu-central-1', '0123456789abcdef0123456789abcdef'),
    );
    expect(signed.keyId).toBe(mrk('eu-central-1', '0123456789abcdef0123456789abcdef'));
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input.KeyId).toBe(
      mrk('eu-central-1', 'fedcba9876543210fedcba9876543210'),
    );

    // In the primary Region, and for single-Region keys, the ids are used as given.
    kms.resetHistory();
    const primary = new AwsKeyService(new KMSClient({ region: 'eu-west-1' }), signing, data, 'eu-west-1');
    await primary.getPublicKey(mrk('eu-central-1', '0123456789abcdef0123456789abcdef'));
    await primary.getPublicKey(SIGNING_KEY);
    expect(kms.commandCalls(GetPublicKeyCommand).map((c) => c.args[0].input.KeyId)).toEqual([
      signing,
      SIGNING_KEY,
    ]);
  });
});
