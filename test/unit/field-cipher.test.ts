// Field-group encryption (E2): round trip, no plaintext at rest, a moved ciphertext is refused, and the data-key
// cache bound holds — counted at the local keyring and at KMS (the cloud harness's KMS emulation, through our
// KMS client) with its exact requests.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type EncryptedDataKey,
  KeyringNode,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/material-management-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createAwsFieldCipher,
  keyArnForRegion,
  replicaKeyArn,
} from '../../lambdas/kernel/aws/field-cipher.js';
import { IntegrityError } from '../../lambdas/kernel/errors.js';
import {
  createFieldCipher,
  DATA_KEY_CACHE_BOUND,
  encryptionContextOf,
  type FieldBinding,
} from '../../lambdas/kernel/privacy/field-cipher.js';
import {
  LOCAL_FIELD_KEY_FILE,
  localFieldKeyring,
  openLocalFieldCipher,
} from '../../local/adapters/field-cipher.js';
import { type KmsHarness, startKmsHarness } from '../support/kms-harness.js';

const ROW: FieldBinding = { table: 'Accounts', key: { pk: 'USER#1', sk: 'PROFILE' }, group: 'contact' };
const CONTACT = { email: 'john.doe@example.com', phone: '+44 7700 900123' };

/** Counts what reaches the wrapping keyring: each call is one KMS call in AWS. */
class CountingKeyring extends KeyringNode {
  readonly calls = { wrap: 0, unwrap: 0 };
  constructor(private readonly inner: KeyringNode) {
    super();
  }
  override async _onEncrypt(material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    this.calls.wrap++;
    return this.inner.onEncrypt(material);
  }
  override async _onDecrypt(material: NodeDecryptionMaterial, edks: EncryptedDataKey[]) {
    this.calls.unwrap++;
    return this.inner.onDecrypt(material, edks);
  }
}

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-field-cipher-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(stateDir, { recursive: true, force: true });
});

