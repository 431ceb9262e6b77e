// FieldCipher for the local runtime: the ESDK with a raw AES-256 keyring whose wrapping key lives in the state
// folder (`field-cipher-key.json`, owner-only), created on first start and reused across restarts.
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';
import {
  createFieldCipher,
  type FieldCipher,
  type FieldCipherOptions,
} from '../../lambdas/kernel/privacy/field-cipher.js';
import { JsonFile } from './json-file.js';

interface WrappingKeyFile {
  keyName: string;
  key: string;
}

/** The raw keyring's namespace: names the provider in each message's encrypted data key. */
export const LOCAL_KEY_NAMESPACE = 'palisade-local';
export const LOCAL_FIELD_KEY_FILE = 'field-cipher-key.json';

const newWrappingKey = (): WrappingKeyFile => ({
  keyName: `field-wrapping-key/${randomUUID()}`,
  key: randomBytes(32).toString('base64'),
});

/** The local wrapping keyring, from `<stateDir>/field-cipher-key.json`. */
export async function localFieldKeyring(stateDir: string): Promise<RawAesKeyringNode> {
  const file = await new JsonFile<WrappingKeyFile>(join(stateDir, LOCAL_FIELD_KEY_FILE)).readOrCreate(
    newWrappingKey,
  );
  // The SDK wants the key in a buffer of its own, not a slice of Node's shared Buffer pool.
  const key = new Uint8Array(Buffer.from(file.key, 'base64'));
  if (key.length !== 32) throw new Error(`${LOCAL_FIELD_KEY_FILE} does not hold a 256-bit key`);
  return new RawAesKeyringNode({
    keyNamespace: LOCAL_KEY_NAMESPACE,
    keyName: file.keyName,
    unencryptedMasterKey: key,
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
}

export async function openLocalFieldCipher(
  stateDir: string,
  options?: FieldCipherOptions,
): Promise<FieldCipher> {
  return createFieldCipher(await localFieldKeyring(stateDir), options);
}
