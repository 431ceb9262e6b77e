// End to end, F1/X4 over HTTP against the local backend (the OFAC SDN list in force): a business customer declares
// its company and ownership graph (nested chains computed, a cycle, shares over 100 % and nobody above the
// threshold without an official refused 400 with nothing written), the beneficial owners sealed and screened by
// the screening workflow (their standing shown masked); and the periodic refresh run from
// statemachines/kyc-refresh.asl.json with an injected clock: asked by mail, overdue → withdrawals above basic
// refused, refreshed → restored.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { loadListVersion } from '../../lambdas/screening/versions.js';
import { LocalListStore } from '../../local/adapters/list-store.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { signInDevAccount } from '../../local/dev-accounts.js';
import { followLink, linkIn } from '../support/email-links.js';
import { callFrom, createDevUser, mailText } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SEGWIT = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
const SDN = 'data/lists/ofac-sdn';
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;
let keys = 0;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-kyc-business-'));
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
    scheduleIntervalMs: 0,
    settings: parseSettings({
      withdrawalLimits: { BTC: { daily: '2', monthly: '20' }, ETH: { daily: '50', monthly: '500' } },
    }),
  });
  // Amounts up to 3 BTC priced low stay under the Travel Rule's threshold (test/e2e/travel-rule.test.ts).
  cloud.ports.prices.set('BTC', 'EUR', '100');
}, 120_000);
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

interface Client {
  userId: string;
  username: string;
  token: string;
}
const newUser = async (username: string): Promise<Client> => {
  const account = await createDevUser(cloud, username, PASSWORD);
  return { userId: account.userId, username, token: account.accessToken };
};
const signIn = async (client: Client) => {
  client.token = (await signInDevAccount(cloud.ports, client.username, PASSWORD)).accessToken;
};
const call = (client: Client, method: string, path: string, body?: unknown, headers = {}) =>
  callFrom(cloud, '127.0.0.1', method, path, body, { authorization: `Bearer ${client.token}`, ...headers });

async function until<T>(probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const BUSINESS = {
  registrationNumber: 'HRB 654321',
  jurisdiction: 'DE',
  incorporationDocument: 'slot_incorporation_e2e',
  ownership: {
    company: 'acme',
    parties: [
      { id: 'acme', kind: 'company', name: 'Acme Handels GmbH', jurisdiction: 'DE' },
      { id: 'holdco', kind: 'company', name: 'Holdco Sarl', jurisdiction: 'LU' },
      { id: 'ines', kind: 'person', name: 'Ines Quartermaine', dateOfBirth: '1981-03-14', nationality: 'DE' },
      { id: 'otto', kind: 'person', name: 'Otto Lindqvist', dateOfBirth: '1975-06-02', nationality: 'SE' },
      { id: 'mia', kind: 'person', name: 'Mia Small' },
    ],
    holdings: [
      { owner: 'ines', owned: 'acme', percent: '30' },
      { owner: 'holdco', owned: 'acme', percent: '70' },
      { owner: 'otto', owned: 'holdco', percent: '50' },
      { owner: 'mia', owned: 'holdco', percent: '20' },
    ],
  },
};

const kycRows = async (userId: string) =>
  (
    (
      await cloud.runtime.dynamo.documents.send(
        new QueryCommand({
          TableName: TABLES.accounts.logicalName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `USER#${userId}` },
        }),
      )
    ).Items ?? []
  ).filter((i) => i.sk === 'KYC');

