// Field-group envelope encryption (E2) with the AWS Encryption SDK: one message per field group of one row,
// bound to its table, key and group, data keys cached per container within DATA_KEY_CACHE_BOUND.
import {
  getLocalCryptographicMaterialsCache,
  NodeCachingMaterialsManager,
} from '@aws-crypto/caching-materials-manager-node';
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import {
  AlgorithmSuiteIdentifier,
  CommitmentPolicy,
  type KeyringNode,
  type NodeMaterialsManager,
} from '@aws-crypto/material-management-node';
import canonicalize from 'canonicalize';
import { IntegrityError } from '../errors.js';
import { FIELD_GROUP_PURPOSE, PURPOSE_CONTEXT_KEY } from './purposes.js';

/** Where a field group lives: the table, the item's key and the group's name (`contact`, `identity` …). */
export interface FieldBinding {
  table: string;
  key: Record<string, string>;
  group: string;
}

export interface FieldCipher {
  /** Encrypts one field group of one row; returns the ESDK message, base64. */
  encrypt(binding: FieldBinding, fields: Record<string, string>): Promise<string>;
  /** Decrypts a field group; throws IntegrityError when the binding differs or the message is bad. */
  decrypt(binding: FieldBinding, ciphertext: string): Promise<Record<string, string>>;
}

/**
 * Unsigned, key-committing suite: the signed suite costs several times more per operation (docs/
 * data-protection.md) and buys nothing here, since every row already carries a KMS signature (E1).
 */
export const FIELD_CIPHER_SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
export const FIELD_CIPHER_COMMITMENT = CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT;

/**
 * How long and how much one cached data key may serve in one container. A data key is generated at most
 * once per `maxAgeMs` or per `maxMessagesEncrypted` messages, per (table, group) — the data-key context.
 */
export const DATA_KEY_CACHE_BOUND = Object.freeze({
  maxAgeMs: 5 * 60_000,
  maxMessagesEncrypted: 1000,
  /** Cache entries (encryption and decryption materials) per container. */
  capacity: 200,
});

export type DataKeyCacheBound = typeof DATA_KEY_CACHE_BOUND;

/** The encryption context: coarse on purpose (see docs/data-protection.md), the row binding is in the message. */
export const CONTEXT_KEYS = Object.freeze({
  purpose: PURPOSE_CONTEXT_KEY,
  table: 'palisade:table',
  group: 'palisade:group',
});
const PURPOSE = FIELD_GROUP_PURPOSE;
const FORMAT_VERSION = 1;

export function encryptionContextOf(binding: Pick<FieldBinding, 'table' | 'group'>): Record<string, string> {
  return {
    [CONTEXT_KEYS.purpose]: PURPOSE,
    [CONTEXT_KEYS.table]: binding.table,
    [CONTEXT_KEYS.group]: binding.group,
  };
}

/** The authenticated plaintext: the row binding travels with the fields, so a moved ciphertext is refused. */
interface Envelope {
  v: number;
  table: string;
  key: string;
  group: string;
  fields: Record<string, string>;
}

function canonicalKey(key: Record<string, string>): string {
  const text = canonicalize(key);
  if (text === undefined) throw new IntegrityError('Item key has no canonical form');
  return text;
}

function isStringRecord(fields: unknown): fields is Record<string, string> {
  return (
    typeof fields === 'object' &&
    fields !== null &&
    !Array.isArray(fields) &&
    Object.values(fields).every((value) => typeof value === 'string')
  );
}

function sameContext(actual: Record<string, string>, expected: Record<string, string>): boolean {
  const names = Object.keys(expected);
  return (
    Object.keys(actual).length === names.length && names.every((name) => actual[name] === expected[name])
  );
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface FieldCipherOptions {
  /** Defaults to DATA_KEY_CACHE_BOUND; tests and the bench may pass a tighter one. */
  bound?: DataKeyCacheBound;
}

/** A FieldCipher over any keyring: the AWS adapter passes an MRK-aware KMS keyring, the local one raw AES. */
export function createFieldCipher(keyring: KeyringNode, options: FieldCipherOptions = {}): FieldCipher {
  const bound = options.bound ?? DATA_KEY_CACHE_BOUND;
  const materials: NodeMaterialsManager = new NodeCachingMaterialsManager({
    backingMaterials: keyring,
    cache: getLocalCryptographicMaterialsCache(bound.capacity),
    maxAge: bound.maxAgeMs,
    maxMessagesEncrypted: bound.maxMessagesEncrypted,
  });
  const { encrypt } = buildEncrypt({ commitmentPolicy: FIELD_CIPHER_COMMITMENT, maxEncryptedDataKeys: 1 });
  const { decrypt } = buildDecrypt({ commitmentPolicy: FIELD_CIPHER_COMMITMENT, maxEncryptedDataKeys: 1 });

  return {
    async encrypt(binding, fields) {
      if (!isStringRecord(fields)) throw new TypeError('A field group is a record of strings');
      const envelope: Envelope = {
        v: FORMAT_VERSION,
        table: binding.table,
        key: canonicalKey(binding.key),
        group: binding.group,
        fields: { ...fields },
      };
      const plaintext = Buffer.from(JSON.stringify(envelope), 'utf8');
      const { result } = await encrypt(materials, plaintext, {
        suiteId: FIELD_CIPHER_SUITE,
        encryptionContext: encryptionContextOf(binding),
        // A known length is what lets the caching CMM serve this message from a cached data key.
        plaintextLength: plaintext.length,
      });
      plaintext.fill(0);
      return result.toString('base64');
    },

    async decrypt(binding, ciphertext) {
      const refuse = () => new IntegrityError('Encrypted field group does not open for this item');
      if (typeof ciphertext !== 'string' || !BASE64.test(ciphertext)) throw refuse();
      let opened: Awaited<ReturnType<typeof decrypt>>;
      try {
        opened = await decrypt(materials, Buffer.from(ciphertext, 'base64'));
      } catch {
        throw refuse();
      }
      const { plaintext, messageHeader } = opened;
      // The SDK authenticated the header; the context must be exactly the one this binding implies.
      if (messageHeader.suiteId !== FIELD_CIPHER_SUITE) throw refuse();
      if (!sameContext(messageHeader.encryptionContext, encryptionContextOf(binding))) throw refuse();
      let envelope: Envelope;
      try {
        envelope = JSON.parse(plaintext.toString('utf8')) as Envelope;
      } catch {
        throw refuse();
      } finally {
        plaintext.fill(0);
      }
      if (
        !envelope ||
        envelope.v !== FORMAT_VERSION ||
        envelope.table !== binding.table ||
        envelope.key !== canonicalKey(binding.key) ||
        envelope.group !== binding.group ||
        !isStringRecord(envelope.fields)
      ) {
        throw refuse();
      }
      return envelope.fields;
    },
  };
}
