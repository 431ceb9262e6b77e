// AWS KMS through the signed JSON caller (json-api.ts) instead of @aws-sdk/client-kms: docs/decisions.md,
// "Bundles". The operations Palisade calls, in the SDK's shapes (PascalCase fields, blobs as Uint8Array) so
// that the key service (key-service.ts) and the AWS Encryption SDK's keyring (field-cipher.ts, whose client
// interface is exactly `generateDataKey` / `encrypt` / `decrypt`) take it as they took the SDK's. On the wire
// KMS speaks awsJson1_1 (`X-Amz-Target: TrentService.<Operation>`), blobs base64 in the JSON. Errors are
// AwsApiError named by KMS's code (NotFoundException, InvalidCiphertextException, AccessDeniedException …),
// with `$metadata.httpStatusCode`; throttling and faults are retried (json-api.ts). Every operation here is
// safe to send again after a lost connection: Sign, GetPublicKey, Decrypt and Encrypt change nothing, and a
// repeated GenerateDataKey only makes a key nobody keeps.
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { once } from '../runtime/aws-env.js';
import { type JsonService, jsonApi, jsonTransportFromEnv } from './json-api.js';
import { type AwsTransport, regionAndEndpoint } from './signed-request.js';

export const KMS_SERVICE: JsonService = {
  signingName: 'kms',
  targetPrefix: 'TrentService',
  jsonVersion: '1.1',
  endpointVariable: 'AWS_ENDPOINT_URL_KMS',
  traceName: 'KMS',
};

type Context = Record<string, string>;

export interface SignInput {
  KeyId: string;
  Message: Uint8Array;
  MessageType?: 'RAW' | 'DIGEST';
  SigningAlgorithm: string;
}
export interface SignOutput {
  KeyId?: string;
  Signature?: Uint8Array;
  SigningAlgorithm?: string;
}
export interface GetPublicKeyOutput {
  KeyId?: string;
  PublicKey?: Uint8Array;
  KeySpec?: string;
  KeyUsage?: string;
  SigningAlgorithms?: string[];
}
export interface GenerateDataKeyInput {
  KeyId: string;
  KeySpec?: 'AES_256' | 'AES_128';
  NumberOfBytes?: number;
  EncryptionContext?: Context;
  GrantTokens?: string[];
}
export interface GenerateDataKeyOutput {
  KeyId?: string;
  Plaintext?: Uint8Array;
  CiphertextBlob?: Uint8Array;
}
export interface DecryptInput {
  /** Optional for a symmetric ciphertext (it names its key); Palisade always names it. */
  KeyId?: string;
  CiphertextBlob: Uint8Array;
  EncryptionContext?: Context;
  GrantTokens?: string[];
}
export interface DecryptOutput {
  KeyId?: string;
  Plaintext?: Uint8Array;
  EncryptionAlgorithm?: string;
}
export interface EncryptInput {
  KeyId: string;
  Plaintext: Uint8Array;
  EncryptionContext?: Context;
  GrantTokens?: string[];
}
export interface EncryptOutput {
  KeyId?: string;
  CiphertextBlob?: Uint8Array;
  EncryptionAlgorithm?: string;
}

/** The KMS operations Palisade calls. */
export interface Kms {
  sign(input: SignInput): Promise<SignOutput>;
  getPublicKey(input: { KeyId: string }): Promise<GetPublicKeyOutput>;
  generateDataKey(input: GenerateDataKeyInput): Promise<GenerateDataKeyOutput>;
  decrypt(input: DecryptInput): Promise<DecryptOutput>;
  encrypt(input: EncryptInput): Promise<EncryptOutput>;
}

/** A blob as the JSON protocol carries it. */
const base64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/**
 * A blob of an answer, in its own memory: the decoded bytes are copied out of Node's shared Buffer pool and
 * the pooled copy zeroed, so that a data key's plaintext is held only by the array the caller gets (which the
 * Encryption SDK zeroes once it is done with it).
 */
export function blob(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string') return undefined;
  const decoded = Buffer.from(value, 'base64');
  const own = new Uint8Array(decoded);
  decoded.fill(0);
  return own;
}

/** The fields of an answer with its blobs as bytes. */
function withBlobs<T>(answer: Record<string, unknown>, fields: readonly string[]): T {
  const out: Record<string, unknown> = { ...answer };
  for (const field of fields) if (field in out) out[field] = blob(out[field]);
  return out as T;
}

/** The KMS client over `transport` (the environment's: AWS_REGION, AWS_ENDPOINT_URL_KMS, the role's keys). */
export function kmsClient(
  transport: () => AwsTransport = once(() => jsonTransportFromEnv(KMS_SERVICE)),
): Kms {
  const api = jsonApi(KMS_SERVICE, transport);
  const call = async <T>(operation: string, input: object, blobs: readonly string[]) =>
    withBlobs<T>(await api.call<Record<string, unknown>>(operation, input, { idempotent: true }), blobs);
  return {
    sign: (input) => call<SignOutput>('Sign', { ...input, Message: base64(input.Message) }, ['Signature']),
    getPublicKey: (input) => call<GetPublicKeyOutput>('GetPublicKey', input, ['PublicKey']),
    generateDataKey: (input) =>
      call<GenerateDataKeyOutput>('GenerateDataKey', input, ['Plaintext', 'CiphertextBlob']),
    decrypt: (input) =>
      call<DecryptOutput>('Decrypt', { ...input, CiphertextBlob: base64(input.CiphertextBlob) }, [
        'Plaintext',
      ]),
    encrypt: (input) =>
      call<EncryptOutput>('Encrypt', { ...input, Plaintext: base64(input.Plaintext) }, ['CiphertextBlob']),
  };
}

/**
 * The transport of an operator's script (scripts/audit-verify.ts, resign-rows.ts): its Region and credentials
 * as the SDK resolves them (profiles, SSO …), the endpoint from AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL if set.
 */
export function kmsTransport(
  region: string,
  credentials: AwsCredentialIdentityProvider,
  env: NodeJS.ProcessEnv = process.env,
): AwsTransport {
  const { endpoint } = regionAndEndpoint(KMS_SERVICE.endpointVariable, { ...env, AWS_REGION: region });
  return { region, endpoint: new URL(endpoint ?? `https://kms.${region}.amazonaws.com`), credentials };
}

/** The functions' KMS client, one per container. */
export const awsKms = /* @__PURE__ */ once(() => kmsClient());