describe('F1 POST /v1/me/kyc/business', () => {
  it('F1 refusals over HTTP: a cycle, shares over 100 %, nobody at 25 % without a senior managing official: 400 with the rule, nothing written', async () => {
    const client = await newUser('biz.refused');
    const cycle = structuredClone(BUSINESS);
    cycle.ownership.holdings.push({ owner: 'acme', owned: 'holdco', percent: '30' });
    const over = structuredClone(BUSINESS);
    over.ownership.holdings[1] = { owner: 'holdco', owned: 'acme', percent: '70.5' };
    const spread = structuredClone(BUSINESS);
    spread.ownership.holdings = [
      { owner: 'ines', owned: 'acme', percent: '20' },
      { owner: 'otto', owned: 'acme', percent: '20' },
      { owner: 'mia', owned: 'acme', percent: '20' },
    ];
    for (const [body, reason] of [
      [cycle, /cycle: (acme|holdco) ← .* ← (acme|holdco)/],
      [over, /over 100 %/],
      [spread, /senior managing official/],
    ] as const) {
      const answer = await call(client, 'POST', '/v1/me/kyc/business', body);
      expect([answer.status, answer.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(answer.body.error?.message).toMatch(reason);
    }
    expect(await kycRows(client.userId)).toEqual([]);
  });

  it('F1 F2 E2 a nested graph: the beneficial owners (30 %, 35 %) sealed, screened on their own and shown masked; a holder under 25 % is not one', async () => {
    const client = await newUser('biz.nested');
    const answer = await call(client, 'POST', '/v1/me/kyc/business', BUSINESS);
    expect(answer.status).toBe(202);
    const business = answer.body.business as {
      owners: Record<string, unknown>[];
      registrationNumber: string;
    };
    expect(business.registrationNumber).toBe('***321');
    expect(business.owners.map((o) => [o.name, o.percent, o.role, o.screening])).toEqual([
      ['O*** L***', '35', 'beneficial-owner', 'pending'],
      ['I*** Q***', '30', 'beneficial-owner', 'pending'],
    ]);
    const [row] = await kycRows(client.userId);
    const text = JSON.stringify(row);
    for (const value of [
      'Quartermaine',
      'Lindqvist',
      'Mia Small',
      '1981-03-14',
      'HRB 654321',
      'Acme Handels',
    ]) {
      expect(text).not.toContain(value);
    }
    // each owner screened by the screening workflow; the decision lands in the customer's record
    const screened = await until(async () => {
      const view = await call(client, 'GET', '/v1/me/kyc');
      const owners = (view.body.business as { owners: { screening: string }[] }).owners;
      return owners.every((o) => o.screening === 'met') ? view : undefined;
    });
    expect(JSON.stringify(screened.body)).not.toMatch(/risk|reason/i);
    const record = await cloud.ports.kyc.get(client.userId);
    expect(record?.risk?.rating).toBe('low');
    expect(record?.business?.owners.map((o) => o.band)).toEqual(['clear', 'clear']);
  });

  it('F1 nobody at 25 %: the senior managing official is recorded and screened', async () => {
    const client = await newUser('biz.official');
    const body = structuredClone(BUSINESS) as typeof BUSINESS & {
      ownership: { seniorManagingOfficial?: string };
    };
    body.ownership.holdings = [
      { owner: 'ines', owned: 'acme', percent: '20' },
      { owner: 'otto', owned: 'acme', percent: '20' },
    ];
    body.ownership.seniorManagingOfficial = 'mia';
    const answer = await call(client, 'POST', '/v1/me/kyc/business', body);
    expect(answer.status).toBe(202);
    expect((answer.body.business as { owners: unknown[] }).owners).toEqual([
      expect.objectContaining({ role: 'senior-managing-official', name: 'M*** S***', screening: 'pending' }),
    ]);
  });
});

describe('F1 X4 the refresh workflow (statemachines/kyc-refresh.asl.json, run locally)', () => {
  it('F1 X4 due → the customer is asked by mail; overdue → withdrawals above basic refused; refreshed → restored', async () => {
    const client = await newUser('biz.refresh');
    const person = {
      legalName: { given: 'Renate', family: 'Auffrischung' },
      dateOfBirth: '1979-09-09',
      nationality: 'DE',
      residence: { line1: '2 Hauptstrasse', city: 'Bonn', country: 'DE' },
      taxResidence: [{ country: 'DE' }],
    };
    expect((await call(client, 'POST', '/v1/me/kyc/person', person)).status).toBe(202);
    const reviewed = await until(async () => {
      const r = await cloud.ports.kyc.get(client.userId);
      return r?.refreshDueAt ? r : undefined;
    });
    const dueAt = Date.parse(reviewed.refreshDueAt as string);
    expect(dueAt - Date.parse(reviewed.reviewedAt as string)).toBeGreaterThan(4 * 365 * DAY);
    await cloud.ports.kyc.setLevel(client.userId, 'verified', {
      actor: { kind: 'admin', id: 'compliance-1' },
      reason: 'documents verified',
      at: clock.now().toISOString(),
    });
    // a confirmed withdrawal address, as a customer has one
    await signIn(client);
    const added = await call(client, 'POST', '/v1/me/addresses', {
      asset: 'BTC',
      address: SEGWIT,
      label: 'cold',
    });
    const addressId = (added.body.address as { addressId: string }).addressId;
    await followLink(
      linkIn(
        await mailText(cloud, `${client.username}@example.com`, /withdrawal address/i),
        '/v1/addresses/confirm/',
      ),
    );
    const withdraw = (amount: string) =>
      call(
        client,
        'POST',
        '/v1/me/withdrawals',
        { password: PASSWORD, asset: 'BTC', amount, addressId },
        { 'idempotency-key': `biz-${Date.now().toString(36)}-${++keys}` },
      );

    // ten days before the deadline: the workflow asks for the refresh (mail through the outbox)
    clockOffsetMs = dueAt - 10 * DAY - Date.now();
    const asked = await cloud.runtime.runScheduledWorkflow('kyc-refresh');
    expect(asked.status).toBe('SUCCEEDED');
    expect((asked as { output: { run: { asked: number } } }).output.run.asked).toBeGreaterThanOrEqual(1);
    expect(
      await mailText(cloud, `${client.username}@example.com`, /review your Palisade verification/),
    ).toMatch(/periodic review/);
    await signIn(client);
    expect((await withdraw('3')).status).toBe(202);

    // past the deadline: overdue, the limits are basic's
    clockOffsetMs = dueAt + DAY - Date.now();
    const overdue = await cloud.runtime.runScheduledWorkflow('kyc-refresh');
    expect((overdue as { output: { run: { overdue: number } } }).output.run.overdue).toBeGreaterThanOrEqual(
      1,
    );
    expect(await mailText(cloud, `${client.username}@example.com`, /verification is overdue/)).toMatch(
      /basic/,
    );
    await signIn(client);
    const refused = await withdraw('3');
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'DAILY_LIMIT']);
    expect((await call(client, 'GET', '/v1/me/kyc')).body).toMatchObject({
      level: 'verified',
      effectiveLevel: 'basic',
      refresh: { overdue: true },
    });
    const audit = await cloud.ports.audit.byTarget({ kind: 'user', id: client.userId });
    expect(audit.items.map((r) => r.action)).toEqual(
      expect.arrayContaining(['kyc.refresh-requested', 'kyc.refresh-overdue']),
    );

    // refreshed: the person data confirmed and screened clear again → a new period, limits restored
    expect((await call(client, 'POST', '/v1/me/kyc/person', person)).status).toBe(202);
    await until(async () => {
      const r = await cloud.ports.kyc.get(client.userId);
      return r?.refreshDueAt && Date.parse(r.refreshDueAt) > dueAt ? r : undefined;
    });
    const restored = await withdraw('3');
    expect(restored.status).toBe(202);
  });
});

