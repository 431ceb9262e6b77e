// C1 the withdrawal address whitelist: the store's rules against DynamoDB semantics (dynalite, signed rows)
// with an injected clock, and the add/confirm/remove domain with its screening, email and audit records.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { receiveRefusal } from '../../lambdas/addresses/address-book.js';
import {
  ADDRESS_RULES,
  AddressStore,
  type NewAddress,
  newAddressId,
} from '../../lambdas/addresses/address-store.js';
import { checkLabel } from '../../lambdas/addresses/label.js';
import {
  type AddPorts,
  addAddress,
  BLOCKED_MESSAGE,
  confirmAddress,
  removeAddress,
} from '../../lambdas/addresses/whitelist.js';
import type { AuditEvent } from '../../lambdas/kernel/audit/audit-record.js';
import { Conflict, Gone, NotFound, TooManyRequests, ValidationError } from '../../lambdas/kernel/errors.js';
import { RowSigner, RowVerifier } from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { OUTBOX_LEASE_MS, Outbox } from '../../lambdas/kernel/outbox.js';
import { sweepOutbox } from '../../lambdas/kernel/outbox-sweep.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import type { UserMessage } from '../../lambdas/kernel/ports/user-mail.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { SanctionedAddressIndex } from '../../lambdas/screening/address-index.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';
import { indexedSdn, LISTED_ETH } from '../support/sanctioned-addresses.js';

const HOUR = 3_600_000;
const START = new Date('2026-03-01T12:00:00.000Z');
const GENESIS = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa';
const SEGWIT = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
const ETH = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const LISTED = LISTED_ETH;

let dynamo: TestDynamo;
let stateDir: string;
let table: SignedTable;
const clock = new ManualClock(START);
const settings = { addressCoolingHours: 24 };
let store: AddressStore;
/** The SDN's digital-currency addresses, published as the list loader publishes a loaded version. */
let sanctions: SanctionedAddressIndex;
let userSeq = 0;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-addresses-'));
  const keys = await LocalKeyService.open(stateDir);
  const spec = TABLES.accounts;
  table = new SignedTable(
    dynamo.documents,
    { logicalName: spec.logicalName, tableName: spec.logicalName, partitionKey: 'pk', sortKey: 'sk' },
    new RowSigner(keys),
    new RowVerifier(keys, async () => undefined),
  );
  store = new AddressStore(table, { clock, settings });
  sanctions = await indexedSdn(table);
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(stateDir, { recursive: true, force: true });
});
beforeEach(() => clock.set(START));

const newUser = () => `user-${++userSeq}`;
const input = (userId: string, address: string, extra: Partial<NewAddress> = {}): NewAddress => ({
  addressId: newAddressId(),
  userId,
  asset: address.startsWith('0x') ? 'ETH' : 'BTC',
  address,
  label: 'cold wallet',
  blocked: false,
  ...extra,
});

