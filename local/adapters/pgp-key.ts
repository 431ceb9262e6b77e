// B3 on a laptop: the platform OpenPGP key, generated on first use into the state folder
// (`<stateDir>/pgp-key.json`, owner-only, written atomically) and read from there on every later start.
import { join } from 'node:path';
import type { PrivateKey } from 'openpgp';
import type { Clock } from '../../lambdas/kernel/ports/clock.js';
import type { PgpKeySource } from '../../lambdas/notify/pgp-key.js';
import { generatePlatformKey, readPlatformKey } from '../../lambdas/notify/platform-key.js';
import { JsonFile } from './json-file.js';

export const LOCAL_PGP_KEY_FILE = 'pgp-key.json';
export const LOCAL_PGP_USER_ID = { name: 'Palisade (local)', email: 'no-reply@palisade.local' } as const;

interface StoredPgpKey {
  version: 1;
  createdAt: string;
  fingerprint: string;
  privateKey: string;
  publicKey: string;
}

export class LocalPgpKeySource implements PgpKeySource {
  private constructor(
    private readonly key: PrivateKey,
    private readonly armoredPublic: string,
  ) {}

  /** Opens the state folder's key, generating it (dated `clock.now()`) when there is none yet. */
  static async open(
    stateDir: string,
    options: { clock: Clock; userID?: { name: string; email: string } },
  ): Promise<LocalPgpKeySource> {
    const file = new JsonFile<StoredPgpKey>(join(stateDir, LOCAL_PGP_KEY_FILE));
    const stored = await file.readOrCreate(async () => {
      const at = options.clock.now();
      const pair = await generatePlatformKey(options.userID ?? LOCAL_PGP_USER_ID, at);
      const key = await readPlatformKey(pair.privateKey, at);
      return {
        version: 1,
        createdAt: at.toISOString(),
        fingerprint: key.getFingerprint().toUpperCase(),
        privateKey: pair.privateKey,
        publicKey: pair.publicKey,
      };
    });
    const key = await readPlatformKey(stored.privateKey, new Date(stored.createdAt));
    return new LocalPgpKeySource(key, key.toPublic().armor());
  }

  async privateKey(): Promise<PrivateKey> {
    return this.key;
  }

  async publicKeyArmored(): Promise<string> {
    return this.armoredPublic;
  }
}

/** The state folder's key, opened (or generated) on first use only: a laptop start without mail stays fast. */
export function lazyLocalPgpKeySource(stateDir: string, options: { clock: Clock }): PgpKeySource {
  let opening: Promise<LocalPgpKeySource> | undefined;
  const open = () => {
    opening ??= LocalPgpKeySource.open(stateDir, options);
    opening.catch(() => {
      opening = undefined;
    });
    return opening;
  };
  return {
    privateKey: async () => (await open()).privateKey(),
    publicKeyArmored: async () => (await open()).publicKeyArmored(),
  };
}
