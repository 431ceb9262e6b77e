// The KMS and Secrets Manager clients on the signed JSON caller (lambdas/kernel/aws/kms.ts, secrets-manager.ts),
// which replace @aws-sdk/client-kms and client-secrets-manager in the functions (docs/decisions.md, "Bundles"):
// the wire format against a stand-in checked by an independent SigV4 verifier and against what the SDK's own
// clients send, base64 blobs both ways, the error names the callers test for, the retries of throttling, the
// endpoints, and the provider's secrets through the cloud harness's Secrets Manager emulation.
import {
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
} from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { jsonTransportFromEnv } from '../../lambdas/kernel/aws/json-api.js';
import { KMS_SERVICE, kmsClient } from '../../lambdas/kernel/aws/kms.js';
import { SECRETS_MANAGER_SERVICE, secretsManagerClient } from '../../lambdas/kernel/aws/secrets-manager.js';
import { providerSecret, secretValue, webhookSecret } from '../../lambdas/kyc/aws/provider-secrets.js';
import { Endpoint, standalonePrincipal } from '../cloud/harness/endpoints.js';
import { ENDPOINT_VARIABLES } from '../cloud/harness/lambda-runtime.js';
import { HARNESS_KYC_WEBHOOK_SECRET, SecretsService } from '../cloud/harness/services/messaging.js';
import type { CloudModel } from '../cloud/harness/template.js';
import {
  jsonError,
  type SeenRequest,
  STAND_IN_KEY_ID,
  STAND_IN_SECRET,
  type StandIn,
  startStandIn,
} from '../support/signed-json-stand-in.js';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef';
/** Every byte value, and lengths that pad base64 by 0, 1 and 2 characters. */
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const isPlainUint8Array = (value: unknown) =>
  value instanceof Uint8Array && Object.getPrototypeOf(value) === Uint8Array.prototype;