describe('FieldCipher (local raw AES keyring)', () => {
  it('E2 a field group round-trips and the stored ciphertext never contains the plaintext', async () => {
    const cipher = await openLocalFieldCipher(stateDir);
    const stored = await cipher.encrypt(ROW, CONTACT);
    expect(await cipher.decrypt(ROW, stored)).toEqual(CONTACT);

    const bytes = Buffer.from(stored, 'base64');
    for (const value of [...Object.values(CONTACT), 'john.doe', '900123']) {
      expect(stored).not.toContain(value);
      expect(bytes.includes(Buffer.from(value, 'utf8'))).toBe(false);
      expect(bytes.includes(Buffer.from(value, 'utf16le'))).toBe(false);
    }
    // Nor the row key: the binding travels inside the authenticated plaintext.
    expect(bytes.includes(Buffer.from('USER#1'))).toBe(false);
  });

  it('E2 the wrapping key is created once, owner-only, and reused after a restart', async () => {
    const stored = await (await openLocalFieldCipher(stateDir)).encrypt(ROW, CONTACT);
    const file = join(stateDir, LOCAL_FIELD_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const before = await readFile(file, 'utf8');
    const restarted = await openLocalFieldCipher(stateDir);
    expect(await restarted.decrypt(ROW, stored)).toEqual(CONTACT);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it.each([
    ['another row', { ...ROW, key: { pk: 'USER#2', sk: 'PROFILE' } }],
    ['another sort key', { ...ROW, key: { pk: 'USER#1', sk: 'PROFILE#2' } }],
    ['another key attribute set', { ...ROW, key: { pk: 'USER#1' } }],
    ['another field group', { ...ROW, group: 'identity' }],
    ['another table', { ...ROW, table: 'Withdrawals' }],
  ])('E2 a ciphertext moved to %s does not decrypt', async (_, moved) => {
    const cipher = await openLocalFieldCipher(stateDir);
    const stored = await cipher.encrypt(ROW, CONTACT);
    await expect(cipher.decrypt(moved, stored)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('E2 a tampered, truncated or foreign message is an IntegrityError', async () => {
    const cipher = await openLocalFieldCipher(stateDir);
    const stored = Buffer.from(await cipher.encrypt(ROW, CONTACT), 'base64');
    const flipped = Buffer.from(stored);
    flipped[flipped.length - 40] = (flipped[flipped.length - 40] ?? 0) ^ 1;
    const foreign = await (await openLocalFieldCipher(join(stateDir, 'other'))).encrypt(ROW, CONTACT);
    for (const bad of [
      flipped.toString('base64'),
      stored.subarray(0, stored.length - 1).toString('base64'),
      foreign,
      'not base64!',
      '',
    ]) {
      await expect(cipher.decrypt(ROW, bad)).rejects.toBeInstanceOf(IntegrityError);
    }
  });

  it('E2 key order and key attribute order do not matter: the key is compared canonically', async () => {
    const cipher = await openLocalFieldCipher(stateDir);
    const stored = await cipher.encrypt(ROW, CONTACT);
    expect(await cipher.decrypt({ ...ROW, key: { sk: 'PROFILE', pk: 'USER#1' } }, stored)).toEqual(CONTACT);
  });

  it('E2 caching bound: one wrap per maxMessagesEncrypted messages, one unwrap per data key per container', async () => {
    const keyring = new CountingKeyring(await localFieldKeyring(stateDir));
    const writer = createFieldCipher(keyring);
    const n = DATA_KEY_CACHE_BOUND.maxMessagesEncrypted + 1;
    const stored: string[] = [];
    for (let i = 0; i < n; i++) {
      stored.push(await writer.encrypt({ ...ROW, key: { pk: `USER#${i}`, sk: 'PROFILE' } }, CONTACT));
    }
    // 1,001 rows: the first data key serves 1,000 messages, the 1,001st needs a second one.
    expect(keyring.calls.wrap).toBe(2);

    // Another container reads every row: one unwrap per distinct data key, not per row.
    const readerKeyring = new CountingKeyring(await localFieldKeyring(stateDir));
    const reader = createFieldCipher(readerKeyring);
    for (let i = 0; i < n; i++) {
      const row = { ...ROW, key: { pk: `USER#${i}`, sk: 'PROFILE' } };
      expect(await reader.decrypt(row, stored[i] ?? '')).toEqual(CONTACT);
    }
    expect(readerKeyring.calls.unwrap).toBe(2);
  });

  it('E2 caching bound: a data key older than maxAge is not reused (clock moved, no sleep)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const keyring = new CountingKeyring(await localFieldKeyring(stateDir));
    const cipher = createFieldCipher(keyring);
    await cipher.encrypt(ROW, CONTACT);
    vi.setSystemTime(Date.now() + DATA_KEY_CACHE_BOUND.maxAgeMs - 1000);
    await cipher.encrypt(ROW, CONTACT);
    expect(keyring.calls.wrap).toBe(1);
    vi.setSystemTime(Date.now() + 2000);
    await cipher.encrypt(ROW, CONTACT);
    expect(keyring.calls.wrap).toBe(2);
  });

  it('E2 data keys are partitioned by table and field group, not by row', async () => {
    const keyring = new CountingKeyring(await localFieldKeyring(stateDir));
    const cipher = createFieldCipher(keyring);
    await cipher.encrypt(ROW, CONTACT);
    await cipher.encrypt({ ...ROW, key: { pk: 'USER#2', sk: 'PROFILE' } }, CONTACT);
    await cipher.encrypt({ ...ROW, group: 'identity' }, { name: 'John Doe' });
    await cipher.encrypt({ ...ROW, table: 'Kyc' }, CONTACT);
    expect(keyring.calls.wrap).toBe(3);
  });
});

describe('FieldCipher on AWS (MRK-aware KMS keyring, the harness KMS)', () => {
  const PRIMARY = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef';
  const REPLICA = replicaKeyArn(PRIMARY, 'eu-central-1');
  const SIGNING = 'arn:aws:kms:eu-west-1:111122223333:key/sign-1';
  // KMS in each Region knows its own member of the multi-Region data key; both share the key material.
  let kms: KmsHarness;
  beforeAll(async () => {
    kms = await startKmsHarness({
      'eu-west-1': { signing: SIGNING, data: PRIMARY },
      'eu-central-1': { signing: SIGNING, data: REPLICA },
    });
  });
  afterAll(() => kms.stop());
  beforeEach(() => {
    kms.requests.length = 0;
  });

  it('E2 the replica ARN is the primary mrk- key in the replica Region, and each Region calls its own', () => {
    expect(REPLICA).toBe('arn:aws:kms:eu-central-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef');
    expect(keyArnForRegion({ primary: PRIMARY, replica: REPLICA }, 'eu-west-1')).toBe(PRIMARY);
    expect(keyArnForRegion({ primary: PRIMARY, replica: REPLICA }, 'eu-central-1')).toBe(REPLICA);
    expect(() => keyArnForRegion({ primary: PRIMARY, replica: REPLICA }, 'us-east-1')).toThrow(/us-east-1/);
    expect(() => replicaKeyArn('arn:aws:kms:eu-west-1:111122223333:key/1234abcd', 'eu-central-1')).toThrow();
  });

  it('E2 KMS sees one GenerateDataKey and one Decrypt for many rows, with the key id and the data-key context', async () => {
    const writer = createAwsFieldCipher(kms.client('eu-west-1'), PRIMARY);
    const rows = Array.from({ length: 50 }, (_, i) => ({ ...ROW, key: { pk: `USER#${i}`, sk: 'PROFILE' } }));
    const stored: string[] = [];
    for (const row of rows) stored.push(await writer.encrypt(row, CONTACT));

    const generated = kms.inputs('GenerateDataKey');
    expect(generated).toHaveLength(1);
    expect(generated[0]).toMatchObject({
      KeyId: PRIMARY,
      NumberOfBytes: 32,
      EncryptionContext: encryptionContextOf(ROW),
    });

    const reader = createAwsFieldCipher(kms.client('eu-west-1'), PRIMARY);
    for (const [i, row] of rows.entries())
      expect(await reader.decrypt(row, stored[i] ?? '')).toEqual(CONTACT);
    const decrypted = kms.inputs('Decrypt');
    expect(decrypted).toHaveLength(1);
    expect(decrypted[0]).toMatchObject({
      KeyId: PRIMARY,
      EncryptionContext: encryptionContextOf(ROW),
    });
  });

  it('E2 a message written in the primary Region decrypts in the replica Region through the replica key', async () => {
    const primary = createAwsFieldCipher(kms.client('eu-west-1'), PRIMARY);
    const stored = await primary.encrypt(ROW, CONTACT);
    const replica = createAwsFieldCipher(kms.client('eu-central-1'), REPLICA);
    expect(await replica.decrypt(ROW, stored)).toEqual(CONTACT);
    expect(
      kms.requests.filter((r) => r.operation === 'Decrypt').map((r) => [r.region, r.input.KeyId]),
    ).toEqual([['eu-central-1', REPLICA]]);
  });

  it('E2 a ciphertext moved to another row fails on AWS too, after KMS opened the data key', async () => {
    const cipher = createAwsFieldCipher(kms.client('eu-west-1'), PRIMARY);
    const stored = await cipher.encrypt(ROW, CONTACT);
    const moved = { ...ROW, key: { pk: 'USER#2', sk: 'PROFILE' } };
    await expect(cipher.decrypt(moved, stored)).rejects.toBeInstanceOf(IntegrityError);
    await expect(cipher.decrypt({ ...ROW, group: 'identity' }, stored)).rejects.toBeInstanceOf(
      IntegrityError,
    );
  });
});
