// The AWS path of F1's documents and provider webhook (I2): RequestKycUpload signs a presigned POST with its
// own role, CompleteKycDocument invokes CheckKycDocument, which sizes, reads (SSE-KMS under the data key) and
// deletes a refused upload with its role, and KycProviderWebhook reads its signing secret and claims event
// ids in the Shield table: each under the template's environment and IAM (docs/cloud-fidelity.md). With the
// three identity documents in, the provider (the harness's stand-in for its https host) is called with a
// presigned GET of each, signed by CheckKycDocument, and reads them as that role. The
// harness does not emulate S3's POST-object form, so the bytes are put where the POST would put them.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SIGNATURE_HEADER, signWebhook } from '../../lambdas/kyc/webhook.js';
import { expectStatus, firstLogin, person, signUp } from './harness/client.js';
import { CloudHarness } from './harness/cloud.js';
import { HARNESS_KYC_WEBHOOK_SECRET } from './harness/services/messaging.js';

// Cold workers on a shared machine: the first call of each function bundle starts its worker.
vi.setConfig({ testTimeout: 240_000 });

let h: CloudHarness;

beforeAll(async () => {
  h = await CloudHarness.start({ variant: { name: 'kyc-documents', context: {} } });
}, 600_000);
afterAll(async () => {
  await h?.stop();
});

const ran = (functionId: string) => h.invocations.some((i) => i.functionId === functionId && i.outcome.ok);
const callsOf = (caller: string) =>
  h.calls.filter((c) => c.caller === caller).map((c) => `${c.service}:${c.operation}`);
const documentBucket = () => {
  const bucket = h.model.buckets.find((b) => h.model.variables.get('KYC_DOCUMENTS_BUCKET')?.has(b.name));
  if (!bucket) throw new Error('no KYC document bucket in the template');
  return bucket.name;
};
const pad = (head: number[] | string, size = 2000): Buffer => {
  const bytes = Buffer.alloc(size, 0x20);
  Buffer.from(typeof head === 'string' ? Buffer.from(head, 'latin1') : head).copy(bytes);
  return bytes;
};