describe('C1 the address store', () => {
  it('C1 a new address is pending with a single-use link; only its owner can read it', async () => {
    const userId = newUser();
    const { address, link } = await store.create(input(userId, SEGWIT));
    expect(address).toEqual({
      addressId: address.addressId,
      userId,
      asset: 'BTC',
      address: SEGWIT,
      addressMasked: 'bc1qar…5mdq',
      label: 'cold wallet',
      status: 'pending',
      createdAt: START.toISOString(),
    });
    expect(link?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link?.expiresAt).toBe(new Date(START.getTime() + ADDRESS_RULES.linkHours * HOUR).toISOString());
    expect(await store.get(userId, address.addressId)).toEqual(address);
    expect(await store.get(newUser(), address.addressId)).toBeUndefined();
    expect(receiveRefusal(address, clock.now())).toBe('ADDRESS_PENDING');
  });

  it('C1 confirming makes it active, usable addressCoolingHours after the click', async () => {
    const userId = newUser();
    const { address, link } = await store.create(input(userId, ETH));
    clock.advance(2 * HOUR);
    const confirmed = await store.confirm(link?.token as string);
    const at = clock.now();
    expect(confirmed).toMatchObject({
      status: 'active',
      confirmedAt: at.toISOString(),
      usableFrom: new Date(at.getTime() + 24 * HOUR).toISOString(),
    });
    expect(await store.get(userId, address.addressId)).toEqual(confirmed);
    expect(receiveRefusal(confirmed, new Date(at.getTime() + 24 * HOUR - 60_000))).toBe('ADDRESS_COOLING');
    expect(receiveRefusal(confirmed, new Date(at.getTime() + 24 * HOUR + 60_000))).toBeUndefined();
  });

  it('C1 a link works once, not after 24 hours, and a forged one finds nothing', async () => {
    const userId = newUser();
    const first = await store.create(input(userId, GENESIS));
    await store.confirm(first.link?.token as string);
    await expect(store.confirm(first.link?.token as string)).rejects.toMatchObject({ code: 'LINK_USED' });

    const second = await store.create(input(userId, SEGWIT));
    clock.advance(ADDRESS_RULES.linkHours * HOUR);
    await expect(store.confirm(second.link?.token as string)).rejects.toMatchObject({
      code: 'LINK_EXPIRED',
    });
    expect((await store.get(userId, second.address.addressId))?.status).toBe('pending');
    await expect(store.confirm('A'.repeat(43))).rejects.toBeInstanceOf(Gone);
  });

  it('C1 two clicks at once confirm once', async () => {
    const { link } = await store.create(input(newUser(), ETH));
    const results = await Promise.allSettled([1, 2, 3].map(() => store.confirm(link?.token as string)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'LINK_USED' });
    }
  });

  it('C1 the same address twice is Conflict while it is listed, and can be added again once removed', async () => {
    const userId = newUser();
    const { address } = await store.create(input(userId, ETH));
    await expect(store.create(input(userId, ETH))).rejects.toMatchObject({ code: 'ADDRESS_EXISTS' });
    // Another user may whitelist the same destination.
    await expect(store.create(input(newUser(), ETH))).resolves.toBeDefined();

    await store.remove(userId, address.addressId);
    const again = await store.create(input(userId, ETH));
    expect(again.address.addressId).not.toBe(address.addressId);
    expect((await store.list(userId)).map((a) => a.addressId)).toEqual([again.address.addressId]);
    await expect(store.create(input(userId, ETH))).rejects.toBeInstanceOf(Conflict);
  });

  it('C1 the same address added five times at once is listed once', async () => {
    const userId = newUser();
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => store.create(input(userId, SEGWIT))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
    }
    expect(await store.list(userId)).toHaveLength(1);
  });

  it('C1 removing is immediate; a second removal, an unknown id and another user id are Not Found', async () => {
    const userId = newUser();
    const other = newUser();
    const { address, link } = await store.create(input(userId, GENESIS));
    const theirs = await store.create(input(other, GENESIS));
    clock.advance(60_000);
    const removed = await store.remove(userId, address.addressId);
    expect(removed).toMatchObject({ status: 'removed', removedAt: clock.now().toISOString() });
    expect(receiveRefusal(removed, clock.now())).toBe('ADDRESS_REMOVED');
    await expect(store.remove(userId, address.addressId)).rejects.toBeInstanceOf(NotFound);
    await expect(store.remove(userId, newAddressId())).rejects.toBeInstanceOf(NotFound);
    await expect(store.remove(userId, theirs.address.addressId)).rejects.toBeInstanceOf(NotFound);
    expect((await store.get(other, theirs.address.addressId))?.status).toBe('pending');
    // Its link no longer activates it.
    await expect(store.confirm(link?.token as string)).rejects.toMatchObject({ code: 'ADDRESS_NOT_PENDING' });
    expect((await store.get(userId, address.addressId))?.status).toBe('removed');
  });

  it('C1 a blocked address gets no link, never receives, and cannot be removed', async () => {
    const userId = newUser();
    const { address, link } = await store.create(input(userId, LISTED, { blocked: true }));
    expect(link).toBeUndefined();
    expect(address.status).toBe('blocked');
    expect(receiveRefusal(address, clock.now())).toBe('ADDRESS_BLOCKED');
    await expect(store.remove(userId, address.addressId)).rejects.toMatchObject({ code: 'ADDRESS_BLOCKED' });
    await expect(store.create(input(userId, LISTED, { blocked: true }))).rejects.toMatchObject({
      code: 'ADDRESS_EXISTS',
    });
  });

  it('C1 at most 10 addresses a day and 20 on the list', async () => {
    const userId = newUser();
    const ids: string[] = [];
    const addresses = Array.from({ length: 21 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`);
    for (const [i, address] of addresses.slice(0, 10).entries()) {
      ids.push((await store.create(input(userId, address))).address.addressId);
      if (i === 4) clock.advance(HOUR);
    }
    const refused = await store.create(input(userId, addresses[10] as string)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TooManyRequests);
    // The first five leave the 24-hour window one hour before the next five.
    expect((refused as TooManyRequests).retryAfterSeconds).toBe(23 * 3600);

    clock.advance(23 * HOUR + 1);
    for (const address of addresses.slice(10, 15)) await store.create(input(userId, address));
    clock.advance(HOUR);
    for (const address of addresses.slice(15, 20)) await store.create(input(userId, address));
    await expect(store.create(input(userId, addresses[20] as string))).rejects.toMatchObject({
      code: 'ADDRESS_LIMIT',
    });
    await store.remove(userId, ids[0] as string);
    clock.advance(24 * HOUR);
    await expect(store.create(input(userId, addresses[20] as string))).resolves.toBeDefined();
    const listed = await store.list(userId);
    expect(listed).toHaveLength(20);
    // Newest first.
    expect(listed[0]?.address).toBe(addresses[20]);
  });
});

describe('C1 address labels', () => {
  it('C1 a label is 1 to 64 printable characters on one line, without a link', () => {
    expect(checkLabel('  Cold   wallet  ')).toBe('Cold wallet');
    expect(checkLabel('Ledger ✓ 🦊')).toBe('Ledger ✓ 🦊');
    for (const [label, code] of [
      ['', 'LABEL_LENGTH'],
      ['x'.repeat(65), 'LABEL_LENGTH'],
      ['line\nbreak', 'LABEL_NOT_PRINTABLE'],
      ['bidi\u202Eevil', 'LABEL_NOT_PRINTABLE'],
      ['see https://evil.example', 'LABEL_HAS_LINK'],
      ['binance.com deposit', 'LABEL_HAS_LINK'],
      ['me@example.com', 'LABEL_HAS_LINK'],
    ] as const) {
      expect(() => checkLabel(label), label).toThrow(expect.objectContaining({ code }));
    }
  });
});

describe('C1 adding, confirming and removing (domain)', () => {
  let events: AuditEvent[];
  let mails: { userId: string; message: UserMessage }[];
  let ports: AddPorts & { addresses: AddressStore; outbox: Outbox };
  let failing: { mail: boolean; audit: boolean };
  const requester = (userId: string) => ({
    userId,
    ip: '203.0.113.9',
    userAgent: 'PalisadeTest/1.0',
    browser: 'Firefox 128 on Windows',
    requestId: 'req-1',
    baseUrl: 'https://api.palisade.example',
  });

  beforeEach(() => {
    events = [];
    mails = [];
    const audit = {
      async append(event: AuditEvent) {
        if (failing.audit) throw Object.assign(new Error('audit down'), { name: 'AuditDown' });
        events.push(event);
        return {} as never;
      },
    };
    failing = { mail: false, audit: false };
    ports = {
      addresses: store,
      audit,
      outbox: new Outbox({
        table,
        clock,
        audit,
        mail: {
          async send(userId, message) {
            if (failing.mail) throw Object.assign(new Error('mail down'), { name: 'MailDown' });
            mails.push({ userId, message });
          },
        },
      }),
      links: { issue: async () => 'R'.repeat(43) },
      clock,
      settings,
      sanctions,
    };
  });

  it('C1 a valid address is stored pending, normalised, and its link emailed with the masked address only', async () => {
    const userId = newUser();
    const lower = ETH.toLowerCase();
    const { address, message } = await addAddress(ports, requester(userId), {
      asset: 'ETH',
      address: lower,
      label: 'My secret savings',
    });
    expect(address).toMatchObject({ status: 'pending', address: ETH, addressMasked: '0x5aAe…eAed' });
    expect(message).toMatch(/24 hours after you confirm/);
    expect(mails).toHaveLength(1);
    const mail = mails[0]?.message as Extract<UserMessage, { template: 'address-confirm' }>;
    expect(mail).toMatchObject({
      template: 'address-confirm',
      asset: 'ETH',
      addressMasked: '0x5aAe…eAed',
      coolingHours: 24,
      reportUrl: `https://api.palisade.example/v1/auth/suspend/${'R'.repeat(43)}`,
    });
    expect(JSON.stringify(mail)).not.toContain('secret savings');
    expect(JSON.stringify(mail)).not.toContain(ETH.slice(8, 30));
    expect(events.map((e) => [e.action, e.outcome])).toEqual([['address.added', 'success']]);

    const token = /\/v1\/addresses\/confirm\/([A-Za-z0-9_-]+)$/.exec(mail.confirmUrl)?.[1] as string;
    const confirmed = await confirmAddress(ports, token);
    expect(confirmed.status).toBe('active');
    expect(events.at(-1)).toMatchObject({
      action: 'address.confirmed',
      details: { addressId: address.addressId },
    });

    await removeAddress(ports, requester(userId), address.addressId);
    expect(events.at(-1)).toMatchObject({ action: 'address.removed', outcome: 'success' });
  });

  it('C1 a malformed address or label is refused with its code and nothing is written or sent', async () => {
    const userId = newUser();
    for (const [asset, address, label, code] of [
      ['BTC', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', 'ok', 'ADDRESS_CHECKSUM'],
      ['BTC', 'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'ok', 'ADDRESS_NETWORK'],
      ['ETH', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', 'ok', 'ADDRESS_CASE'],
      ['ETH', GENESIS, 'ok', 'ADDRESS_MALFORMED'],
      ['ETH', ETH, 'www.example.org', 'LABEL_HAS_LINK'],
    ] as const) {
      const error = await addAddress(ports, requester(userId), { asset, address, label }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code });
    }
    expect(await store.listAll(userId)).toEqual([]);
    expect(mails).toEqual([]);
    expect(events).toEqual([]);
  });

  it('C1 a sanctioned address is flagged for compliance, stored blocked, and the user is told nothing more', async () => {
    const userId = newUser();
    const { address, message } = await addAddress(ports, requester(userId), {
      asset: 'ETH',
      address: LISTED.toLowerCase(),
      label: 'friend',
    });
    expect(address.status).toBe('blocked');
    expect(message).toBe(BLOCKED_MESSAGE);
    expect(message).not.toMatch(/sanction|screen|compliance|report|list/i);
    expect(mails).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({
        action: 'compliance.sanctions-hit',
        outcome: 'flagged',
        actor: { kind: 'user', id: userId },
        target: { kind: 'user', id: userId },
        details: expect.objectContaining({
          addressId: address.addressId,
          asset: 'ETH',
          listing: 'SECONDEYE SOLUTION [CYBER2] [ELECTION-EO13848]',
          entry: 'ofac-sdn:30518',
          lists: 'ofac-sdn@20260227T000000Z-test',
        }),
      }),
    ]);
    // Trying again is a duplicate, and still a recorded hit.
    await expect(
      addAddress(ports, requester(userId), { asset: 'ETH', address: LISTED, label: 'again' }),
    ).rejects.toMatchObject({ code: 'ADDRESS_EXISTS' });
    expect(events.filter((e) => e.action === 'compliance.sanctions-hit')).toHaveLength(2);
  });

  it('F2 C1 with no sanctions list loaded an address is not blocked: it is pending, and its decision records no list version (not screened)', async () => {
    const userId = newUser();
    const recordAddressScreening = vi.fn(async (_input: unknown) => ({}) as never);
    const { address } = await addAddress(
      {
        ...ports,
        sanctions: new SanctionedAddressIndex(table, [
          { list: 'never-loaded', format: 'ofac-sdn-csv', kind: 'sanctions' },
        ]),
        screening: { recordAddressScreening },
      },
      requester(userId),
      { asset: 'ETH', address: LISTED, label: 'unscreened' },
    );
    expect(address.status).toBe('pending');
    expect(events.filter((e) => e.action === 'compliance.sanctions-hit')).toEqual([]);
    expect(recordAddressScreening).toHaveBeenCalledWith(
      expect.objectContaining({ userId, addressId: address.addressId, listVersions: [] }),
    );
    expect(recordAddressScreening.mock.calls[0]?.[0]).not.toHaveProperty('hit');
  });

  const pendingEntries = async () =>
    (await table.query<Record<string, unknown> & { version: number }>('OUTBOX')).items;

  it('C1 an email that fails after the address is written is sent by the outbox sweeper, once, with its audit record', async () => {
    expect(await pendingEntries()).toEqual([]);
    const userId = newUser();
    failing.mail = true;
    const { address } = await addAddress(ports, requester(userId), {
      asset: 'BTC',
      address: SEGWIT,
      label: 'cold',
    });
    // The request is done (its rows are written); the email and the audit record wait in the outbox.
    expect(address.status).toBe('pending');
    expect(mails).toEqual([]);
    expect(events).toEqual([]);
    const [entry] = await pendingEntries();
    expect(entry).toMatchObject({
      done: 0,
      lastError: 'MailDown',
      effects: [{ kind: 'mail' }, { kind: 'audit' }],
    });

    // Still failing: the sweep takes it, fails again and leaves it for the next one.
    expect(await sweepOutbox(ports.outbox)).toMatchObject({ pending: 1, failed: 1, completed: 0 });
    failing.mail = false;
    expect(await sweepOutbox(ports.outbox)).toMatchObject({ pending: 1, completed: 1 });
    expect(await sweepOutbox(ports.outbox)).toMatchObject({ pending: 0 });
    expect(mails).toHaveLength(1);
    expect(events).toEqual([
      expect.objectContaining({
        action: 'address.added',
        details: expect.objectContaining({ outbox: expect.any(String) }),
      }),
    ]);
    // The late email's link works.
    const mail = mails[0]?.message as Extract<UserMessage, { template: 'address-confirm' }>;
    const token = /\/v1\/addresses\/confirm\/([A-Za-z0-9_-]+)$/.exec(mail.confirmUrl)?.[1] as string;
    expect((await confirmAddress(ports, token)).status).toBe('active');
  });

  it("C1 an entry under its writer's lease is left alone by the sweeper until the lease ends", async () => {
    const userId = newUser();
    const after = ports.outbox.pending(() => [
      {
        kind: 'audit',
        event: {
          actor: { kind: 'user', id: userId },
          action: 'address.test',
          target: { kind: 'user', id: userId },
          outcome: 'success',
          at: clock.now().toISOString(),
        },
      },
    ]);
    // A writer that died after its transaction: the entry is written, never settled.
    await table.transact(after.writes(undefined));
    expect(await sweepOutbox(ports.outbox)).toMatchObject({ pending: 1, leased: 1, completed: 0 });
    expect(events).toEqual([]);
    clock.advance(OUTBOX_LEASE_MS + 1);
    expect(await sweepOutbox(ports.outbox)).toMatchObject({ pending: 1, completed: 1 });
    expect(events.map((e) => e.action)).toEqual(['address.test']);
  });

  it('C1 an audit record that fails after a confirmation or a removal is appended by the sweeper', async () => {
    const userId = newUser();
    const { address } = await addAddress(ports, requester(userId), {
      asset: 'ETH',
      address: ETH,
      label: 'x',
    });
    const mail = mails.at(-1)?.message as Extract<UserMessage, { template: 'address-confirm' }>;
    const token = /\/v1\/addresses\/confirm\/([A-Za-z0-9_-]+)$/.exec(mail.confirmUrl)?.[1] as string;
    failing.audit = true;
    expect((await confirmAddress(ports, token)).status).toBe('active');
    clock.advance(1000); // entries are swept oldest first
    expect((await removeAddress(ports, requester(userId), address.addressId)).status).toBe('removed');
    expect(events.map((e) => e.action)).toEqual(['address.added']);
    expect(await pendingEntries()).toHaveLength(2);
    failing.audit = false;
    expect(await sweepOutbox(ports.outbox)).toMatchObject({ completed: 2 });
    expect(events.map((e) => e.action)).toEqual(['address.added', 'address.confirmed', 'address.removed']);
    expect(await pendingEntries()).toEqual([]);
  });

  it('C1 a write that fails leaves no address, no link and no outbox entry, and sends nothing', async () => {
    const userId = newUser();
    const transact = table.transact.bind(table);
    let calls = 0;
    const spy = vi.spyOn(table, 'transact').mockImplementation(async (writes) => {
      // The claim is the first write; the address, its link and its outbox entry the second.
      if (++calls === 2) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      return transact(writes);
    });
    try {
      await expect(
        addAddress(ports, requester(userId), { asset: 'BTC', address: GENESIS, label: 'x' }),
      ).rejects.toMatchObject({ name: 'ThrottlingException' });
    } finally {
      spy.mockRestore();
    }
    expect(await store.listAll(userId)).toEqual([]);
    expect(await pendingEntries()).toEqual([]);
    expect(mails).toEqual([]);
    expect(events).toEqual([]);
    // The claim left behind names an address never written: adding it again works.
    expect(
      (await addAddress(ports, requester(userId), { asset: 'BTC', address: GENESIS, label: 'x' })).address
        .status,
    ).toBe('pending');
  });
});
