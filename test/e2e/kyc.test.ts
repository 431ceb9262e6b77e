// End to end, F1/X4/F2 KYC over HTTP against the local backend, with the OFAC SDN list in force: a user without
// a KYC record is at `basic` with today's limits; the person data is checked (an adult, a residence outside the
// restricted countries: 403 JURISDICTION as at login), sealed in the KYC record and in the screening roster (no
// name in clear in any row), screened on the legal name, date of birth and nationality by the screening
// workflow, whose RecordForKyc step meets `screening-clear` and raises the level it earns (audited); a listed
// person is frozen and a case opened while the customer sees only `pending`; and withdrawals take their daily
// limits from the level, a lowering at once.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { rosterPartitionOf } from '../../lambdas/screening/screening-store.js';
import { loadListVersion } from '../../lambdas/screening/versions.js';
import { LocalListStore } from '../../local/adapters/list-store.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import { signInDevAccount } from '../../local/dev-accounts.js';
import { followLink, linkIn } from '../support/email-links.js';
import { callFrom, createDevUser, mailText } from '../support/local-client.js';

const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;
const SEGWIT = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
const SDN = 'data/lists/ofac-sdn';
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;
let keys = 0;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-kyc-'));
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

const PERSON = {
  legalName: { given: 'Amélie', family: 'Poulain' },
  dateOfBirth: '1990-04-25',
  nationality: 'FR',
  residence: { line1: '15 rue des Trois Frères', city: 'Paris', postalCode: '75018', country: 'FR' },
  taxResidence: [{ country: 'FR', tin: '1234567890123' }],
};

