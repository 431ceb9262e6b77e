// Blind index (E2): deterministic under one wrapped key, normalised, separated by kind and key, never the
// plaintext, and the key is unwrapped once per container.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../lambdas/kernel/errors.js';
import type { KeyService } from '../../lambdas/kernel/ports/key-service.js';
import {
  BLIND_INDEX_KEY_CONTEXT,
  blindIndexer,
  createBlindIndexKey,
  normalise,
} from '../../lambdas/kernel/privacy/blind-index.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';

let stateDir: string;
let keys: KeyService;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-blind-index-'));
  keys = await LocalKeyService.open(stateDir);
});
afterEach(() => rm(stateDir, { recursive: true, force: true }));

describe('blind index', () => {
  it('E2 the same value gets the same index in another container holding the same wrapped key', async () => {
    const wrapped = await createBlindIndexKey(keys);
    const a = blindIndexer(keys, wrapped);
    const b = blindIndexer(await LocalKeyService.open(stateDir), wrapped);
    expect(await a.index('email', 'john.doe@example.com')).toBe(
      await b.index('email', 'john.doe@example.com'),
    );
    expect(await a.index('email', 'john.doe@example.com')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['email', ['john.doe@example.com', '  John.Doe@EXAMPLE.com ', 'JOHN.DOE@example.COM']],
    ['phone', ['+44 7700 900123', '+44 (7700) 900-123', '0044 7700 900123', '+447700900123']],
    ['document', ['ab 123 456', 'AB123456', ' Ab 12 34 56 ']],
  ] as const)('E2 spelling variants of one %s share an index', async (kind, variants) => {
    const indexer = blindIndexer(keys, await createBlindIndexKey(keys));
    const indexes = await Promise.all(variants.map((v) => indexer.index(kind, v)));
    expect(new Set(indexes).size).toBe(1);
  });

  it('E2 normalisation: email lowercased, phone E.164-like, document uppercase without spaces', () => {
    expect(normalise('email', ' John@Example.COM ')).toBe('john@example.com');
    expect(normalise('phone', '0044 7700 900-123')).toBe('+447700900123');
    expect(normalise('document', 'x 12 y')).toBe('X12Y');
  });

  it('E2 different kinds and different values give different indexes for the same text', async () => {
    const indexer = blindIndexer(keys, await createBlindIndexKey(keys));
    const value = '447700900123';
    const byKind = await Promise.all(
      (['email', 'phone', 'document'] as const).map((k) => indexer.index(k, value)),
    );
    expect(new Set(byKind).size).toBe(3);
    expect(await indexer.index('email', 'a@example.com')).not.toBe(
      await indexer.index('email', 'b@example.com'),
    );
  });

  it('E2 another index key gives another index', async () => {
    const one = blindIndexer(keys, await createBlindIndexKey(keys));
    const two = blindIndexer(keys, await createBlindIndexKey(keys));
    expect(await one.index('email', 'john.doe@example.com')).not.toBe(
      await two.index('email', 'john.doe@example.com'),
    );
  });

  it('E2 neither the plaintext nor its normalised form appears in the index or the stored key', async () => {
    const wrapped = await createBlindIndexKey(keys);
    const index = await blindIndexer(keys, wrapped).index('email', 'John.Doe@example.com');
    for (const text of ['john', 'John', 'doe', 'example']) {
      expect(index.toLowerCase()).not.toContain(text);
      expect(Buffer.from(index, 'base64url').includes(Buffer.from(text))).toBe(false);
    }
    expect(wrapped.length).toBeGreaterThan(32);
  });

  it('E2 the index key is unwrapped once per container, under its own encryption context', async () => {
    const wrapped = await createBlindIndexKey(keys);
    const unwrap = vi.spyOn(keys, 'decryptDataKey');
    const indexer = blindIndexer(keys, wrapped);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => indexer.index(i % 2 ? 'email' : 'phone', `+44 7700 9001${i}`)),
    );
    await indexer.index('document', 'AB123456');
    expect(unwrap).toHaveBeenCalledTimes(1);
    expect(unwrap).toHaveBeenCalledWith(wrapped, BLIND_INDEX_KEY_CONTEXT);
  });

  it('E2 a failed unwrap is retried on the next call, not cached', async () => {
    const wrapped = await createBlindIndexKey(keys);
    const unwrap = vi.spyOn(keys, 'decryptDataKey').mockRejectedValueOnce(new Error('ThrottlingException'));
    const indexer = blindIndexer(keys, wrapped);
    await expect(indexer.index('email', 'a@example.com')).rejects.toThrow('ThrottlingException');
    await expect(indexer.index('email', 'a@example.com')).resolves.toMatch(/^[\w-]{43}$/);
    expect(unwrap).toHaveBeenCalledTimes(2);
  });

  it('E2 an empty value has no index', async () => {
    const indexer = blindIndexer(keys, await createBlindIndexKey(keys));
    await expect(indexer.index('phone', ' - ')).rejects.toBeInstanceOf(ValidationError);
  });
});
