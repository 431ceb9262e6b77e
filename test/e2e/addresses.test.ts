// End to end, the C1 withdrawal address whitelist over HTTP: add (pending) → emailed link → active with the
// end of its cooling period; the list shows masked addresses; removal is immediate; another user's id is Not
// Found; malformed addresses of each asset write nothing; a sanctioned address is stored blocked and leaves
// a flagged audit record; a link works once and not after 24 hours. Time is the cloud's injected clock.
// Addresses are screened against the sanctions lists in force: the SDN version loaded before the backend
// starts (as `npm run screening:load` leaves it), then a new version loaded while it runs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QueryCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import { LINK_PAGE_CSP } from '../../lambdas/kernel/link-page.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { loadListAndRescreen } from '../../lambdas/screening/list-loading.js';
import { loadListVersion } from '../../lambdas/screening/versions.js';
import { LocalListStore } from '../../local/adapters/list-store.js';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.js';
import type { DevAccount } from '../../local/dev-accounts.js';
import { linkIn, openLink, pressButton } from '../support/email-links.js';
import { callFrom, createDevUser, type JsonAnswer, localFetch, mailText } from '../support/local-client.js';
import { LISTED_ETH, sdnFiles, sdnFilesWithRow } from '../support/sanctioned-addresses.js';

const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;
const SEGWIT = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
const ETH = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const LISTED = LISTED_ETH;
let clockOffsetMs = 0;
let malformed = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };
let stateDir: string;
let cloud: LocalCloud;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-e2e-addresses-'));
  // the SDN version in force before the backend starts; the backend publishes its addresses at start
  await loadListVersion(new LocalListStore(stateDir), {
    format: 'ofac-sdn-csv',
    list: 'ofac-sdn',
    files: sdnFiles(),
    loadedBy: 'test',
    now: new Date('2026-12-01T00:00:00Z'),
  });
  cloud = await startLocalCloud({ stateDir, clock, port: 0, waitTimeMs: 0, retryIntervalMs: 0 });
});
afterAll(async () => {
  await cloud?.stop();
  await rm(stateDir, { recursive: true, force: true });
});
beforeEach(() => {
  clockOffsetMs = 0;
});

const call = (user: DevAccount, method: string, path: string, body?: unknown): Promise<JsonAnswer> =>
  callFrom(cloud, '127.0.0.1', method, path, body, { authorization: `Bearer ${user.accessToken}` });
const add = (user: DevAccount, asset: string, address: string, label = 'cold wallet') =>
  call(user, 'POST', '/v1/me/addresses', { asset, address, label });
const list = async (user: DevAccount) => {
  const answer = await call(user, 'GET', '/v1/me/addresses');
  expect(answer.status).toBe(200);
  return answer.body.addresses as Record<string, unknown>[];
};
/** The link's action as an app sends it: the token from the link's path, as JSON. */
const open = (path: string) =>
  callFrom(cloud, '127.0.0.1', 'POST', '/v1/addresses/confirm', { token: path.split('/').at(-1) });

/** The confirmation link of the last address email to the user, as a path. */
const confirmPath = async (user: DevAccount) =>
  /https?:\/\/[^/\s]+(\/v1\/addresses\/confirm\/[A-Za-z0-9_-]+)/.exec(
    await mailText(cloud, `${user.username}@example.com`, /withdrawal address/i),
  )?.[1] as string;

const outboxCount = async () =>
  ((await (await localFetch(cloud, `/_local/outbox`)).json()) as { emails: unknown[] }).emails.length;

/** Rows of the whitelist in the user's partition, read behind the repository. */
const whitelistRows = async (user: DevAccount) => {
  const { Items = [] } = await cloud.runtime.dynamo.documents.send(
    new QueryCommand({
      TableName: TABLES.accounts.logicalName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `USER#${user.userId}` },
    }),
  );
  return Items.filter((i) => /^(ADDRESS|WHITELIST)#/.test(String(i.sk)));
};

