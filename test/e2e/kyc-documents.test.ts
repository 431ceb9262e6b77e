// End to end, F1 KYC documents and verification over HTTP against the local backend: an upload slot is a
// presigned POST whose policy the local store enforces as S3 does; the complete call checks the file
// server-side (CheckKycDocument: magic bytes, size, PDF pages) and a bad file is refused with the reason and
// deleted; the three identity documents start the (simulated) provider's check; its signed webhook approving it
// raises the level to verified; forged, stale and replayed webhooks are refused and change nothing; an
// undecided check goes to compliance review through the approval plane.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import { SIGNATURE_HEADER, signWebhook } from '../../lambdas/kyc/webhook.js';
import { loadListVersion } from '../../lambdas/screening/versions.js';
import { LocalListStore } from '../../local/adapters/list-store.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { adminCode, createAdmin, type TestAdmin } from '../support/admin-client.js';
import { callFrom, createDevUser } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const SDN = 'data/lists/ofac-sdn';
const clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-kyc-docs-'));
  await loadListVersion(new LocalListStore(stateDir), {
    format: 'ofac-sdn-csv',
    list: 'ofac-sdn',
    files: new Map(
      ['sdn.csv', 'alt.csv', 'add.csv', 'sdn_comments.csv'].map(
        (name) => [name, new Uint8Array(readFileSync(join(SDN, name)))] as const,
      ),
    ),
    loadedBy: 'test',
    now: new Date('2026-12-01T00:00:00Z'),
  });
  cloud = await startLocalCloud({
    stateDir,
    clock,
    port: 0,
    waitTimeMs: 0,
    retryIntervalMs: 0,
    settings: parseSettings({
      withdrawalLimits: { BTC: { daily: '2', monthly: '20' }, ETH: { daily: '50', monthly: '500' } },
    }),
  });
}, 120_000);
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

interface Client {
  userId: string;
  token: string;
}
const call = (client: Client, method: string, path: string, body?: unknown) =>
  callFrom(cloud, '127.0.0.1', method, path, body, { authorization: `Bearer ${client.token}` });
const PERSON = {
  legalName: { given: 'Amélie', family: 'Poulain' },
  dateOfBirth: '1990-04-25',
  nationality: 'FR',
  residence: { line1: '15 rue des Trois Frères', city: 'Paris', postalCode: '75018', country: 'FR' },
  taxResidence: [{ country: 'FR' }],
};

async function until<T>(probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A customer at basic: the person data given and screened clear. */
async function basicCustomer(username: string): Promise<Client> {
  const account = await createDevUser(cloud, username, PASSWORD);
  const client = { userId: account.userId, token: account.accessToken };
  expect((await call(client, 'POST', '/v1/me/kyc/person', PERSON)).status).toBe(202);
  await until(async () => {
    const record = await cloud.ports.kyc.get(client.userId);
    return record?.requirements['screening-clear'] === 'met' ? record : undefined;
  });
  return client;
}

const pad = (head: number[] | string, size = 2000): Uint8Array => {
  const bytes = new Uint8Array(size).fill(0x20);
  const prefix = typeof head === 'string' ? [...head].map((c) => c.charCodeAt(0)) : head;
  bytes.set(prefix);
  return bytes;
};
const JPEG = pad([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const GIF = pad('GIF89a');
async function pdfOf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i += 1) doc.addPage([200, 200]);
  return doc.save();
}

interface SlotAnswer {
  slotId: string;
  url: string;
  fields: Record<string, string>;
  maxBytes: number;
}
async function slotFor(client: Client, kind: string, contentType: string): Promise<SlotAnswer> {
  const answer = await call(client, 'POST', '/v1/me/kyc/documents', { kind, contentType });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as unknown as SlotAnswer;
}
/** The client's POST to the slot, as to S3: the fields, then the file. */
async function upload(slot: SlotAnswer, bytes: Uint8Array): Promise<number> {
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.fields)) form.append(name, value);
  form.append('file', new Blob([bytes]), 'document');
  const answer = await fetch(slot.url, { method: 'POST', body: form });
  await answer.arrayBuffer();
  return answer.status;
}
const complete = (client: Client, slotId: string) =>
  call(client, 'POST', `/v1/me/kyc/documents/${slotId}/complete`);
/** The refusal's `details` (which rule refused the file). */
const detailsOf = (answer: { body: { error?: unknown } }) =>
  (answer.body.error as { details?: unknown })?.details;
const keyOf = (client: Client, slot: SlotAnswer) => `kyc/${client.userId}/${slot.slotId}`;

