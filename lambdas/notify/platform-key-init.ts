// B3 at deploy time: the platform's OpenPGP key is generated into its two secrets by the stack itself
// (Custom::PlatformPgpKey, lib/messaging.ts), so signed mail and `GET /v1/pgp-key` work right after the first
// deploy. A key already there is kept, whoever put it there; only the stack's initial random value is
// replaced. Nothing here ever writes key material into an error or a log.
import { checkKeyPair, generatePlatformKey, PlatformKeyError, readPlatformKey } from './platform-key.js';

/** The two secrets of lib/messaging.ts: the key pair (signer only) and the public half (public route). */
export interface PlatformKeySecrets {
  readPair(): Promise<string>;
  writePair(value: string): Promise<void>;
  readPublic(): Promise<string>;
  writePublic(value: string): Promise<void>;
}

export interface PlatformKeyOutcome {
  /** Upper-case hex, as `GET /v1/pgp-key` and `gpg --fingerprint` show it. */
  fingerprint: string;
  /** A new key was generated (the pair secret still held the stack's initial value). */
  generated: boolean;
  /** The public secret was (re)written from the pair. */
  publishedPublic: boolean;
}

/**
 * What CloudFormation puts in a new secret: a random string, never a JSON object. A JSON object is what an
 * operator or an earlier deploy wrote, so it is never overwritten (a broken one fails the deploy instead).
 */
export function isInitialValue(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value !== 'object' || value === null || Array.isArray(value);
  } catch {
    return true;
  }
}

function pairOf(text: string): { privateKey: string; publicKey: string } {
  const value = JSON.parse(text) as { privateKey?: unknown; publicKey?: unknown };
  if (typeof value.privateKey !== 'string' || typeof value.publicKey !== 'string') {
    throw new PlatformKeyError(
      'The PGP key secret holds JSON without "privateKey" and "publicKey" strings; it was left as it is',
    );
  }
  return { privateKey: value.privateKey, publicKey: value.publicKey };
}

function publicOf(text: string): string | undefined {
  if (isInitialValue(text)) return undefined;
  const value = JSON.parse(text) as { publicKey?: unknown };
  return typeof value.publicKey === 'string' ? value.publicKey : undefined;
}

/**
 * Makes sure both secrets hold the platform key: generates it when the pair secret still holds its initial
 * value, checks the pair (readPlatformKey, checkKeyPair), and writes the public secret from the pair unless
 * it already holds that same public key.
 */
export async function ensurePlatformKey(
  secrets: PlatformKeySecrets,
  options: { userID: { name: string; email: string }; now: Date },
): Promise<PlatformKeyOutcome> {
  const stored = await secrets.readPair();
  let generated = false;
  let pair: { privateKey: string; publicKey: string };
  if (isInitialValue(stored)) {
    pair = await generatePlatformKey(options.userID, options.now);
    await secrets.writePair(JSON.stringify(pair));
    generated = true;
  } else {
    pair = pairOf(stored);
  }
  const key = await readPlatformKey(pair.privateKey, options.now);
  await checkKeyPair(key, pair.publicKey);

  const published = publicOf(await secrets.readPublic());
  const publishedPublic = published !== pair.publicKey;
  if (publishedPublic) await secrets.writePublic(JSON.stringify({ publicKey: pair.publicKey }));
  return { fingerprint: key.getFingerprint().toUpperCase(), generated, publishedPublic };
}