/** KMS as the stand-in plays it: the answers' blobs are the request's own bytes, reversed, or ALL_BYTES. */
function kmsAnswer(request: SeenRequest) {
  const reversed = (field: string) => b64(Buffer.from(String(request.input[field]), 'base64').reverse());
  switch (request.target) {
    case 'TrentService.Sign':
      return {
        status: 200,
        body: { KeyId: KEY, Signature: reversed('Message'), SigningAlgorithm: 'ECDSA_SHA_256' },
      };
    case 'TrentService.GetPublicKey':
      return { status: 200, body: { KeyId: KEY, PublicKey: b64(ALL_BYTES), KeyUsage: 'SIGN_VERIFY' } };
    case 'TrentService.GenerateDataKey':
      return {
        status: 200,
        body: {
          KeyId: KEY,
          Plaintext: b64(ALL_BYTES.subarray(0, 32)),
          CiphertextBlob: b64(ALL_BYTES.subarray(1, 3)),
        },
      };
    case 'TrentService.Decrypt':
      return {
        status: 200,
        body: { KeyId: KEY, Plaintext: reversed('CiphertextBlob'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      };
    case 'TrentService.Encrypt':
      return {
        status: 200,
        body: { KeyId: KEY, CiphertextBlob: reversed('Plaintext'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      };
    case 'secretsmanager.GetSecretValue':
      return {
        status: 200,
        body: {
          ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:s-AbCdEf',
          Name: 's',
          VersionId: 'v1',
          SecretString: '{"a":1}',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 1.7e9,
        },
      };
    default:
      return undefined;
  }
}

let stand: StandIn | undefined;
afterEach(async () => {
  await stand?.close();
  stand = undefined;
});

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
    return { name: e.name, message: e.message, $metadata: e.$metadata };
  }
  throw new Error('expected an error');
};

describe('E2 KMS through the signed JSON caller', () => {
  it('E2 I2 each operation is an awsJson1_1 POST to TrentService.<Operation>, SigV4-signed for kms in the Region, blobs base64 both ways', async () => {
    stand = await startStandIn([], kmsAnswer);
    const transport = stand.transport;
    const kms = kmsClient(() => transport);
    const message = ALL_BYTES.subarray(0, 32);
    const signed = await kms.sign({
      KeyId: KEY,
      Message: message,
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(signed).toEqual({
      KeyId: KEY,
      Signature: Uint8Array.from(message).reverse(),
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    const key = await kms.getPublicKey({ KeyId: KEY });
    expect(key.PublicKey).toEqual(ALL_BYTES);
    const made = await kms.generateDataKey({ KeyId: KEY, KeySpec: 'AES_256', EncryptionContext: { a: 'b' } });
    expect(made).toEqual({
      KeyId: KEY,
      Plaintext: ALL_BYTES.slice(0, 32),
      CiphertextBlob: ALL_BYTES.slice(1, 3),
    });
    // a view into a larger buffer is sent as its own bytes only
    const view = ALL_BYTES.subarray(250, 255);
    const opened = await kms.decrypt({ KeyId: KEY, CiphertextBlob: view, EncryptionContext: { a: 'b' } });
    expect(opened.Plaintext).toEqual(Uint8Array.from([254, 253, 252, 251, 250]));
    const sealed = await kms.encrypt({ KeyId: KEY, Plaintext: ALL_BYTES.subarray(0, 1) });
    expect(sealed.CiphertextBlob).toEqual(Uint8Array.of(0));
    // blobs come back as plain Uint8Arrays of their own, as the SDK gives them (the ESDK zeroes what it gets)
    for (const blob of [
      signed.Signature,
      key.PublicKey,
      made.Plaintext,
      made.CiphertextBlob,
      opened.Plaintext,
    ]) {
      expect(isPlainUint8Array(blob)).toBe(true);
      expect(blob?.byteOffset).toBe(0);
      expect(blob?.buffer.byteLength).toBe(blob?.byteLength);
    }

    expect(stand.seen.map((r) => r.target)).toEqual([
      'TrentService.Sign',
      'TrentService.GetPublicKey',
      'TrentService.GenerateDataKey',
      'TrentService.Decrypt',
      'TrentService.Encrypt',
    ]);
    expect(stand.seen.map((r) => r.input)).toEqual([
      { KeyId: KEY, Message: b64(message), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' },
      { KeyId: KEY },
      { KeyId: KEY, KeySpec: 'AES_256', EncryptionContext: { a: 'b' } },
      { KeyId: KEY, CiphertextBlob: '+vv8/f4=', EncryptionContext: { a: 'b' } },
      { KeyId: KEY, Plaintext: 'AA==' },
    ]);
    for (const request of stand.seen) {
      expect(request).toMatchObject({
        method: 'POST',
        url: '/base',
        verdict: 'ok',
        scope: { region: 'eu-west-1', service: 'kms' },
      });
      expect(request.headers).toMatchObject({
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-security-token': 'stand-in-session',
      });
      expect(request.headers.authorization).toContain(`Credential=${STAND_IN_KEY_ID}/`);
    }
  });

  it('E2 I2 the requests are the ones @aws-sdk/client-kms sends, and the answers read as it reads them', async () => {
    stand = await startStandIn([], kmsAnswer);
    const transport = stand.transport;
    const ours = kmsClient(() => transport);
    const sdk = new KMSClient({
      region: 'eu-west-1',
      endpoint: `${stand.url}/base`,
      credentials: { accessKeyId: STAND_IN_KEY_ID, secretAccessKey: STAND_IN_SECRET },
    });
    const context = { table: 'Accounts', field: 'contact', 'aws-crypto-public-key': 'x' };
    const pairs = [
      [
        () =>
          ours.sign({
            KeyId: KEY,
            Message: ALL_BYTES.subarray(7, 39),
            MessageType: 'DIGEST',
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        () =>
          sdk.send(
            new SignCommand({
              KeyId: KEY,
              Message: ALL_BYTES.subarray(7, 39),
              MessageType: 'DIGEST',
              SigningAlgorithm: 'ECDSA_SHA_256',
            }),
          ),
      ],
      [() => ours.getPublicKey({ KeyId: KEY }), () => sdk.send(new GetPublicKeyCommand({ KeyId: KEY }))],
      [
        () =>
          ours.generateDataKey({
            KeyId: KEY,
            NumberOfBytes: 32,
            EncryptionContext: context,
            GrantTokens: undefined,
          }),
        () =>
          sdk.send(new GenerateDataKeyCommand({ KeyId: KEY, NumberOfBytes: 32, EncryptionContext: context })),
      ],
      [
        () => ours.decrypt({ KeyId: KEY, CiphertextBlob: ALL_BYTES, EncryptionContext: context }),
        () =>
          sdk.send(new DecryptCommand({ KeyId: KEY, CiphertextBlob: ALL_BYTES, EncryptionContext: context })),
      ],
      [
        () => ours.encrypt({ KeyId: KEY, Plaintext: ALL_BYTES.subarray(0, 5) }),
        () => sdk.send(new EncryptCommand({ KeyId: KEY, Plaintext: ALL_BYTES.subarray(0, 5) })),
      ],
    ] as const;
    for (const [mine, theirs] of pairs) {
      const a = await mine();
      const { $metadata: _metadata, ...b } = (await theirs()) as unknown as Record<string, unknown>;
      expect(a).toEqual(b);
      const [x, y] = stand.seen.slice(-2) as [SeenRequest, SeenRequest];
      // (the SDK appends a slash to an endpoint's path: /base/; json-api.ts posts to the path as given)
      y.url = y.url.replace(/\/$/, '');
      expect([x.target, x.input, x.headers['content-type'], x.url, x.verdict]).toEqual([
        y.target,
        y.input,
        y.headers['content-type'],
        y.url,
        y.verdict,
      ]);
    }
    sdk.destroy();
  });

  it('E2 I2 refusals are named by the service code with status, message and request id; throttling and faults are retried, client errors are not', async () => {
    stand = await startStandIn(
      [
        jsonError(400, 'ThrottlingException', 'Rate exceeded'),
        { status: 200, body: { KeyId: KEY, PublicKey: b64(ALL_BYTES) } },
        jsonError(400, 'NotFoundException', "Key 'x' does not exist"),
        jsonError(500, 'KMSInternalException'),
        jsonError(500, 'KMSInternalException'),
        jsonError(500, 'KMSInternalException'),
        jsonError(400, 'InvalidCiphertextException', ''),
        {
          status: 400,
          body: { message: 'no type' },
          headers: { 'x-amzn-errortype': 'KMSInvalidStateException:http://internal' },
        },
      ],
      kmsAnswer,
    );
    const transport = stand.transport;
    const kms = kmsClient(() => transport);
    expect((await kms.getPublicKey({ KeyId: KEY })).PublicKey).toEqual(ALL_BYTES);
    expect(stand.seen).toHaveLength(2);
    expect(await failure(kms.getPublicKey({ KeyId: 'x' }))).toEqual({
      name: 'NotFoundException',
      message: "Key 'x' does not exist",
      $metadata: { httpStatusCode: 400, requestId: 'req-3' },
    });
    expect(stand.seen).toHaveLength(3);
    // three attempts in all, then the fault is the caller's
    expect(
      await failure(kms.sign({ KeyId: KEY, Message: ALL_BYTES, SigningAlgorithm: 'ECDSA_SHA_256' })),
    ).toMatchObject({
      name: 'KMSInternalException',
      $metadata: { httpStatusCode: 500 },
    });
    expect(stand.seen).toHaveLength(6);
    expect(await failure(kms.decrypt({ CiphertextBlob: ALL_BYTES }))).toMatchObject({
      name: 'InvalidCiphertextException',
      message: 'InvalidCiphertextException (400)',
    });
    expect(await failure(kms.decrypt({ CiphertextBlob: ALL_BYTES }))).toMatchObject({
      name: 'KMSInvalidStateException',
      message: 'no type',
    });
    expect(stand.seen).toHaveLength(8);
  });

  it('E2 I2 the endpoints are the SDK variables of each service, else AWS_ENDPOINT_URL, else the Region endpoint', () => {
    const base = { AWS_REGION: 'eu-west-1' };
    // the names the cloud harness sets for the SDK's clients (test/cloud/harness/lambda-runtime.ts)
    expect(KMS_SERVICE.endpointVariable).toBe(ENDPOINT_VARIABLES.kms);
    expect(SECRETS_MANAGER_SERVICE.endpointVariable).toBe(ENDPOINT_VARIABLES.secretsmanager);
    expect(
      jsonTransportFromEnv(KMS_SERVICE, { ...base, AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:9/f/kms' })
        .endpoint.href,
    ).toBe('http://127.0.0.1:9/f/kms');
    expect(
      jsonTransportFromEnv(SECRETS_MANAGER_SERVICE, {
        ...base,
        AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:9/f/kms',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:8',
      }).endpoint.href,
    ).toBe('http://127.0.0.1:8/');
    expect(jsonTransportFromEnv(KMS_SERVICE, base).endpoint.href).toBe(
      'https://kms.eu-west-1.amazonaws.com/',
    );
    expect(jsonTransportFromEnv(SECRETS_MANAGER_SERVICE, base).endpoint.href).toBe(
      'https://secretsmanager.eu-west-1.amazonaws.com/',
    );
  });
});

describe('B3 F1 Secrets Manager through the signed JSON caller', () => {
  it('B3 F1 GetSecretValue and PutSecretValue go to secretsmanager.<Operation>, signed for secretsmanager, as the SDK sends them; a write keeps its ClientRequestToken across retries', async () => {
    stand = await startStandIn([], (request) =>
      request.target === 'secretsmanager.PutSecretValue' &&
      stand?.seen.filter((r) => r.target === request.target).length === 1
        ? jsonError(400, 'ThrottlingException')
        : request.target === 'secretsmanager.PutSecretValue'
          ? { status: 200, body: { Name: 's', VersionId: 'v2' } }
          : kmsAnswer(request),
    );
    const transport = stand.transport;
    const secrets = secretsManagerClient(() => transport);
    const got = await secrets.getSecretValue({ SecretId: 's' });
    expect(got).toEqual({
      ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:s-AbCdEf',
      Name: 's',
      VersionId: 'v1',
      SecretString: '{"a":1}',
      VersionStages: ['AWSCURRENT'],
    });
    const sdk = new SecretsManagerClient({
      region: 'eu-west-1',
      endpoint: `${stand.url}/base`,
      credentials: { accessKeyId: STAND_IN_KEY_ID, secretAccessKey: STAND_IN_SECRET },
    });
    const theirs = await sdk.send(new GetSecretValueCommand({ SecretId: 's' }));
    expect(theirs.SecretString).toBe(got.SecretString);
    sdk.destroy();
    const [mine, sdks] = stand.seen as [SeenRequest, SeenRequest];
    expect([mine.target, mine.input, mine.headers['content-type'], mine.verdict]).toEqual([
      sdks.target,
      sdks.input,
      sdks.headers['content-type'],
      'ok',
    ]);
    expect(mine).toMatchObject({
      target: 'secretsmanager.GetSecretValue',
      scope: { region: 'eu-west-1', service: 'secretsmanager' },
    });

    expect(await secrets.putSecretValue({ SecretId: 's', SecretString: 'new' })).toEqual({
      Name: 's',
      VersionId: 'v2',
    });
    const puts = stand.seen.filter((r) => r.target === 'secretsmanager.PutSecretValue');
    expect(puts).toHaveLength(2);
    expect(puts[0]?.input).toEqual({
      SecretId: 's',
      SecretString: 'new',
      ClientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(puts[1]?.input).toEqual(puts[0]?.input);
    expect(puts.map((r) => r.verdict)).toEqual(['ok', 'ok']);
  });

  it('B3 a binary secret decodes to bytes', async () => {
    stand = await startStandIn([{ status: 200, body: { Name: 'b', SecretBinary: b64(ALL_BYTES) } }]);
    const transport = stand.transport;
    const got = await secretsManagerClient(() => transport).getSecretValue({ SecretId: 'b' });
    expect(got.SecretBinary).toEqual(ALL_BYTES);
    expect(isPlainUint8Array(got.SecretBinary)).toBe(true);
  });
});

describe('F1 the provider secrets against the harness Secrets Manager', () => {
  const ARN = (name: string) => `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${name}-AbCdEf`;
  const model = {
    deployment: { region: 'eu-west-1', account: '111122223333', partition: 'aws', stackName: 'Palisade' },
    secrets: [
      { arn: ARN('palisade/kyc-provider'), name: 'palisade/kyc-provider', holds: 'kyc-provider' },
      { arn: ARN('palisade/kyc-webhook'), name: 'palisade/kyc-webhook', holds: 'kyc-webhook' },
    ],
  } as unknown as CloudModel;
  const secretsService = new SecretsService(model, () => Promise.reject(new Error('no PGP key here')));
  let calls = 0;
  const endpoint = new Endpoint({
    mode: 'enforce',
    principals: new Map(
      [
        standalonePrincipal('Starter', [
          {
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: ARN('palisade/kyc-provider'),
          },
        ]),
        standalonePrincipal('Webhook', [
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: ARN('palisade/kyc-webhook') },
        ]),
        standalonePrincipal('Any', [
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
        ]),
      ].map((p) => [p.id, p]),
    ),
    services: {
      secretsmanager: {
        protocol: 'json',
        handle: (call, gate) => {
          calls++;
          return secretsService.handle(call, gate);
        },
      },
    },
    account: '111122223333',
  });
  let url = '';
  const clientOf = (caller: string) => {
    const transport = {
      region: 'eu-west-1',
      endpoint: new URL(`${url}/${caller}/secretsmanager`),
      credentials: async () => ({ accessKeyId: 'ASIAX', secretAccessKey: 'x' }),
      backoffMs: () => 1,
    };
    const client = secretsManagerClient(() => transport);
    return () => client;
  };
  beforeAll(async () => {
    url = await endpoint.start();
  });
  afterAll(() => endpoint.stop());
  afterEach(() => vi.unstubAllEnvs());

  it('F1 reads each secret once per container, by its name, under the role that may read it; refusals keep their names', async () => {
    vi.stubEnv('KYC_PROVIDER_SECRET', 'palisade/kyc-provider');
    vi.stubEnv('KYC_WEBHOOK_SECRET', ARN('palisade/kyc-webhook'));
    const provider = secretValue('KYC_PROVIDER_SECRET', providerSecret, clientOf('Starter'));
    expect(await provider()).toEqual({
      url: 'https://kyc-provider.invalid/v1',
      apiKey: 'harness-provider-key-0001',
    });
    await provider();
    expect(calls).toBe(1);
    const webhook = secretValue('KYC_WEBHOOK_SECRET', webhookSecret, clientOf('Webhook'));
    expect((await webhook()).secrets).toEqual([HARNESS_KYC_WEBHOOK_SECRET]);

    // the webhook's role may not read the provider's secret; a secret not in the template is not found
    const denied = secretValue('KYC_PROVIDER_SECRET', providerSecret, clientOf('Webhook'));
    expect(await failure(denied())).toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    vi.stubEnv('KYC_PROVIDER_SECRET', 'palisade/none');
    const missing = secretValue('KYC_PROVIDER_SECRET', providerSecret, clientOf('Any'));
    expect(await failure(missing())).toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    endpoint.violations.length = 0;
  });
});
