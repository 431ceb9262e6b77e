// B3: the platform's OpenPGP key, behind a port: generated once into the state folder on a laptop
// (local-pgp-key.ts), read from AWS Secrets Manager in the cloud (aws-pgp-key.ts). Only the public half is
// published (`GET /v1/pgp-key`); that path needs no OpenPGP.js at all (pgp-armor.ts).
import type { PrivateKey } from 'openpgp';
import { inspectPublicKey } from './pgp-armor.js';

/** The public half only: all that the public `GET /v1/pgp-key` route needs. */
export interface PgpPublicKeySource {
  /** The platform public key, armored. */
  publicKeyArmored(): Promise<string>;
}

export interface PgpKeySource extends PgpPublicKeySource {
  /** The decrypted platform signing key (only in the functions that send email). */
  privateKey(): Promise<PrivateKey>;
}

/** What `GET /v1/pgp-key` answers: the armored key and how to recognise it. */
export interface PublishedKey {
  publicKey: string;
  /** Compare with `gpg --fingerprint` after importing the key. */
  fingerprint: string;
  version: number;
  algorithm: string;
  createdAt: string;
}

export async function publishedPlatformKey(source: PgpPublicKeySource): Promise<PublishedKey> {
  const publicKey = await source.publicKeyArmored();
  const facts = inspectPublicKey(publicKey);
  return {
    publicKey,
    fingerprint: facts.fingerprint,
    version: facts.version,
    algorithm: facts.algorithm,
    createdAt: facts.createdAt.toISOString(),
  };
}
