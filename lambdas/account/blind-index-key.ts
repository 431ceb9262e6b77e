// Where the blind-index secret lives: wrapped by KMS (a data key under the `blind-index-key` purpose), in a
// signed row of the accounts table. Made once, by whichever function first needs it (a conditional create,
// so two first users agree on one secret), and unwrapped once per container.
import { Conflict } from '../kernel/errors.js';
import type { SignedTable } from '../kernel/integrity/signed-table.js';
import type { KeyService } from '../kernel/ports/key-service.js';
import { type BlindIndexer, blindIndexer, createBlindIndexKey } from '../kernel/privacy/blind-index.js';

const KEY_ROW = { pk: 'CONFIG', sk: 'BLIND_INDEX_KEY' } as const;

type KeyRow = { pk: string; sk: string; wrapped: string; version: number } & Record<string, unknown>;

async function wrappedKey(table: SignedTable, keys: KeyService): Promise<Uint8Array> {
  const existing = await table.get<KeyRow>(KEY_ROW);
  if (existing) return Buffer.from(existing.wrapped, 'base64');
  const wrapped = Buffer.from(await createBlindIndexKey(keys)).toString('base64');
  try {
    await table.create<KeyRow>({ ...KEY_ROW, wrapped });
    return Buffer.from(wrapped, 'base64');
  } catch (err) {
    if (!(err instanceof Conflict)) throw err;
    const winner = await table.get<KeyRow>(KEY_ROW);
    if (!winner) throw err;
    return Buffer.from(winner.wrapped, 'base64');
  }
}

/** The blind indexer of this container, made on first use; a failure is retried on the next call. */
export function storedBlindIndexer(table: SignedTable, keys: KeyService): () => Promise<BlindIndexer> {
  let indexer: Promise<BlindIndexer> | undefined;
  return () => {
    if (!indexer) {
      indexer = wrappedKey(table, keys).then((wrapped) => blindIndexer(keys, wrapped));
      indexer.catch(() => {
        indexer = undefined;
      });
    }
    return indexer;
  };
}