describe("F1 a business's level waits for its beneficial owners (over HTTP)", () => {
  const PERSON = {
    legalName: { given: 'Greta', family: 'Geschaeftsfuehrerin' },
    dateOfBirth: '1982-05-05',
    nationality: 'DE',
    residence: { line1: '5 Markt', city: 'Mainz', country: 'DE' },
    taxResidence: [{ country: 'DE' }],
  };
  const soleOwner = (name: string) => ({
    registrationNumber: 'HRB 900100',
    jurisdiction: 'DE',
    incorporationDocument: 'slot_incorporation_e2e2',
    ownership: {
      company: 'solo',
      parties: [
        { id: 'solo', kind: 'company', name: 'Solo Handel GmbH', jurisdiction: 'DE' },
        { id: 'owner', kind: 'person', name },
      ],
      holdings: [{ owner: 'owner', owned: 'solo', percent: '100' }],
    },
  });
  const JPEG = (() => {
    const bytes = new Uint8Array(2000).fill(0x20);
    bytes.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    return bytes;
  })();
  type View = {
    level: string;
    next?: { requirements: { requirement: string; status: string }[] };
    business?: {
      owners: { ownerId: string; name: string; screening: string; identity: string; waiting: string[] }[];
    };
  };
  const view = async (client: Client) => (await call(client, 'GET', '/v1/me/kyc')).body as unknown as View;
  const ownersRequirement = (v: View) =>
    v.next?.requirements.find((r) => r.requirement === 'beneficial-owners')?.status;

  /** A customer at basic by its person data, then declaring a business whose one owner is `name`. */
  async function businessCustomer(username: string, name: string) {
    const client = await newUser(username);
    expect((await call(client, 'POST', '/v1/me/kyc/person', PERSON)).status).toBe(202);
    await until(async () =>
      (await cloud.ports.kyc.get(client.userId))?.level === 'basic' ? true : undefined,
    );
    const declared = await call(client, 'POST', '/v1/me/kyc/business', soleOwner(name));
    expect(declared.status).toBe(202);
    return client;
  }

  /** The owner's three identity documents uploaded and completed; the check the provider was asked with. */
  async function ownerDocuments(client: Client, ownerId: string) {
    let last: Record<string, unknown> = {};
    for (const kind of ['government-id', 'proof-of-address', 'selfie']) {
      const slot = await call(client, 'POST', '/v1/me/kyc/documents', {
        kind,
        contentType: 'image/jpeg',
        ownerId,
      });
      expect(slot.status, JSON.stringify(slot.body)).toBe(201);
      const form = new FormData();
      for (const [k, v] of Object.entries(slot.body.fields as Record<string, string>)) form.append(k, v);
      form.append('file', new Blob([JPEG]), 'document');
      const posted = await fetch(slot.body.url as string, { method: 'POST', body: form });
      await posted.arrayBuffer();
      expect(posted.status).toBe(204);
      const done = await call(client, 'POST', `/v1/me/kyc/documents/${slot.body.slotId}/complete`);
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      last = done.body;
    }
    expect(last).toMatchObject({ status: 'accepted', verification: 'started' });
    const check = cloud.ports.kycProvider.started.filter((c) => c.userId === client.userId).at(-1);
    if (!check) throw new Error('no check started');
    return check;
  }

  it('F1 X4 an owner pending screening and KYC holds the business below basic; screened clear and verified by the provider (documents as links) → basic', async () => {
    const client = await businessCustomer('biz.owners.cleared', 'Hanna Sauber');
    const declared = await view(client);
    expect(declared.level).toBe('none');
    expect(ownersRequirement(declared)).toBe('missing');
    const [owner] = declared.business?.owners ?? [];
    expect(owner).toMatchObject({ name: 'H*** S***', identity: 'missing' });
    expect(owner?.waiting).toContain('documents');
    const ownerId = owner?.ownerId as string;
    // an owner's documents are identity documents only; an undeclared owner has none
    expect(
      (
        await call(client, 'POST', '/v1/me/kyc/documents', {
          kind: 'source-of-funds',
          contentType: 'application/pdf',
          ownerId,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call(client, 'POST', '/v1/me/kyc/documents', {
          kind: 'selfie',
          contentType: 'image/jpeg',
          ownerId: 'bo_ffffffffffffffffffffffff',
        })
      ).status,
    ).toBe(404);

    // screened clear: still none, the owner's KYC waits
    await until(async () =>
      (await view(client)).business?.owners[0]?.screening === 'met' ? true : undefined,
    );
    expect((await view(client)).level).toBe('none');

    const check = await ownerDocuments(client, ownerId);
    // the provider was given short-lived links, never keys, and each reads the document
    expect(check.documents.map((d) => d.kind)).toEqual(['government-id', 'proof-of-address', 'selfie']);
    for (const document of check.documents) {
      expect(document).not.toHaveProperty('key');
      expect(Date.parse(document.expiresAt) - clock.now().getTime()).toBeLessThanOrEqual(600_000);
      const fetched = await fetch(document.url);
      expect(fetched.status).toBe(200);
      expect(new Uint8Array(await fetched.arrayBuffer())).toEqual(JPEG);
    }
    const forged = new URL(check.documents[0]?.url as string);
    forged.searchParams.set('key', `kyc/${client.userId}/another-slot-0000`);
    expect((await fetch(forged)).status).toBe(403);
    const verifying = await view(client);
    expect([verifying.level, ownersRequirement(verifying), verifying.business?.owners[0]?.waiting]).toEqual([
      'none',
      'pending',
      ['verification'],
    ]);
    // the customer's own identity requirements are untouched by the owner's documents
    expect((await cloud.ports.kyc.get(client.userId))?.requirements['government-id']).toBeUndefined();

    const webhook = await cloud.ports.kycProvider.decide(check.checkId, 'approved');
    const delivered = await callFrom(
      cloud,
      '127.0.0.1',
      'POST',
      '/v1/kyc/provider/webhook',
      JSON.parse(webhook.rawBody),
      webhook.headers,
    );
    expect([delivered.status, delivered.body]).toEqual([200, { received: true, outcome: 'applied' }]);
    const granted = await view(client);
    expect(granted.level).toBe('basic');
    expect(granted.business?.owners[0]).toMatchObject({ screening: 'met', identity: 'met', waiting: [] });
  });

  it('F1 F2 a strong hit on a verified owner: the business stays below basic, a case opens on the customer and it is frozen; the customer sees only pending', async () => {
    const client = await businessCustomer('biz.owners.listed', 'Ramzan Kadyrov');
    const ownerId = (await view(client)).business?.owners[0]?.ownerId as string;
    const record = await until(async () => {
      const r = await cloud.ports.kyc.get(client.userId);
      return r?.business?.owners[0]?.caseId ? r : undefined;
    });
    expect(record.business?.owners[0]).toMatchObject({ screening: 'in-review', band: 'strong' });
    const cases = await cloud.ports.cases.ofSubject(client.userId, 20);
    expect(cases.map((c) => c.caseId)).toContain(record.business?.owners[0]?.caseId);
    expect(cases[0]).toMatchObject({
      kind: 'screening-hit',
      sources: expect.arrayContaining([{ kind: 'kyc-owner', id: record.business?.owners[0]?.decisionId }]),
    });
    expect(await cloud.ports.screeningStore.state(client.userId)).toMatchObject({ frozen: true });

    // verified by the provider too: still held
    const check = await ownerDocuments(client, ownerId);
    const webhook = await cloud.ports.kycProvider.decide(check.checkId, 'approved');
    await callFrom(
      cloud,
      '127.0.0.1',
      'POST',
      '/v1/kyc/provider/webhook',
      JSON.parse(webhook.rawBody),
      webhook.headers,
    );
    const held = await view(client);
    expect(held.level).toBe('none');
    expect(ownersRequirement(held)).toBe('pending');
    expect(held.business?.owners[0]).toMatchObject({
      screening: 'pending',
      identity: 'met',
      waiting: ['screening'],
    });
    expect(JSON.stringify(held)).not.toMatch(/strong|case|in-review|frozen|sanction/i);
  });
});
