// KMS: the JSON protocol (TrentService) over the local key service of the local cloud
// (local/adapters/key-service.ts: ECDSA P-256 signing in KMS's DER format, AES-GCM wrapped data keys bound to
// the encryption context). Keys are the template's: the signing key and the data key, by ARN, key id or
// multi-Region key id; each answer names the key by its ARN, as KMS does. Authorised with the context keys
// the grants rely on: kms:EncryptionContext:<key>, kms:EncryptionContextKeys, kms:SigningAlgorithm,
// kms:MessageType, kms:CallerAccount (a direct call has no kms:ViaService).
import type { LocalKeyService } from '../../../../local/adapters/key-service.js';
import {
  type Answer,
  Endpoint,
  errorAnswer,
  type Gate,
  type IncomingCall,
  jsonAnswer,
  type Service,
} from '../endpoints.js';
import type { CloudModel } from '../template.js';

type Json = Record<string, unknown>;

interface Key {
  arn: string;
  usage: 'SIGN_VERIFY' | 'ENCRYPT_DECRYPT';
}

export class KmsService implements Service {
  readonly protocol = 'json' as const;
  private readonly keys: Key[];

  constructor(
    private readonly local: LocalKeyService,
    private readonly model: CloudModel,
  ) {
    this.keys = [
      { arn: model.keys.signing, usage: 'SIGN_VERIFY' },
      { arn: model.keys.data, usage: 'ENCRYPT_DECRYPT' },
    ];
  }

  private keyOf(keyId: unknown): Key | undefined {
    const id = String(keyId ?? '');
    return this.keys.find((k) => k.arn === id || k.arn.endsWith(`:key/${id}`));
  }

  async handle(call: IncomingCall, gate: Gate): Promise<Answer> {
    const body = JSON.parse(call.body.toString('utf8') || '{}') as Json;
    const op = call.operation;
    // Decrypt of a symmetric ciphertext may omit KeyId: only the data key encrypts directly.
    const key = this.keyOf(body.KeyId ?? (op === 'Decrypt' ? this.model.keys.data : undefined));
    if (!key) {
      gate.violation({
        kind: 'not-found',
        caller: call.principal.id,
        operation: `kms:${op}`,
        detail: `key ${String(body.KeyId)} is not a key of the template`,
      });
      return errorAnswer('json', 400, 'NotFoundException', `Key '${String(body.KeyId)}' does not exist`);
    }
    const encryptionContext = (body.EncryptionContext ?? {}) as Record<string, string>;
    const context: Record<string, string | string[]> = { 'kms:CallerAccount': this.model.deployment.account };
    for (const [k, v] of Object.entries(encryptionContext)) context[`kms:EncryptionContext:${k}`] = v;
    if (Object.keys(encryptionContext).length)
      context['kms:EncryptionContextKeys'] = Object.keys(encryptionContext);
    if (body.SigningAlgorithm) context['kms:SigningAlgorithm'] = String(body.SigningAlgorithm);
    if (body.MessageType) context['kms:MessageType'] = String(body.MessageType);
    if (!gate.authorize(call, [{ request: { action: `kms:${op}`, resource: key.arn, context } }])) {
      return Endpoint.denied('json', gate, call);
    }
    const wrongUsage = () =>
      errorAnswer(
        'json',
        400,
        'InvalidKeyUsageException',
        `${op} is not valid for KeyUsage ${key.usage} of ${key.arn}`,
      );
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
    try {
      switch (op) {
        case 'Sign': {
          if (key.usage !== 'SIGN_VERIFY') return wrongUsage();
          if (body.MessageType !== 'DIGEST' || body.SigningAlgorithm !== 'ECDSA_SHA_256') {
            return errorAnswer(
              'json',
              400,
              'ValidationException',
              'The harness signs SHA-256 digests with ECDSA_SHA_256',
            );
          }
          const { signature } = await this.local.signDigest(Buffer.from(String(body.Message), 'base64'));
          return jsonAnswer(200, {
            KeyId: key.arn,
            Signature: b64(signature),
            SigningAlgorithm: 'ECDSA_SHA_256',
          });
        }
        case 'GetPublicKey': {
          if (key.usage !== 'SIGN_VERIFY') return wrongUsage();
          const { spki } = await this.local.getPublicKey();
          return jsonAnswer(200, {
            KeyId: key.arn,
            PublicKey: b64(spki),
            KeySpec: 'ECC_NIST_P256',
            CustomerMasterKeySpec: 'ECC_NIST_P256',
            KeyUsage: 'SIGN_VERIFY',
            SigningAlgorithms: ['ECDSA_SHA_256'],
          });
        }
        case 'GenerateDataKey': {
          if (key.usage !== 'ENCRYPT_DECRYPT') return wrongUsage();
          const made = await this.local.generateDataKey(encryptionContext);
          return jsonAnswer(200, {
            KeyId: key.arn,
            Plaintext: b64(made.plaintext),
            CiphertextBlob: b64(made.ciphertext),
          });
        }
        case 'Decrypt': {
          if (key.usage !== 'ENCRYPT_DECRYPT') return wrongUsage();
          const plaintext = await this.local.decryptDataKey(
            Buffer.from(String(body.CiphertextBlob), 'base64'),
            encryptionContext,
          );
          return jsonAnswer(200, {
            KeyId: key.arn,
            Plaintext: b64(plaintext),
            EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          });
        }
        case 'DescribeKey':
          return jsonAnswer(200, {
            KeyMetadata: {
              KeyId: key.arn.split(':key/')[1],
              Arn: key.arn,
              KeyUsage: key.usage,
              Enabled: true,
            },
          });
        default:
          return errorAnswer(
            'json',
            400,
            'UnsupportedOperationException',
            `The harness does not emulate KMS ${op}`,
          );
      }
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'InvalidCiphertextException' || name === 'NotFoundException') {
        return errorAnswer('json', 400, name, (err as Error).message);
      }
      throw err;
    }
  }
}
