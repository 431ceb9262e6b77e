// Contract of the KMS adapter, against the cloud harness's KMS emulation (its JSON protocol, errors and IAM over
// the local key service): the exact requests it makes, and that a DER signature as KMS returns it verifies with
// the shared verifier (E1).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsKeyService } from '../../lambdas/kernel/aws/key-service.js';
import { verifySignature } from '../../lambdas/kernel/crypto/verify-signature.js';
import { type KmsHarness, startKmsHarness } from '../support/kms-harness.js';

const SIGNING_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/sign-1';
const DATA_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-data';
const mrk = (region: string, id: string) => `arn:aws:kms:${region}:111122223333:key/mrk-${id}`;
const SIGNING_ID = '0123456789abcdef0123456789abcdef';
const DATA_ID = 'fedcba9876543210fedcba9876543210';
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

let harness: KmsHarness;
let mrkHarness: KmsHarness;

beforeAll(async () => {
  harness = await startKmsHarness(
    { 'eu-west-1': { signing: SIGNING_KEY, data: DATA_KEY } },
    {
      Caller: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
      // may read public keys, not sign
      Reader: [{ Effect: 'Allow', Action: 'kms:GetPublicKey', Resource: SIGNING_KEY }],
    },
  );
  // multi-Region keys: the primaries in eu-west-1, their replicas in eu-central-1
  mrkHarness = await startKmsHarness({
    'eu-west-1': { signing: mrk('eu-west-1', SIGNING_ID), data: mrk('eu-west-1', DATA_ID) },
    'eu-central-1': { signing: mrk('eu-central-1', SIGNING_ID), data: mrk('eu-central-1', DATA_ID) },
  });
});
afterAll(async () => {
  await harness.stop();
  await mrkHarness.stop();
});
beforeEach(() => {
  harness.requests.length = 0;
  mrkHarness.requests.length = 0;
});

describe('AwsKeyService', () => {
  it('E1 signs the digest with ECDSA_SHA_256 and MessageType DIGEST, and the DER result verifies locally', async () => {
    const message = Buffer.from('{"attributes":{},"key":{"pk":"USER#1"},"table":"Accounts"}');
    const digest = createHash('sha256').update(message).digest();
    const service = new AwsKeyService(harness.client('eu-west-1'), SIGNING_KEY, DATA_KEY);

    const { signature, keyId } = await service.signDigest(digest);
    expect(harness.inputs('Sign')).toEqual([
      {
        KeyId: SIGNING_KEY,
        Message: b64(digest),
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      },
    ]);
    expect(keyId).toBe(SIGNING_KEY);
    expect(signature).toBeInstanceOf(Uint8Array);
    const key = await service.getPublicKey(keyId);
    expect(key.spki).toEqual(new Uint8Array((await harness.local.getPublicKey()).spki));
    expect(verifySignature(key.spki, message, signature)).toBe(true);
    expect(verifySignature(key.spki, Buffer.from('something else'), signature)).toBe(false);
  });

  it('E1 fetches each public key once per container, by the key id a row names; an unknown key is NotFoundException, not cached', async () => {
    const service = new AwsKeyService(harness.client('eu-west-1'), SIGNING_KEY, DATA_KEY);
    await Promise.all([service.getPublicKey(), service.getPublicKey(), service.getPublicKey(SIGNING_KEY)]);
    const retired = 'arn:aws:kms:eu-west-1:111122223333:key/sign-0';
    // the name the audit checkpoint's signature check tests for (kernel/audit/checkpoint-writer.ts)
    await expect(service.getPublicKey(retired)).rejects.toMatchObject({
      name: 'NotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(service.getPublicKey(retired)).rejects.toMatchObject({ name: 'NotFoundException' });
    await service.getPublicKey();
    expect(harness.inputs('GetPublicKey').map((input) => input.KeyId)).toEqual([
      SIGNING_KEY,
      retired,
      retired,
    ]);
  });

  it('E2 data keys are AES-256 under the data key, bound to the encryption context both ways', async () => {
    const service = new AwsKeyService(harness.client('eu-west-1'), SIGNING_KEY, DATA_KEY);
    const context = { table: 'Accounts', field: 'contact' };
    const key = await service.generateDataKey(context);
    expect(key.keyId).toBe(DATA_KEY);
    expect(key.plaintext).toHaveLength(32);
    expect(await service.decryptDataKey(key.ciphertext, context)).toEqual(key.plaintext);
    expect(harness.inputs('GenerateDataKey')).toEqual([
      { KeyId: DATA_KEY, KeySpec: 'AES_256', EncryptionContext: context },
    ]);
    expect(harness.inputs('Decrypt')).toEqual([
      { KeyId: DATA_KEY, CiphertextBlob: b64(key.ciphertext), EncryptionContext: context },
    ]);
    // under another context the data key does not open
    await expect(
      service.decryptDataKey(key.ciphertext, { table: 'Accounts', field: 'identity' }),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException', $metadata: { httpStatusCode: 400 } });
  });

  it('E1 a role without kms:Sign is refused with AccessDeniedException, as KMS refuses it', async () => {
    const service = new AwsKeyService(harness.client('eu-west-1', 'Reader'), SIGNING_KEY, DATA_KEY);
    await expect(service.signDigest(new Uint8Array(32))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
      message: expect.stringContaining('kms:Sign'),
    });
    expect((await service.getPublicKey()).keyId).toBe(SIGNING_KEY);
  });

  it('E1/E2 in the replica Region, multi-Region keys are called through their replicas there, never across Regions', async () => {
    const signing = mrk('eu-west-1', SIGNING_ID);
    const data = mrk('eu-west-1', DATA_ID);
    const replica = new AwsKeyService(mrkHarness.client('eu-central-1'), signing, data, 'eu-central-1');
    const primary = new AwsKeyService(mrkHarness.client('eu-west-1'), signing, data, 'eu-west-1');

    // A row the primary Region signed names the primary key: verified through the replica here (the KMS of
    // eu-central-1 knows only the replicas: a primary key id would be NotFoundException there).
    const written = await primary.generateDataKey({ purpose: 'x' });
    mrkHarness.requests.length = 0;
    await replica.getPublicKey(signing);
    const signed = await replica.signDigest(new Uint8Array(32));
    expect(await replica.decryptDataKey(written.ciphertext, { purpose: 'x' })).toEqual(written.plaintext);
    expect(mrkHarness.requests.map((r) => [r.region, r.operation, r.input.KeyId])).toEqual([
      ['eu-central-1', 'GetPublicKey', mrk('eu-central-1', SIGNING_ID)],
      ['eu-central-1', 'Sign', mrk('eu-central-1', SIGNING_ID)],
      ['eu-central-1', 'Decrypt', mrk('eu-central-1', DATA_ID)],
    ]);
    expect(signed.keyId).toBe(mrk('eu-central-1', SIGNING_ID));

    // In the primary Region, and for single-Region keys, the ids are used as given.
    mrkHarness.requests.length = 0;
    const fresh = new AwsKeyService(mrkHarness.client('eu-west-1'), signing, data, 'eu-west-1');
    await fresh.getPublicKey(mrk('eu-central-1', SIGNING_ID));
    await expect(fresh.getPublicKey(SIGNING_KEY)).rejects.toMatchObject({ name: 'NotFoundException' });
    expect(mrkHarness.requests.map((r) => r.input.KeyId)).toEqual([signing, SIGNING_KEY]);
  });
});
