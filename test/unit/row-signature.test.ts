// E1 signed rows: every tampering of a signed item is detected on read, and reads make no KMS call.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IntegrityError } from '../../lambdas/kernel/errors.js';
import {
  type IntegrityFailure,
  RowSigner,
  RowVerifier,
} from '../../lambdas/kernel/integrity/row-signature.js';
import type { KeyService } from '../../lambdas/kernel/ports/key-service.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';

const TABLE = 'Accounts';
const key = { pk: 'USER#u-1', sk: 'ACCOUNT' };
const row = {
  ...key,
  userId: 'u-1',
  username: 'alice',
  status: 'active',
  limits: { daily: '1000.00', assets: ['BTC', 'ETH'] },
  version: 3,
};

let dirs: string[] = [];
let keys: LocalKeyService;
let otherKeys: LocalKeyService;

beforeAll(async () => {
  dirs = [await mkdtemp(join(tmpdir(), 'palisade-keys-')), await mkdtemp(join(tmpdir(), 'palisade-keys-'))];
  keys = await LocalKeyService.open(dirs[0] as string);
  otherKeys = await LocalKeyService.open(dirs[1] as string);
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function verifier(source: Pick<KeyService, 'getPublicKey'> = keys) {
  const failures: IntegrityFailure[] = [];
  const getPublicKey = vi.fn((id?: string) => source.getPublicKey(id));
  return {
    failures,
    getPublicKey,
    verifier: new RowVerifier({ getPublicKey }, async (f) => void failures.push(f)),
  };
}

const flipFirstChar = (s: string) => (s[0] === 'a' ? 'b' : 'a') + s.slice(1);

describe('RowSigner and RowVerifier', () => {
  it('E1 a signed row verifies and comes back without its signature attributes', async () => {
    const signed = await new RowSigner(keys).sign(TABLE, key, row);
    expect(signed.sig).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const { verifier: v, failures } = verifier();
    await expect(v.verify(TABLE, key, signed)).resolves.toEqual(row);
    expect(failures).toEqual([]);
  });

  it('E1 flipping any attribute, dropping one or adding one is detected and raises the alarm', async () => {
    const signed = await new RowSigner(keys).sign(TABLE, key, row);
    const tampered: Record<string, unknown>[] = [
      { ...signed, username: 'mallory' },
      { ...signed, status: 'actived' },
      { ...signed, version: 2 },
      { ...signed, limits: { daily: '9000.00', assets: ['BTC', 'ETH'] } },
      { ...signed, limits: { daily: '1000.00', assets: ['BTC'] } },
      { ...signed, userId: flipFirstChar(signed.userId) },
      {
        ...signed,
        sig: `${signed.sig.slice(0, 10)}${signed.sig[10] === 'A' ? 'B' : 'A'}${signed.sig.slice(11)}`,
      },
      Object.fromEntries(Object.entries(signed).filter(([k]) => k !== 'status')),
      { ...signed, role: 'admin' },
      Object.fromEntries(Object.entries(signed).filter(([k]) => k !== 'sig')),
    ];
    const { verifier: v, failures } = verifier();
    for (const item of tampered) {
      await expect(v.verify(TABLE, key, item)).rejects.toBeInstanceOf(IntegrityError);
    }
    expect(failures).toHaveLength(tampered.length);
    expect(failures.at(-1)).toEqual({ table: TABLE, key, reason: 'unsigned' });
    expect(failures[0]).toEqual({ table: TABLE, key, reason: 'bad-signature' });
  });

  it("E1 a valid row moved to another key or table, or given another row's signature, fails", async () => {
    const signer = new RowSigner(keys);
    const signed = await signer.sign(TABLE, key, row);
    const otherKey = { pk: 'USER#u-2', sk: 'ACCOUNT' };
    const other = await signer.sign(TABLE, otherKey, { ...row, ...otherKey, userId: 'u-2' });
    const { verifier: v } = verifier();
    await expect(v.verify(TABLE, otherKey, { ...signed, ...otherKey })).rejects.toBeInstanceOf(
      IntegrityError,
    );
    await expect(v.verify(TABLE, otherKey, signed)).rejects.toBeInstanceOf(IntegrityError);
    await expect(v.verify('Audit', key, signed)).rejects.toBeInstanceOf(IntegrityError);
    await expect(v.verify(TABLE, key, { ...signed, sig: other.sig })).rejects.toBeInstanceOf(IntegrityError);
  });

  it('E1 reads fetch the public key once and then make no key-service call', async () => {
    const signed = await new RowSigner(keys).sign(TABLE, key, row);
    const { verifier: v, getPublicKey } = verifier();
    for (let i = 0; i < 50; i++) await v.verify(TABLE, key, signed);
    expect(getPublicKey).toHaveBeenCalledTimes(1);
  });

  it('E1 rows signed by an older key still verify after the signing key changes', async () => {
    const old = await new RowSigner(otherKeys).sign(TABLE, key, row);
    const current = await new RowSigner(keys).sign(TABLE, key, row);
    const both: Pick<KeyService, 'getPublicKey'> = {
      getPublicKey: async (id?: string) =>
        id === (await otherKeys.getPublicKey()).keyId ? otherKeys.getPublicKey() : keys.getPublicKey(),
    };
    const { verifier: v } = verifier(both);
    await expect(v.verify(TABLE, key, old)).resolves.toEqual(row);
    await expect(v.verify(TABLE, key, current)).resolves.toEqual(row);
    // A signature claiming the other key's id is checked against that key, and fails.
    await expect(v.verify(TABLE, key, { ...current, sigKeyId: old.sigKeyId })).rejects.toBeInstanceOf(
      IntegrityError,
    );
  });
  it('E1 an older version of a row put back after a newer one was seen is a replay and fails closed', async () => {
    const signer = new RowSigner(keys);
    const v3 = await signer.sign(TABLE, key, row);
    const v4 = await signer.sign(TABLE, key, { ...row, status: 'suspended', version: 4 });
    const { verifier: v, failures } = verifier();
    await expect(v.verify(TABLE, key, v3)).resolves.toMatchObject({ version: 3 });
    await expect(v.verify(TABLE, key, v4)).resolves.toMatchObject({ version: 4 });
    await expect(v.verify(TABLE, key, v3)).rejects.toBeInstanceOf(IntegrityError);
    expect(failures).toEqual([{ table: TABLE, key, reason: 'replayed' }]);
    // An eventually consistent index read may lag behind: it is verified but not held to the watermark.
    await expect(v.verify(TABLE, key, v3, false)).resolves.toMatchObject({ version: 3 });
    // Other rows are not affected by this row's watermark.
    const other = { pk: 'USER#u-2', sk: 'ACCOUNT' };
    await expect(
      v.verify(TABLE, other, await signer.sign(TABLE, other, { ...row, ...other })),
    ).resolves.toBeTruthy();
  });

  it('E1 a write moves the watermark too: the version it replaced cannot come back', async () => {
    const signer = new RowSigner(keys);
    const v3 = await signer.sign(TABLE, key, row);
    const { verifier: v } = verifier();
    v.observe(TABLE, key, 4);
    await expect(v.verify(TABLE, key, v3)).rejects.toBeInstanceOf(IntegrityError);
  });
});