describe('I2 F1 KYC documents and the provider webhook under the template', () => {
  it('I2 F1 an upload slot, the server-side check in CheckKycDocument (a refused file deleted, an accepted one kept) and the signed webhook, each with its own role', async () => {
    const kit = person('kit');
    await signUp(h, kit);
    const token = await firstLogin(h, kit, 'device-kit-000001', '127.0.0.41');
    h.reset();
    const bucket = documentBucket();

    // a slot: the presigned POST's policy signed with RequestKycUpload's credentials
    const slot = await h.call(
      'POST',
      '/v1/me/kyc/documents',
      { kind: 'government-id', contentType: 'image/jpeg' },
      { token },
    );
    expectStatus(slot, 201);
    const fields = slot.body.fields as Record<string, string>;
    expect(fields).toMatchObject({
      'Content-Type': 'image/jpeg',
      'x-amz-server-side-encryption': 'aws:kms',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    });
    const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as {
      conditions: unknown[];
    };
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 10 * 1024 * 1024]);
    const key = fields.key as string;
    expect(key).toMatch(/^kyc\/[^/]+\/[A-Za-z0-9_-]+$/);

    // nothing uploaded yet: 409 (HeadObject answers 404 to the checker's role)
    const early = await h.call('POST', `/v1/me/kyc/documents/${slot.body.slotId}/complete`, undefined, {
      token,
    });
    expectStatus(early, 409);

    // a GIF declared as JPEG: refused 415 and deleted by CheckKycDocument
    h.s3.seed(bucket, key, pad('GIF89a'), 'image/jpeg');
    const refused = await h.call('POST', `/v1/me/kyc/documents/${slot.body.slotId}/complete`, undefined, {
      token,
    });
    expectStatus(refused, 415);
    expect(h.s3.objects.get(bucket)?.has(key)).toBe(false);
    expect(callsOf('CheckKycDocument')).toEqual(
      expect.arrayContaining(['s3:HeadObject', 's3:GetObject', 's3:DeleteObject']),
    );

    // a JPEG selfie: accepted and kept; the provider waits for the other identity documents
    const selfie = await h.call(
      'POST',
      '/v1/me/kyc/documents',
      { kind: 'selfie', contentType: 'image/jpeg' },
      { token },
    );
    expectStatus(selfie, 201);
    const selfieKey = (selfie.body.fields as Record<string, string>).key as string;
    h.s3.seed(bucket, selfieKey, pad([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg');
    const accepted = await h.call('POST', `/v1/me/kyc/documents/${selfie.body.slotId}/complete`, undefined, {
      token,
    });
    expectStatus(accepted, 200);
    expect(accepted.body).toMatchObject({ status: 'accepted', verification: 'waiting-for-documents' });
    expect(h.s3.objects.get(bucket)?.has(selfieKey)).toBe(true);
    for (const fn of ['RequestKycUpload', 'CompleteKycDocument', 'CheckKycDocument'])
      expect(ran(fn), fn).toBe(true);

    // the webhook: a decision signed with the secret in Secrets Manager, for a check not in force: received, ignored
    const event = {
      id: 'evt_harness_0000000001',
      type: 'check.decided',
      checkId: `kyc_${'H'.repeat(22)}_nobody`,
      providerRef: 'prov_1',
      decision: 'approved',
      reasons: [],
      decidedAt: new Date().toISOString(),
    };
    const rawBody = JSON.stringify(event);
    const signed = { [SIGNATURE_HEADER]: signWebhook(rawBody, HARNESS_KYC_WEBHOOK_SECRET, new Date()) };
    const first = await h.call('POST', '/v1/kyc/provider/webhook', event, { headers: signed });
    expectStatus(first, 200);
    expect(first.body).toEqual({ received: true, outcome: 'ignored' });
    const replay = await h.call('POST', '/v1/kyc/provider/webhook', event, { headers: signed });
    expectStatus(replay, 409);
    const forged = await h.call('POST', '/v1/kyc/provider/webhook', event, {
      headers: { [SIGNATURE_HEADER]: signWebhook(rawBody, 'another-secret-entirely-000000', new Date()) },
    });
    expectStatus(forged, 401);
    expect(callsOf('KycProviderWebhook')).toEqual(
      expect.arrayContaining(['secretsmanager:GetSecretValue', 'dynamodb:PutItem']),
    );
    h.assertClean();
  });

  it('I2 F1 the three identity documents start the provider check with presigned GETs signed by CheckKycDocument: the provider reads each (s3:GetObject, kms:Decrypt via S3) under that role', async () => {
    const lea = person('lea');
    await signUp(h, lea);
    const token = await firstLogin(h, lea, 'device-lea-000001', '127.0.0.42');
    h.reset();
    const bucket = documentBucket();
    const jpeg = pad([0xff, 0xd8, 0xff, 0xe0]);
    const seeded = new Map<string, Buffer>();
    let last: Record<string, unknown> = {};
    for (const kind of ['government-id', 'proof-of-address', 'selfie']) {
      const slot = await h.call(
        'POST',
        '/v1/me/kyc/documents',
        { kind, contentType: 'image/jpeg' },
        { token },
      );
      expectStatus(slot, 201);
      const key = (slot.body.fields as Record<string, string>).key as string;
      const bytes = Buffer.concat([jpeg.subarray(0, 1000), Buffer.from(kind.padEnd(1000, '.'))]);
      h.s3.seed(bucket, key, bytes, 'image/jpeg');
      seeded.set(kind, bytes);
      const done = await h.call('POST', `/v1/me/kyc/documents/${slot.body.slotId}/complete`, undefined, {
        token,
      });
      expectStatus(done, 200);
      last = done.body;
    }
    expect(last).toMatchObject({ status: 'accepted', verification: 'started' });

    // the provider was called by CompleteKycDocument with its key from Secrets Manager and links, never keys
    const [started] = h.kycProvider.calls;
    expect(started).toMatchObject({
      caller: 'CompleteKycDocument',
      host: 'kyc-provider.invalid',
      path: '/v1/checks',
      authorization: 'Bearer harness-provider-key-0001',
    });
    const body = started?.body as {
      checkId: string;
      documents: { kind: string; url: string; expiresAt: string }[];
    };
    expect(body.checkId).toMatch(/^kyc_[A-Za-z0-9_-]{22}_/);
    expect(body.documents.map((d) => d.kind)).toEqual(['government-id', 'proof-of-address', 'selfie']);
    expect(JSON.stringify(body)).not.toMatch(/"key"/);
    for (const document of body.documents) {
      const url = new URL(document.url);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
      expect(Date.parse(document.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);
      // presigned with CheckKycDocument's role session (the one that holds the reads of the bucket)
      expect(url.pathname).toMatch(/^\/CheckKycDocument~\d+\/s3\//);
      // the provider fetches it, as that role
      const fetched = await fetch(url);
      expect(fetched.status).toBe(200);
      expect(Buffer.from(await fetched.arrayBuffer())).toEqual(seeded.get(document.kind));
    }
    const reads = h.calls.filter((c) => c.caller === 'CheckKycDocument' && c.operation === 'GetObject');
    const granted = reads
      .flatMap((c) => c.checks)
      .map((c) => [c.request.action, c.decision !== 'not-iam' && c.decision.allowed]);
    expect(granted).toEqual(
      expect.arrayContaining([
        ['s3:GetObject', true],
        ['kms:Decrypt', true],
      ]),
    );
    const record = await h.call('GET', '/v1/me/kyc', undefined, { token });
    expectStatus(record, 200);
    // the customer's own check is the one in force, pending the provider's decision
    expect(JSON.stringify(record.body)).not.toMatch(/X-Amz|kyc\//);
    for (const fn of ['CompleteKycDocument', 'CheckKycDocument']) expect(ran(fn), fn).toBe(true);
    h.assertClean();
  });
});
