// AWS Secrets Manager through the signed JSON caller (json-api.ts) instead of @aws-sdk/client-secrets-manager:
// docs/decisions.md, "Bundles". GetSecretValue (the PGP key, the verification provider's configuration) and
// PutSecretValue (the platform key's custom resource, at deploy time), in the SDK's shapes. On the wire
// awsJson1_1 (`X-Amz-Target: secretsmanager.<Operation>`); errors are AwsApiError named by the service's code
// (ResourceNotFoundException, AccessDeniedException, DecryptionFailure …). A write carries a
// ClientRequestToken, as the SDK fills it in, so that sending it again after a lost connection makes no
// second version.
import { randomUUID } from 'node:crypto';
import { once } from '../runtime/aws-env.js';
import { type JsonService, jsonApi, jsonTransportFromEnv } from './json-api.js';
import { blob } from './kms.js';
import type { AwsTransport } from './signed-request.js';

export const SECRETS_MANAGER_SERVICE: JsonService = {
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
  endpointVariable: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  traceName: 'Secrets Manager',
};

export interface GetSecretValueOutput {
  ARN?: string;
  Name?: string;
  VersionId?: string;
  SecretString?: string;
  SecretBinary?: Uint8Array;
  VersionStages?: string[];
}

export interface SecretsManager {
  getSecretValue(input: {
    SecretId: string;
    VersionId?: string;
    VersionStage?: string;
  }): Promise<GetSecretValueOutput>;
  putSecretValue(input: {
    SecretId: string;
    SecretString: string;
    ClientRequestToken?: string;
  }): Promise<{ ARN?: string; Name?: string; VersionId?: string }>;
}

/** The client over `transport` (the environment's: AWS_ENDPOINT_URL_SECRETS_MANAGER, the role's keys). */
export function secretsManagerClient(
  transport: () => AwsTransport = once(() => jsonTransportFromEnv(SECRETS_MANAGER_SERVICE)),
): SecretsManager {
  const api = jsonApi(SECRETS_MANAGER_SERVICE, transport);
  return {
    async getSecretValue(input) {
      const out = await api.call<Record<string, unknown>>('GetSecretValue', input, { idempotent: true });
      const { CreatedDate: _created, SecretBinary, ...rest } = out;
      return {
        ...(rest as GetSecretValueOutput),
        ...(SecretBinary === undefined ? {} : { SecretBinary: blob(SecretBinary) }),
      };
    },
    putSecretValue: (input) =>
      api.call('PutSecretValue', { ClientRequestToken: randomUUID(), ...input }, { idempotent: true }),
  };
}

/** The functions' Secrets Manager client, one per container. */
export const awsSecretsManager = /* @__PURE__ */ once(() => secretsManagerClient());
