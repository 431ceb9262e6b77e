// A7 device whitelist: the store methods against DynamoDB semantics (dynalite, signed rows), and the bot
// shield forgetting a device its user removed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KnownDevice, LoginStore } from '../../lambdas/auth/login-store.js';
import { Conflict } from '../../lambdas/kernel/errors.js';
import {
  type IntegrityFailure,
  RowSigner,
  RowVerifier,
} from '../../lambdas/kernel/integrity/row-signature.js';
import { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { BotShield, knownDeviceKey } from '../../lambdas/kernel/shield/bot-shield.js';
import { ShieldStore } from '../../lambdas/kernel/shield/shield-store.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { LocalKeyService } from '../../local/adapters/key-service.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const iso = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

let dynamo: TestDynamo;
let stateDir: string;
let logins: LoginStore;
let table: SignedTable;
const failures: IntegrityFailure[] = [];

beforeAll(async () => {
  dynamo = await startTestDynamo();
  stateDir = await mkdtemp(join(tmpdir(), 'palisade-devices-'));
  const keys = await LocalKeyService.open(stateDir);
  const spec = TABLES.accounts;
  table = new SignedTable(
    dynamo.documents,
    { logicalName: spec.logicalName, tableName: spec.logicalName, partitionKey: 'pk', sortKey: 'sk' },
    new RowSigner(keys),
    new RowVerifier(keys, async (f) => void failures.push(f)),
  );
  logins = new LoginStore(table);
});
afterAll(async () => {
  await dynamo?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

const device = (
  userId: string,
  deviceId: string,
  minutes: number,
  name = 'Safari 17 on iOS 17',
): KnownDevice => ({
  userId,
  deviceId,
  name,
  addedAt: iso(minutes),
  lastSeenAt: iso(minutes),
});
const seen = (userId: string, deviceId: string, minutes: number) =>
  logins.rememberDevice({ ...device(userId, deviceId, minutes), addedAt: iso(9999) });

describe('A7 the device whitelist in the login store', () => {
  it("A7 lists only the user's own devices, most recently seen first, without other rows of the partition", async () => {
    await logins.rememberDevice(device('u-list', 'phone-0001', 0));
    await logins.rememberDevice(device('u-list', 'laptop-0001', 10, 'Firefox 125 on Ubuntu'));
    await seen('u-list', 'phone-0001', 20);
    await logins.rememberDevice(device('u-other', 'tablet-0001', 30));
    await logins.rememberNetwork('u-list', '203.0.113.0/24', iso(0));
    await logins.recordLogin({
      userId: 'u-list',
      at: iso(20),
      loginId: 'login-0001',
      ip: '203.0.113.7',
      browser: 'Safari 17 on iOS 17',
      deviceId: 'phone-0001',
      outcome: 'success',
    });

    expect(await logins.listDevices('u-list')).toEqual([
      // Seen again: last seen moves, added stays.
      { ...device('u-list', 'phone-0001', 0), lastSeenAt: iso(20) },
      device('u-list', 'laptop-0001', 10, 'Firefox 125 on Ubuntu'),
    ]);
    expect(await logins.listDevices('u-nobody')).toEqual([]);
  });

  it("A7 a removed device is no longer known nor listed; a second removal and another user's id are false", async () => {
    await logins.rememberDevice(device('u-rm', 'phone-0002', 0));
    await logins.rememberDevice(device('u-rm', 'laptop-0002', 5));
    await logins.rememberDevice(device('u-rm-other', 'tablet-0002', 5));

    expect(await logins.removeDevice('u-rm', 'phone-0002', iso(10))).toBe(true);
    expect(await logins.getDevice('u-rm', 'phone-0002')).toBeUndefined();
    expect((await logins.listDevices('u-rm')).map((d) => d.deviceId)).toEqual(['laptop-0002']);
    expect(await logins.removeDevice('u-rm', 'phone-0002', iso(11))).toBe(false);

    // E5: the key is the caller's partition; the other user's device stays.
    expect(await logins.removeDevice('u-rm', 'tablet-0002', iso(12))).toBe(false);
    expect(await logins.getDevice('u-rm-other', 'tablet-0002')).toMatchObject({ deviceId: 'tablet-0002' });
  });

  it('A7 a removed device confirmed again is added anew and reads fine after being seen again', async () => {
    // Seen several times (version 3), removed, then whitelisted again: the row's version keeps growing, so a
    // container that read version 3 does not take the re-added row for a replayed copy (E1).
    await logins.rememberDevice(device('u-back', 'phone-0003', 0));
    await seen('u-back', 'phone-0003', 1);
    await seen('u-back', 'phone-0003', 2);
    expect(await logins.getDevice('u-back', 'phone-0003')).toBeDefined();
    await logins.removeDevice('u-back', 'phone-0003', iso(3));

    await logins.rememberDevice(device('u-back', 'phone-0003', 4, 'Chrome 124 on Android 14'));
    await seen('u-back', 'phone-0003', 5);
    const failed = failures.length;
    expect(await logins.getDevice('u-back', 'phone-0003')).toEqual({
      ...device('u-back', 'phone-0003', 4, 'Chrome 124 on Android 14'),
      lastSeenAt: iso(5),
    });
    expect(await logins.listDevices('u-back')).toHaveLength(1);
    expect(failures.length).toBe(failed);
  });

  it('A7 a removal racing a login that remembers the device: one of the two writes gets Conflict', async () => {
    await logins.rememberDevice(device('u-race', 'phone-0004', 0));
    const results = await Promise.allSettled([
      logins.removeDevice('u-race', 'phone-0004', iso(1)),
      seen('u-race', 'phone-0004', 1),
      seen('u-race', 'phone-0004', 1),
    ]);
    const lost = results.filter((r) => r.status === 'rejected');
    expect(lost.length).toBeGreaterThanOrEqual(1);
    for (const r of lost) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
  });
});

describe('A7 the bot shield forgets a removed device', () => {
  it('A7 after forgetDevice the device is no longer known to the account; other accounts keep theirs', async () => {
    const shield = new BotShield(new ShieldStore(dynamo.documents, TABLES.shield.logicalName));
    const now = new Date(NOW);
    const attempt = { username: 'Alice', ip: '198.51.100.10', deviceId: 'phone-0005', now };
    await shield.recordSuccess(attempt);
    await shield.recordSuccess({ ...attempt, username: 'bob' });
    expect(await shield.check(attempt)).toMatchObject({ allow: true, knownDevice: true });

    // The username as the token carries it may differ in case from what was typed at login.
    await shield.forgetDevice('alice', 'phone-0005');
    expect(await shield.check(attempt)).toMatchObject({ allow: true, knownDevice: false });
    expect(await shield.check({ ...attempt, username: 'bob' })).toMatchObject({ knownDevice: true });
    expect(knownDeviceKey('ALICE', 'phone-0005')).toEqual(knownDeviceKey('alice', 'phone-0005'));
  });
});
