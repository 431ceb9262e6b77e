// The cloud harness's KMS emulation (test/cloud/harness/services/kms.ts: KMS's JSON protocol over the local key
// service, its errors and its IAM checks) stood up alone, for unit tests of the KMS client and what uses it.
// One endpoint, one emulated KMS per Region (`kms-<region>`, each knowing only the keys of its Region, as KMS
// answers only for keys of the Region it is called in), all over the same key material (as a multi-Region
// primary and its replica share theirs). Every request is recorded with its parsed input.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kms, kmsClient } from '../../lambdas/kernel/aws/kms.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { Endpoint, type Service, standalonePrincipal } from '../cloud/harness/endpoints.js';
import type { PolicyStatement } from '../cloud/harness/iam.js';
import { KmsService } from '../cloud/harness/services/kms.js';
import type { CloudModel } from '../cloud/harness/template.js';

export const HARNESS_ACCOUNT = '111122223333';
const SECRET = 'kms-harness-secret';

export interface KmsRequest {
  caller: string;
  region: string;
  operation: string;
  input: Record<string, unknown>;
}

export interface KmsHarness {
  endpoint: Endpoint;
  requests: KmsRequest[];
  local: LocalKeyService;
  /** Our KMS client in `region`, signed with `caller`'s credentials. */
  client(region: string, caller?: string): Kms;
  /** The requests of one operation (all callers and Regions), in order. */
  inputs(operation: string): Record<string, unknown>[];
  stop(): Promise<void>;
}

/**
 * `keys`: per Region, its signing and data key ARNs. `roles`: each caller's statements (default: `Caller`,
 * allowed every KMS operation on every key).
 */
export async function startKmsHarness(
  keys: Record<string, { signing: string; data: string }>,
  roles: Record<string, PolicyStatement[]> = {
    Caller: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
  },
): Promise<KmsHarness> {
  const stateDir = await mkdtemp(join(tmpdir(), 'palisade-kms-harness-'));
  const local = await LocalKeyService.open(stateDir);
  const requests: KmsRequest[] = [];
  const services: Record<string, Service> = {};
  for (const [region, regionKeys] of Object.entries(keys)) {
    const model = {
      deployment: { region, account: HARNESS_ACCOUNT, partition: 'aws', stackName: 'Palisade' },
      keys: regionKeys,
    } as unknown as CloudModel;
    const kms = new KmsService(local, model);
    services[`kms-${region}`] = {
      protocol: 'json',
      handle: (call, gate) => {
        requests.push({
          caller: call.principal.id,
          region,
          operation: call.operation,
          input: JSON.parse(call.body.toString('utf8') || '{}') as Record<string, unknown>,
        });
        return kms.handle(call, gate);
      },
    };
  }
  const endpoint = new Endpoint({
    mode: 'enforce',
    principals: new Map(
      Object.entries(roles).map(([id, statements]) => [
        id,
        standalonePrincipal(id, statements, `ASIA${id.toUpperCase()}`),
      ]),
    ),
    services,
    account: HARNESS_ACCOUNT,
  });
  const url = await endpoint.start();
  return {
    endpoint,
    requests,
    local,
    client: (region, caller = 'Caller') => {
      const transport = {
        region,
        endpoint: new URL(`${url}/${caller}/kms-${region}`),
        credentials: async () => ({
          accessKeyId: `ASIA${caller.toUpperCase()}`,
          secretAccessKey: SECRET,
          sessionToken: `session-${caller}`,
        }),
        backoffMs: () => 1,
      };
      return kmsClient(() => transport);
    },
    inputs: (operation) => requests.filter((r) => r.operation === operation).map((r) => r.input),
    stop: async () => {
      await endpoint.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
