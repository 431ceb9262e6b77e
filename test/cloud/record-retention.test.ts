// The AWS path of F5's five-year records (I2): CloseAccount under the template (the closing transaction with
// the retention clock's rows, the user disabled and signed out in Cognito), then RetentionSweep as EventBridge
// invokes it, under its own partition-scoped role: five years on (its bundle's clock run ahead), the customer's
// rows replaced by tombstones, the KYC document tagged for the bucket's lifecycle, the erasure audited.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { retentionDueAt } from '../../lambdas/privacy/retention.js';
import { ERASE_TAG } from '../../lambdas/privacy/retention-tags.js';
import { expectStatus, firstLogin, person, signUp } from './harness/client.js';
import { CloudHarness } from './harness/cloud.js';

// Cold workers on a shared machine: the first call of each function bundle starts its worker.
vi.setConfig({ testTimeout: 240_000 });

let h: CloudHarness;

beforeAll(async () => {
  h = await CloudHarness.start({ variant: { name: 'record-retention', context: {} } });
}, 600_000);
afterAll(async () => {
  await h?.stop();
});

const callsOf = (caller: string) =>
  h.calls.filter((c) => c.caller === caller).map((c) => `${c.service}:${c.operation}`);
const documentBucket = () => {
  const bucket = h.model.buckets.find((b) => h.model.variables.get('KYC_DOCUMENTS_BUCKET')?.has(b.name));
  if (!bucket) throw new Error('no KYC document bucket in the template');
  return bucket.name;
};
const scheduled = () => ({
  version: '0',
  id: 'retention-sweep-run',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: h.model.deployment.account,
  time: new Date().toISOString(),
  region: h.model.deployment.region,
  resources: [],
  detail: {},
});

describe('I2 F5 account closure and the retention sweep under the template', () => {
  it('I2 F5 CloseAccount closes and disables the login; RetentionSweep five years on tombstones the rows and tags the documents, each with its own role', async () => {
    const liv = person('liv');
    await signUp(h, liv);
    const token = await firstLogin(h, liv, 'device-liv-000001', '127.0.0.51');
    const me = await h.call('GET', '/v1/me', undefined, { token });
    expectStatus(me, 200);
    const userId = me.body.userId as string;
    const bucket = documentBucket();
    const documentKey = `kyc/${userId}/slot-liv-0000001`;
    h.s3.seed(bucket, documentKey, Buffer.from('a kept document'), 'image/jpeg');
    h.reset();

    expectStatus(await h.call('POST', '/v1/me/close', undefined, { token }), 403);
    expectStatus(await h.call('POST', '/v1/me/step-up', { password: liv.password }, { token }), 200);
    const closed = await h.call('POST', '/v1/me/close', undefined, { token });
    expectStatus(closed, 200);
    h.assertClean();
    expect(callsOf('CloseAccount')).toEqual(
      expect.arrayContaining([
        'dynamodb:TransactWriteItems',
        'cognito-idp:AdminDisableUser',
        'cognito-idp:AdminUserGlobalSignOut',
      ]),
    );
    expectStatus(await h.call('GET', '/v1/me', undefined, { token }), 401);
    const login = await h.call(
      'POST',
      '/v1/auth/login',
      { username: liv.username, password: liv.password, deviceId: 'device-liv-000001' },
      { source: '127.0.0.51' },
    );
    expect(login.status).toBe(401);

    // Today: nothing is due; the sweep reads the due index's months and erases nothing.
    h.reset();
    expect(await h.invokeFunction('RetentionSweep', scheduled())).toMatchObject({ erased: 0 });
    h.assertClean();

    // Five years and a minute on (the sweep's bundle runs on that clock): erased, under its own role.
    const closedAt = new Date(closed.body.closedAt as string);
    const clockOffsetMs = retentionDueAt(closedAt).getTime() + 60_000 - Date.now();
    h.reset();
    const run = await h.invokeFunction('RetentionSweep', scheduled(), { clockOffsetMs });
    expect(run).toMatchObject({ erased: 1, more: false });
    h.assertClean();
    expect(callsOf('RetentionSweep')).toEqual(
      expect.arrayContaining([
        'dynamodb:Query',
        'dynamodb:TransactWriteItems',
        's3:ListObjectVersions',
        's3:PutObjectTagging',
      ]),
    );
    expect(callsOf('RetentionSweep')).not.toContain('s3:DeleteObject');
    expect(h.s3.objects.get(bucket)?.get(documentKey)?.tags).toEqual({ [ERASE_TAG.key]: ERASE_TAG.value });
  });
});