/** Polls until `probe` answers something (the screening workflow runs after the answer). */
async function until<T>(probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
/** The KYC record once the screening of its person data has been recorded (a decision id in it). */
const screened = (userId: string) =>
  until(async () => {
    const record = await cloud.ports.kyc.get(userId);
    return record?.screeningDecisionId ? record : undefined;
  });

const partition = async (pk: string) =>
  (
    await cloud.runtime.dynamo.documents.send(
      new QueryCommand({
        TableName: TABLES.accounts.logicalName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    )
  ).Items ?? [];

describe('X4 F1 KYC levels', () => {
  it('X4 a user without a KYC record is at basic with the deploy’s limits; GET /v1/me/kyc says what verified needs', async () => {
    const client = await newUser('kyc.nobody');
    const answer = await call(client, 'GET', '/v1/me/kyc');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      level: 'basic',
      effectiveLevel: 'basic',
      limits: { BTC: { daily: '2', monthly: '20' } },
      next: { level: 'verified', limits: { BTC: { daily: '10', monthly: '100' } } },
    });
    const requirements = (answer.body.next as { requirements: { requirement: string; status: string }[] })
      .requirements;
    expect(requirements.map((r) => r.requirement)).toEqual([
      'person',
      'screening-clear',
      'government-id',
      'proof-of-address',
      'selfie',
      'identity-verified',
    ]);
    expect(new Set(requirements.map((r) => r.status))).toEqual(new Set(['missing']));
    expect(JSON.stringify(answer.body)).not.toMatch(/risk/i);
  });
});

describe('F1 POST /v1/me/kyc/person', () => {
  it('F1 F4 a residence in a restricted country is refused 403 JURISDICTION (as at login); a minor and a bad body 400; nothing is kept', async () => {
    const client = await newUser('kyc.refused');
    const restricted = await call(client, 'POST', '/v1/me/kyc/person', {
      ...PERSON,
      residence: { ...PERSON.residence, country: 'KP' },
    });
    expect([restricted.status, restricted.body.error?.code]).toEqual([403, 'JURISDICTION']);
    const minor = await call(client, 'POST', '/v1/me/kyc/person', {
      ...PERSON,
      dateOfBirth: `${new Date().getUTCFullYear() - 10}-01-01`,
    });
    expect([minor.status, minor.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    const bad = await call(client, 'POST', '/v1/me/kyc/person', { ...PERSON, extra: 1 });
    expect(bad.status).toBe(400);
    expect(await cloud.ports.kyc.get(client.userId)).toBeUndefined();
    expect((await partition(`USER#${client.userId}`)).filter((i) => i.sk === 'KYC')).toEqual([]);
  });

  it('F1 F2 E2 the person data is sealed in the KYC record and the roster, screened on legal name, birth date and nationality; a clean screening meets screening-clear and earns basic from none (audited)', async () => {
    const client = await newUser('kyc.clean');
    // a user whose record says `none` (as sign-up will write): the clean screening earns basic
    await cloud.ports.kyc.setLevel(client.userId, 'none', {
      actor: { kind: 'system', id: 'test' },
      reason: 'starter',
      at: clock.now().toISOString(),
    });
    const answer = await call(client, 'POST', '/v1/me/kyc/person', PERSON);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ level: 'none', next: { level: 'basic' } });
    expect((answer.body.next as { requirements: unknown[] }).requirements).toEqual([
      { requirement: 'person', status: 'met' },
      { requirement: 'screening-clear', status: 'pending' },
    ]);

    const record = await screened(client.userId);
    expect(record.level).toBe('basic');
    expect(record.requirements).toEqual({ person: 'met', 'screening-clear': 'met' });
    const decisions = await cloud.ports.screeningStore.decisions(client.userId);
    const kyc = decisions.find((d) => d.decisionId === record.screeningDecisionId);
    expect(kyc).toMatchObject({ trigger: 'kyc', band: 'clear' });
    // screened on the legal name, the date of birth and the nationality (the decision's query)
    expect(await cloud.ports.screeningStore.rosterEntry(client.userId)).toEqual({
      userId: client.userId,
      name: 'Amélie Poulain',
      birthDate: '1990-04-25',
      nationalities: ['FR'],
    });

    // E2: no personal value in clear in the KYC row nor in the roster row
    const kycRow = (await partition(`USER#${client.userId}`)).find((i) => i.sk === 'KYC');
    const rosterRow = (
      await partition(`SCREENROSTER#${String(rosterPartitionOf(client.userId)).padStart(3, '0')}`)
    ).find((i) => i.sk === client.userId);
    for (const row of [kycRow, rosterRow]) {
      expect(row).toBeDefined();
      const text = JSON.stringify(row);
      for (const value of ['Amélie', 'Poulain', '1990-04-25', 'Trois Fr', '75018', '1234567890123']) {
        expect(text).not.toContain(value);
      }
      expect(row?.name).toBeUndefined();
    }
    expect(kycRow?.identity).toEqual(expect.any(String));
    expect(kycRow?.address).toEqual(expect.any(String));

    // the level change is audited (and the lowering to none before it)
    const audit = await cloud.ports.audit.byTarget({ kind: 'user', id: client.userId });
    const changes = audit.items
      .filter((r) => r.action === 'kyc.level-changed')
      .map((r) => [r.details?.from, r.details?.to]);
    expect(changes).toEqual(
      expect.arrayContaining([
        ['basic', 'none'],
        ['none', 'basic'],
      ]),
    );

    const overview = await call(client, 'GET', '/v1/me/kyc');
    expect(overview.body).toMatchObject({ level: 'basic', next: { level: 'verified' } });
  });

  it('F1 F2 a listed person: the screening hits (frozen, a case), the level does not move and the customer sees only pending (no tipping-off)', async () => {
    const client = await newUser('kyc.listed');
    const answer = await call(client, 'POST', '/v1/me/kyc/person', {
      ...PERSON,
      legalName: { given: 'Ramzan', family: 'Kadyrov' },
      dateOfBirth: '1976-10-05',
      nationality: 'RU',
      residence: { line1: '1 Main Street', city: 'Grozny', country: 'RU' },
      taxResidence: [{ country: 'RU' }],
    });
    expect(answer.status).toBe(202);
    const record = await screened(client.userId);
    expect(record.requirements['screening-clear']).toBe('in-review');
    expect(record.level).toBe('basic');
    expect(await cloud.ports.screeningStore.state(client.userId)).toMatchObject({ frozen: true });
    const overview = await call(client, 'GET', '/v1/me/kyc');
    expect(overview.status).toBe(200);
    const requirements = (overview.body.next as { requirements: { requirement: string; status: string }[] })
      .requirements;
    expect(requirements.find((r) => r.requirement === 'screening-clear')?.status).toBe('pending');
    expect(JSON.stringify(overview.body)).not.toMatch(/screen(ed|ing) (hit|match)|sanction|case|review/i);
  });
});

describe('X4 withdrawals read the KYC level', () => {
  it('X4 the daily limit follows the level: refused at none, accepted above basic at verified, refused at once after a lowering', async () => {
    const client = await newUser('kyc.limits');
    await signIn(client);
    const added = await call(client, 'POST', '/v1/me/addresses', {
      asset: 'BTC',
      address: SEGWIT,
      label: 'cold wallet',
    });
    expect(added.status).toBe(201);
    const addressId = (added.body.address as { addressId: string }).addressId;
    await followLink(
      linkIn(
        await mailText(cloud, `${client.username}@example.com`, /withdrawal address/i),
        '/v1/addresses/confirm/',
      ),
    );
    clockOffsetMs += cloud.ports.settings.addressCoolingHours * HOUR + 60_000;
    await signIn(client);
    const withdraw = (amount: string) =>
      call(
        client,
        'POST',
        '/v1/me/withdrawals',
        { password: PASSWORD, asset: 'BTC', amount, addressId },
        { 'idempotency-key': `kyc-${Date.now().toString(36)}-${++keys}` },
      );
    const setLevel = (level: 'none' | 'verified') =>
      cloud.ports.kyc.setLevel(client.userId, level, {
        actor: { kind: 'admin', id: 'compliance-1' },
        reason: 'test',
        at: clock.now().toISOString(),
      });

    // Amounts up to 3 BTC priced low stay under the Travel Rule's threshold (test/e2e/travel-rule.test.ts).
    cloud.ports.prices.set('BTC', 'EUR', '100');
    await setLevel('none');
    const atNone = await withdraw('0.1');
    expect([atNone.status, atNone.body.error?.code]).toEqual([403, 'DAILY_LIMIT']);
    expect(atNone.body.error?.message).toMatch(/0\.05 BTC remain/);

    await setLevel('verified');
    const aboveBasic = await withdraw('3');
    expect(aboveBasic.status).toBe(202);

    // a lowering takes effect at once: the next request reads the record
    await setLevel('none');
    const after = await withdraw('0.01');
    expect([after.status, after.body.error?.code]).toEqual([403, 'DAILY_LIMIT']);
    expect((await call(client, 'GET', '/v1/me/kyc')).body).toMatchObject({
      level: 'none',
      limits: { BTC: { daily: '0.05' } },
    });
  });
});