/** The three identity documents uploaded and completed; the check id the provider was asked with. */
async function identityDocuments(client: Client): Promise<string> {
  for (const [kind, type, bytes] of [
    ['government-id', 'image/jpeg', JPEG],
    ['proof-of-address', 'application/pdf', await pdfOf(2)],
    ['selfie', 'image/jpeg', JPEG],
  ] as const) {
    const slot = await slotFor(client, kind, type);
    expect(await upload(slot, bytes)).toBe(204);
    const done = await complete(client, slot.slotId);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({
      status: 'accepted',
      kind,
      verification: kind === 'selfie' ? 'started' : 'waiting-for-documents',
    });
  }
  const check = cloud.ports.kycProvider.started.find((c) => c.userId === client.userId);
  if (!check) throw new Error('no check started');
  return check.checkId;
}
const deliver = (webhook: { rawBody: string; headers: Record<string, string> }) =>
  callFrom(
    cloud,
    '127.0.0.1',
    'POST',
    '/v1/kyc/provider/webhook',
    JSON.parse(webhook.rawBody),
    webhook.headers,
  );

describe('F1 KYC documents', () => {
  it('F1 an upload slot is a presigned POST; files with wrong magic bytes, too many PDF pages or too large are refused with the reason and nothing is kept', async () => {
    const client = await basicCustomer('kyc.docs.refused');
    const slot = await slotFor(client, 'government-id', 'image/jpeg');
    expect(slot.fields).toMatchObject({ 'Content-Type': 'image/jpeg', key: keyOf(client, slot) });
    expect(slot.maxBytes).toBe(10 * 1024 * 1024);
    // another content type than the slot's: refused by the policy, as S3 does
    expect(await upload({ ...slot, fields: { ...slot.fields, 'Content-Type': 'image/png' } }, JPEG)).toBe(
      403,
    );
    // wrong magic bytes: a GIF declared as JPEG
    expect(await upload(slot, GIF)).toBe(204);
    const wrong = await complete(client, slot.slotId);
    expect([wrong.status, wrong.body.error?.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(detailsOf(wrong)).toEqual([{ path: 'file', message: 'type' }]);
    expect(await cloud.ports.kycDocuments.head(keyOf(client, slot))).toBeUndefined();
    // completing it again answers the same refusal; nothing changes
    expect((await complete(client, slot.slotId)).status).toBe(415);

    const pdfSlot = await slotFor(client, 'proof-of-address', 'application/pdf');
    expect(await upload(pdfSlot, await pdfOf(11))).toBe(204);
    const pages = await complete(client, pdfSlot.slotId);
    expect([pages.status, detailsOf(pages)]).toEqual([400, [{ path: 'file', message: 'pages' }]]);
    expect(pages.body.error?.message).toMatch(/11 pages; at most 10/);
    expect(await cloud.ports.kycDocuments.head(keyOf(client, pdfSlot))).toBeUndefined();

    // too large: refused by the slot's policy at the upload, nothing stored; completing finds nothing
    const big = await slotFor(client, 'selfie', 'image/jpeg');
    expect(await upload(big, pad([0xff, 0xd8, 0xff], big.maxBytes + 1))).toBe(400);
    expect(await cloud.ports.kycDocuments.head(keyOf(client, big))).toBeUndefined();
    expect((await complete(client, big.slotId)).status).toBe(409);
    // a selfie as a PDF is not asked for at all
    const pdfSelfie = await call(client, 'POST', '/v1/me/kyc/documents', {
      kind: 'selfie',
      contentType: 'application/pdf',
    });
    expect(pdfSelfie.status).toBe(415);
    // an unknown slot
    expect((await complete(client, 'nosuchslot0000')).status).toBe(404);

    const record = await cloud.ports.kyc.get(client.userId);
    expect(record?.requirements['government-id']).toBeUndefined();
    expect(record?.requirements['proof-of-address']).toBeUndefined();
    expect(record?.level).toBe('basic');
  });

  it('F1 the three identity documents start the provider check; its signed approval on the webhook raises the level to verified', async () => {
    const client = await basicCustomer('kyc.docs.approved');
    const checkId = await identityDocuments(client);
    const pending = await call(client, 'GET', '/v1/me/kyc');
    expect(pending.body).toMatchObject({ level: 'basic', next: { level: 'verified' } });
    const webhook = await cloud.ports.kycProvider.decide(checkId, 'approved');
    const answer = await deliver(webhook);
    expect([answer.status, answer.body]).toEqual([200, { received: true, outcome: 'applied' }]);
    const after = await call(client, 'GET', '/v1/me/kyc');
    expect(after.body).toMatchObject({
      level: 'verified',
      limits: { BTC: { daily: '10', monthly: '100' } },
      next: { level: 'enhanced' },
    });
  });

  it('F1 forged, stale and replayed webhooks are refused with a clear 4xx and change nothing', async () => {
    const client = await basicCustomer('kyc.docs.forged');
    const checkId = await identityDocuments(client);
    const before = await cloud.ports.kyc.get(client.userId);
    const webhook = await cloud.ports.kycProvider.decide(checkId, 'approved');
    // forged: the same body signed with another secret
    const forged = await deliver({
      rawBody: webhook.rawBody,
      headers: {
        [SIGNATURE_HEADER]: signWebhook(webhook.rawBody, 'not-the-secret-at-all-0000', clock.now()),
      },
    });
    expect([forged.status, forged.body.error?.code]).toEqual([401, 'UNAUTHORIZED']);
    // tampered: a rejected body under the approval's signature
    const tampered = await deliver({
      rawBody: webhook.rawBody.replace('"approved"', '"rejected"'),
      headers: webhook.headers,
    });
    expect(tampered.status).toBe(401);
    // stale: correctly signed ten minutes ago
    const [secret] = await cloud.ports.kycWebhookSecrets();
    const stale = await deliver({
      rawBody: webhook.rawBody,
      headers: {
        [SIGNATURE_HEADER]: signWebhook(
          webhook.rawBody,
          secret as string,
          new Date(clock.now().getTime() - 600_000),
        ),
      },
    });
    expect([stale.status, stale.body.error?.message]).toEqual([
      401,
      'The webhook is outside the time tolerance',
    ]);
    // unsigned
    const unsigned = await deliver({ rawBody: webhook.rawBody, headers: {} });
    expect(unsigned.status).toBe(401);
    expect(await cloud.ports.kyc.get(client.userId)).toEqual(before);
    // the genuine one applies once; its replay is refused
    expect((await deliver(webhook)).status).toBe(200);
    const replay = await deliver(webhook);
    expect([replay.status, replay.body.error?.code]).toEqual([409, 'CONFLICT']);
    expect((await cloud.ports.kyc.get(client.userId))?.level).toBe('verified');
  });

  it('F1 an undecided check goes to compliance review: one officer requests, another approves through the plane, the level rises', async () => {
    const client = await basicCustomer('kyc.docs.undecided');
    const checkId = await identityDocuments(client);
    expect(
      (await deliver(await cloud.ports.kycProvider.decide(checkId, 'undecided', ['face-unclear']))).status,
    ).toBe(200);
    expect((await cloud.ports.kyc.get(client.userId))?.requirements['identity-verified']).toBe('in-review');
    const seen = await call(client, 'GET', '/v1/me/kyc');
    expect(JSON.stringify(seen.body)).toContain('"in-review"');

    const maker: TestAdmin = await createAdmin(cloud, { username: 'kyc.comp.maker', tiers: ['compliance'] });
    const checker: TestAdmin = await createAdmin(cloud, {
      username: 'kyc.comp.checker',
      tiers: ['compliance'],
    });
    const as = (admin: TestAdmin, method: string, path: string, body?: unknown) =>
      callFrom(cloud, '127.0.0.1', method, path, body, { authorization: `Bearer ${admin.token}` });
    const made = await as(maker, 'POST', '/v1/admin/requests', {
      action: 'review-kyc-requirement',
      target: { kind: 'user', id: client.userId },
      parameters: { requirement: 'identity-verified', outcome: 'approve' },
      reason: 'documents checked by hand: the selfie matches the id',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const { requestId, payloadHash } = made.body as { requestId: string; payloadHash: string };
    // the maker cannot approve their own request (four eyes)
    const own = await as(maker, 'POST', `/v1/admin/requests/${requestId}/approve`, {
      payloadHash,
      password: maker.password,
      code: adminCode(maker.totpSecret, clock.now()),
    });
    expect(own.status).toBe(403);
    const approved = await as(checker, 'POST', `/v1/admin/requests/${requestId}/approve`, {
      payloadHash,
      password: checker.password,
      code: adminCode(checker.totpSecret, clock.now()),
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const record = await until(async () => {
      const r = await cloud.ports.kyc.get(client.userId);
      return r?.level === 'verified' ? r : undefined;
    });
    expect(record.requirements['identity-verified']).toBe('met');
  });
});
