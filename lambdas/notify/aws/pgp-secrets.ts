// B3 in AWS: the platform OpenPGP key in Secrets Manager: the key pair (PGP_KEY_SECRET, only the signer reads
// it) and the public half alone (PGP_PUBLIC_KEY_SECRET, the public route). Kept out of wiring.ts so that no
// other function's bundle carries the Secrets Manager client (kernel/aws/secrets-manager.ts, the signed JSON
// caller).
import type { PrivateKey } from 'openpgp';
import { awsSecretsManager, type SecretsManager } from '../../kernel/aws/secrets-manager.js';
import { once, requireEnv } from '../../kernel/runtime/aws-env.js';
import type { PgpKeySource, PgpPublicKeySource } from '../pgp-key.js';
import type { PlatformKeySecrets } from '../platform-key-init.js';

interface StoredKeyPair {
  privateKey: string;
  publicKey: string;
}

/** Fetches and parses the secret once; forgets a failure so that the next call tries again. */
class SecretValue<T> {
  private loading: Promise<T> | undefined;

  constructor(
    private readonly secrets: SecretsManager,
    private readonly secretId: string,
    private readonly parse: (text: string) => Promise<T>,
  ) {}

  get(): Promise<T> {
    this.loading ??= (async () => {
      const out = await this.secrets.getSecretValue({ SecretId: this.secretId });
      if (!out.SecretString) throw new Error('The PGP key secret has no SecretString');
      return this.parse(out.SecretString);
    })();
    this.loading.catch(() => {
      this.loading = undefined;
    });
    return this.loading;
  }
}

function keyPairOf(text: string): StoredKeyPair {
  const value = JSON.parse(text) as Partial<StoredKeyPair>;
  if (typeof value.privateKey !== 'string' || typeof value.publicKey !== 'string') {
    throw new Error('The PGP key secret must be JSON {"privateKey": "...", "publicKey": "..."}');
  }
  return { privateKey: value.privateKey, publicKey: value.publicKey };
}

/** `{"publicKey": "<armored>"}`: the public secret holds only this; the key pair's secret has it too. */
function publicKeyOf(text: string): string {
  const value = JSON.parse(text) as { publicKey?: unknown };
  if (typeof value.publicKey !== 'string')
    throw new Error('The PGP public key secret must be JSON {"publicKey": "..."}');
  return value.publicKey;
}

/** The public half only (the public route's function), from its own secret: it never reads the private key. */
export class SecretsManagerPgpPublicKey implements PgpPublicKeySource {
  private readonly value: SecretValue<string>;

  constructor(secrets: SecretsManager, secretId: string) {
    this.value = new SecretValue(secrets, secretId, async (text) => publicKeyOf(text));
  }

  publicKeyArmored(): Promise<string> {
    return this.value.get();
  }
}

/** The signing key and its public half (the functions that send email). */
export class SecretsManagerPgpKeySource implements PgpKeySource {
  private readonly value: SecretValue<{ key: PrivateKey; publicKey: string }>;

  /** `readPrivateKey`: the checked parser, `readPlatformKey` of lambdas/notify/platform-key.ts. */
  constructor(
    secrets: SecretsManager,
    secretId: string,
    readPrivateKey: (armored: string) => Promise<PrivateKey>,
  ) {
    this.value = new SecretValue(secrets, secretId, async (text) => {
      const pair = keyPairOf(text);
      return { key: await readPrivateKey(pair.privateKey), publicKey: pair.publicKey };
    });
  }

  async privateKey(): Promise<PrivateKey> {
    return (await this.value.get()).key;
  }

  async publicKeyArmored(): Promise<string> {
    return (await this.value.get()).publicKey;
  }
}

export const awsPgpPublicKey = /* @__PURE__ */ once(
  () => new SecretsManagerPgpPublicKey(awsSecretsManager(), requireEnv('PGP_PUBLIC_KEY_SECRET')),
);

/** The signing key source; `readPrivateKey` is readPlatformKey (see lambdas/notify/aws/pgp-signer.ts). */
export const awsPgpKeySource = (readPrivateKey: (armored: string) => Promise<PrivateKey>) =>
  new SecretsManagerPgpKeySource(awsSecretsManager(), requireEnv('PGP_KEY_SECRET'), readPrivateKey);

/** Both secrets, read and written (Custom::PlatformPgpKey at deploy time only; lib/messaging.ts). */
export class SecretsManagerPlatformKeySecrets implements PlatformKeySecrets {
  constructor(
    private readonly secrets: SecretsManager,
    private readonly pairId: string,
    private readonly publicId: string,
  ) {}

  private async read(secretId: string): Promise<string> {
    const out = await this.secrets.getSecretValue({ SecretId: secretId });
    return out.SecretString ?? '';
  }

  private async write(secretId: string, value: string): Promise<void> {
    await this.secrets.putSecretValue({ SecretId: secretId, SecretString: value });
  }

  readPair = () => this.read(this.pairId);
  writePair = (value: string) => this.write(this.pairId, value);
  readPublic = () => this.read(this.publicId);
  writePublic = (value: string) => this.write(this.publicId, value);
}

export const awsPlatformKeySecrets = /* @__PURE__ */ once(
  () =>
    new SecretsManagerPlatformKeySecrets(
      awsSecretsManager(),
      requireEnv('PGP_KEY_SECRET'),
      requireEnv('PGP_PUBLIC_KEY_SECRET'),
    ),
);
