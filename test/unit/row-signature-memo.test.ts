// E1: a row read again unchanged is not ECDSA-verified again (RowVerifier remembers the signatures it
// accepted, with the bytes they cover); anything else that differs still takes the full check and fails.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as signatures from '../../lambdas/kernel/crypto/verify-signature.js';
import { IntegrityError } from '../../lambdas/kernel/errors.js';
import {
  type IntegrityFailure,
  RowSigner,
  RowVerifier,
  VERIFIED_SIGNATURES,
} from '../../lambdas/kernel/integrity/row-signature.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';

vi.mock('../../lambdas/kernel/crypto/verify-signature.js', async (original) => {
  const real = await original<typeof import('../../lambdas/kernel/crypto/verify-signature.js')>();
  return { ...real, verifySignature: vi.fn(real.verifySignature) };
});
const ecdsa = vi.mocked(signatures.verifySignature);

const TABLE = 'Accounts';
const key = { pk: 'USER#u-1', sk: 'ACCOUNT' };
const row = { ...key, userId: 'u-1', username: 'alice', limits: { daily: '1000.00' }, version: 3 };

let dir: string;
let keys: LocalKeyService;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'palisade-keys-'));
  keys = await LocalKeyService.open(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function verifier() {
  const failures: IntegrityFailure[] = [];
  return { failures, verifier: new RowVerifier(keys, async (f) => void failures.push(f)) };
}

describe('E1 verified signatures are remembered', () => {
  it('E1 the same signed row read again verifies without a second ECDSA verification', async () => {
    const signed = await new RowSigner(keys).sign(TABLE, key, row);
    const { verifier: v, failures } = verifier();
    ecdsa.mockClear();
    await expect(v.verify(TABLE, key, signed)).resolves.toEqual(row);
    await expect(v.verify(TABLE, key, { ...signed })).resolves.toEqual(row);
    expect(ecdsa).toHaveBeenCalledTimes(1);
    expect(failures).toEqual([]);
  });

  it('E1 after a row verified once, a changed attribute, another key or table under its signature still fails', async () => {
    const signed = await new RowSigner(keys).sign(TABLE, key, row);
    const { verifier: v, failures } = verifier();
    await v.verify(TABLE, key, signed);
    ecdsa.mockClear();
    await expect(v.verify(TABLE, key, { ...signed, username: 'mallory' })).rejects.toThrow(IntegrityError);
    const moved = { ...signed, pk: 'USER#u-2' };
    await expect(v.verify(TABLE, { pk: 'USER#u-2', sk: 'ACCOUNT' }, moved)).rejects.toThrow(IntegrityError);
    await expect(v.verify('Other', key, signed)).rejects.toThrow(IntegrityError);
    expect(ecdsa).toHaveBeenCalledTimes(3);
    expect(failures.map((f) => f.reason)).toEqual(['bad-signature', 'bad-signature', 'bad-signature']);
    // The genuine row still verifies, from memory.
    await expect(v.verify(TABLE, key, signed)).resolves.toEqual(row);
    expect(ecdsa).toHaveBeenCalledTimes(3);
  });

  it('E1 a remembered signature does not spare the replay check: an older version after a newer one fails', async () => {
    const signer = new RowSigner(keys);
    const v3 = await signer.sign(TABLE, key, row);
    const v4 = await signer.sign(TABLE, key, { ...row, version: 4 });
    const { verifier: v, failures } = verifier();
    await v.verify(TABLE, key, v3);
    await v.verify(TABLE, key, v4);
    await expect(v.verify(TABLE, key, v3)).rejects.toThrow(IntegrityError);
    expect(failures.map((f) => f.reason)).toEqual(['replayed']);
  });

  it('E1 the memory is bounded: the least recently used signatures are verified afresh', async () => {
    const signer = new RowSigner(keys);
    const { verifier: v } = verifier();
    const first = await signer.sign(TABLE, key, row);
    await v.verify(TABLE, key, first, false);
    const rows = await Promise.all(
      Array.from({ length: VERIFIED_SIGNATURES }, (_, i) => {
        const k = { pk: `USER#n-${i}`, sk: 'ACCOUNT' };
        return signer.sign(TABLE, k, { ...k, n: i });
      }),
    );
    for (const r of rows) await v.verify(TABLE, { pk: r.pk, sk: r.sk }, r, false);
    ecdsa.mockClear();
    await v.verify(TABLE, key, first, false);
    expect(ecdsa).toHaveBeenCalledTimes(1);
  });
});