describe('C1 withdrawal address whitelist', () => {
  it('C1 an added address is pending until the emailed link, then active with the end of its cooling shown', async () => {
    const user = await createDevUser(cloud, 'ada', PASSWORD);
    const added = await add(user, 'BTC', SEGWIT);
    expect(added.status).toBe(201);
    const address = added.body.address as Record<string, string>;
    expect(address).toMatchObject({ asset: 'BTC', addressMasked: 'bc1qar…5mdq', status: 'pending' });
    expect(address.usableFrom).toBeUndefined();
    expect(added.comparable).not.toContain(SEGWIT);

    const mail = await mailText(cloud, 'ada@example.com', /withdrawal address/i);
    expect(mail).toContain('bc1qar…5mdq');
    expect(mail).not.toContain(SEGWIT);
    expect(mail).not.toContain('cold wallet');
    expect(mail).toMatch(/This wasn't me/);

    clockOffsetMs = 3 * HOUR;
    const clickedAt = clock.now().getTime();
    const confirmed = await open(await confirmPath(user));
    expect(confirmed.status).toBe(200);
    const usableFrom = Date.parse(confirmed.body.usableFrom as string);
    expect(usableFrom - clickedAt).toBeGreaterThanOrEqual(24 * HOUR - 5_000);
    expect(usableFrom - clickedAt).toBeLessThanOrEqual(24 * HOUR + 5_000);

    const [listed] = await list(user);
    expect(listed).toMatchObject({
      addressId: address.addressId,
      status: 'active',
      usableFrom: confirmed.body.usableFrom,
      confirmedAt: expect.any(String),
    });
    const stored = await cloud.ports.addresses.get(user.userId, address.addressId as string);
    expect(stored).toMatchObject({ address: SEGWIT, status: 'active' });
  });

  it('C1 the list shows masked middles, status and labels, newest first, never a full address', async () => {
    const user = await createDevUser(cloud, 'bea', PASSWORD);
    expect((await add(user, 'BTC', SEGWIT, 'hardware')).status).toBe(201);
    clockOffsetMs = 1_000;
    expect((await add(user, 'ETH', ETH.toLowerCase(), 'exchange deposit')).status).toBe(201);
    const answer = await call(user, 'GET', '/v1/me/addresses');
    expect(answer.body.addresses).toEqual([
      expect.objectContaining({ asset: 'ETH', addressMasked: '0x5aAe…eAed', label: 'exchange deposit' }),
      expect.objectContaining({ asset: 'BTC', addressMasked: 'bc1qar…5mdq', label: 'hardware' }),
    ]);
    for (const full of [SEGWIT, ETH, ETH.toLowerCase()]) expect(answer.comparable).not.toContain(full);
  });

  it('C1 the same address twice is Conflict; removing is immediate and the address can be added again', async () => {
    const user = await createDevUser(cloud, 'cyd', PASSWORD);
    const first = await add(user, 'ETH', ETH);
    const id = (first.body.address as { addressId: string }).addressId;
    const twice = await add(user, 'ETH', ETH.toUpperCase().replace('0X', '0x'));
    expect([twice.status, twice.body.error?.code]).toEqual([409, 'ADDRESS_EXISTS']);

    const removed = await call(user, 'DELETE', `/v1/me/addresses/${id}`);
    expect(removed.status).toBe(200);
    expect(removed.body.address).toMatchObject({ addressId: id, status: 'removed' });
    expect(await list(user)).toEqual([]);
    expect((await cloud.ports.addresses.get(user.userId, id))?.status).toBe('removed');
    expect((await call(user, 'DELETE', `/v1/me/addresses/${id}`)).status).toBe(404);
    // The link of the removed address no longer activates it.
    expect((await open(await confirmPath(user))).body.error?.code).toBe('ADDRESS_NOT_PENDING');
    expect((await add(user, 'ETH', ETH)).status).toBe(201);
  });

  it("C1 another user's address id is Not Found and their address stays as it was", async () => {
    const [owner, intruder] = [
      await createDevUser(cloud, 'dan', PASSWORD),
      await createDevUser(cloud, 'eli', PASSWORD),
    ];
    const id = ((await add(owner, 'BTC', SEGWIT)).body.address as { addressId: string }).addressId;
    const attempt = await call(intruder, 'DELETE', `/v1/me/addresses/${id}`);
    expect([attempt.status, attempt.body.error?.code]).toEqual([404, 'NOT_FOUND']);
    expect(await list(intruder)).toEqual([]);
    expect(await list(owner)).toEqual([expect.objectContaining({ addressId: id, status: 'pending' })]);
  });

  it.each([
    ['BTC', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', 'ADDRESS_CHECKSUM'],
    ['BTC', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp', 'ADDRESS_CHECKSUM'],
    ['BTC', 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', 'ADDRESS_CHECKSUM'],
    ['BTC', 'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'ADDRESS_NETWORK'],
    ['BTC', 'bc1Qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'ADDRESS_CASE'],
    ['BTC', ETH, 'ADDRESS_MALFORMED'],
    ['ETH', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', 'ADDRESS_CASE'],
    ['ETH', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe', 'ADDRESS_MALFORMED'],
    ['ETH', SEGWIT, 'ADDRESS_MALFORMED'],
    ['DOGE', 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L', 'VALIDATION_FAILED'],
  ])('C1 %s %s is refused (400 %s) and nothing is written or sent', async (asset, address, code) => {
    const user = await createDevUser(cloud, `fay${++malformed}`, PASSWORD);
    const before = await outboxCount();
    const answer = await add(user, asset, address);
    expect([answer.status, answer.body.error?.code]).toEqual([400, code]);
    expect(answer.comparable).not.toContain(address);
    expect(await whitelistRows(user)).toEqual([]);
    expect(await outboxCount()).toBe(before);
  });

  it('C1 labels with a link or over 64 characters, and missing fields, are 400 and write nothing', async () => {
    const user = await createDevUser(cloud, 'gus', PASSWORD);
    for (const [body, code] of [
      [{ asset: 'ETH', address: ETH, label: 'https://evil.example' }, 'LABEL_HAS_LINK'],
      [{ asset: 'ETH', address: ETH, label: 'x'.repeat(65) }, 'LABEL_LENGTH'],
      [{ asset: 'ETH', address: ETH }, 'VALIDATION_FAILED'],
      [{ address: ETH, label: 'x' }, 'VALIDATION_FAILED'],
    ] as const) {
      const answer = await call(user, 'POST', '/v1/me/addresses', body);
      expect([answer.status, answer.body.error?.code]).toEqual([400, code]);
    }
    expect(await whitelistRows(user)).toEqual([]);
  });

  it('C1 a sanctioned address is stored blocked with a flagged audit record; the answer does not say why', async () => {
    const user = await createDevUser(cloud, 'hal', PASSWORD);
    const before = await outboxCount();
    const answer = await add(user, 'ETH', LISTED.toLowerCase());
    expect(answer.status).toBe(201);
    const address = answer.body.address as { addressId: string; status: string };
    expect(address.status).toBe('blocked');
    expect(answer.comparable).not.toMatch(/sanction|secondeye|screen|compliance|ofac/i);
    expect(await outboxCount()).toBe(before);
    expect(await list(user)).toEqual([
      expect.objectContaining({ addressId: address.addressId, status: 'blocked' }),
    ]);
    expect((await call(user, 'DELETE', `/v1/me/addresses/${address.addressId}`)).body.error?.code).toBe(
      'ADDRESS_BLOCKED',
    );

    const records = (await cloud.ports.audit.byTarget({ kind: 'user', id: user.userId })).items;
    expect(records.filter((r) => r.action === 'compliance.sanctions-hit')).toEqual([
      expect.objectContaining({
        outcome: 'flagged',
        actor: { kind: 'user', id: user.userId },
        details: expect.objectContaining({ addressId: address.addressId, asset: 'ETH' }),
      }),
    ]);
  });

  it('F2 C1 a new SDN version loaded while the backend runs screens the next whitelisting: the address it lists is blocked at once, recorded with that version', async () => {
    const user = await createDevUser(cloud, 'hank', PASSWORD);
    // not listed yet: pending like any other
    const before = await add(user, 'ETH', NEWLY_LISTED, 'before');
    expect((before.body.address as { status: string }).status).toBe('pending');
    const loaded = await loadListAndRescreen(
      { lists: cloud.ports.lists, workflows: cloud.workflows, addressIndex: cloud.ports.addressIndex },
      {
        format: 'ofac-sdn-csv',
        list: 'ofac-sdn',
        files: sdnListing(NEWLY_LISTED, 99999998),
        loadedBy: 'test',
        now: new Date('2026-12-02T00:00:00Z'),
      },
    );
    expect(loaded.outcome).toBe('loaded');
    const other = await createDevUser(cloud, 'hugo', PASSWORD);
    const answer = await add(other, 'ETH', NEWLY_LISTED.toLowerCase(), 'after');
    expect(answer.status).toBe(201);
    expect((answer.body.address as { status: string }).status).toBe('blocked');
    expect(answer.comparable).not.toMatch(/sanction|screen|compliance|ofac/i);
    const records = (await cloud.ports.audit.byTarget({ kind: 'user', id: other.userId })).items;
    expect(records.filter((r) => r.action === 'compliance.sanctions-hit')).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({
          entry: 'ofac-sdn:99999998',
          lists: `ofac-sdn@${loaded.manifest.version}`,
        }),
      }),
    ]);
  }, 120_000);

  it('C1 a confirmation link works once and not after 24 hours; a forged one is refused', async () => {
    const user = await createDevUser(cloud, 'ida', PASSWORD);
    await add(user, 'ETH', ETH);
    const first = await confirmPath(user);
    expect((await open(first)).status).toBe(200);
    const reused = await open(first);
    expect([reused.status, reused.body.error?.code]).toEqual([410, 'LINK_USED']);

    await add(user, 'BTC', SEGWIT);
    const late = await confirmPath(user);
    clockOffsetMs = 24 * HOUR + 60_000;
    const expired = await open(late);
    expect([expired.status, expired.body.error?.code]).toEqual([410, 'LINK_EXPIRED']);
    // (The access token has expired by now: the store is read directly.)
    expect((await cloud.ports.addresses.list(user.userId)).find((a) => a.asset === 'BTC')).toMatchObject({
      status: 'pending',
    });

    const forged = await open(`/v1/addresses/confirm/${'A'.repeat(43)}`);
    expect([forged.status, forged.body.error?.code]).toEqual([410, 'LINK_INVALID']);
  });

  it('C1 opening the link (a mail scanner) confirms nothing; its page button confirms once', async () => {
    const user = await createDevUser(cloud, 'jon', PASSWORD);
    const added = await add(user, 'BTC', SEGWIT);
    const id = (added.body.address as { addressId: string }).addressId;
    const link = `${cloud.publicUrl}${await confirmPath(user)}`;

    const page = await openLink(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(LINK_PAGE_CSP);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.html).not.toMatch(/<script/i);
    expect(page.action).toBe(`${cloud.publicUrl}/v1/addresses/confirm`);
    // Opened twice, by a scanner and a previewer: still pending, the link still works.
    expect((await openLink(link)).status).toBe(200);
    expect((await cloud.ports.addresses.get(user.userId, id))?.status).toBe('pending');

    const done = await pressButton(page);
    expect(done.status).toBe(200);
    expect(done.headers.get('content-security-policy')).toBe(LINK_PAGE_CSP);
    expect(done.html).toContain('bc1qar…5mdq confirmed');
    expect((await cloud.ports.addresses.get(user.userId, id))?.status).toBe('active');
    const again = await pressButton(page);
    expect(again.status).toBe(410);
    expect(again.html).toContain('This link was already used');
  });

  it('C1 a form body is taken by the links’ actions only: any other route answers 415', async () => {
    const user = await createDevUser(cloud, 'kim', PASSWORD);
    const response = await fetch(`${cloud.url}/v1/me/addresses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${user.accessToken}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ asset: 'BTC', address: SEGWIT, label: 'x' }).toString(),
    });
    expect(response.status).toBe(415);
    expect(await list(user)).toEqual([]);
  });

  it('C1 an address added with a foreign Host header gets its links from the configured base, and no 5xx', async () => {
    const user = await createDevUser(cloud, 'lou', PASSWORD);
    const added = await callFrom(
      cloud,
      '127.0.0.1',
      'POST',
      '/v1/me/addresses',
      { asset: 'ETH', address: ETH, label: 'cold wallet' },
      { authorization: `Bearer ${user.accessToken}`, host: 'evil.example' },
    );
    expect(added.status).toBe(201);
    const mail = await mailText(cloud, 'lou@example.com', /withdrawal address/i);
    expect(mail).not.toContain('evil.example');
    expect(linkIn(mail, '/v1/addresses/confirm/').startsWith(`${cloud.publicUrl}/`)).toBe(true);
    expect(linkIn(mail, '/v1/auth/suspend/').startsWith(`${cloud.publicUrl}/`)).toBe(true);
  });
});

/** An Ether address no list names in data/lists (EIP-55 form). */
const NEWLY_LISTED = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359';

/** The SDN files with one more entry whose remarks list `address` as a Digital Currency Address. */
const sdnListing = (address: string, entityId: number) =>
  sdnFilesWithRow(
    `${entityId},"NEWLY LISTED LTD","-0- ","CYBER2",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Digital Currency Address - ETH ${address}."\r\n`,
  );
