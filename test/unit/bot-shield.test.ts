// Unit tests of the A3 bot shield: the pure rules, and the shield on its DynamoDB store against an in-memory
// dynalite (real conditional-update semantics, no TTL deletion). The clock is injected; nothing sleeps.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GetCommand } from '../../lambdas/kernel/aws/dynamo-documents.js';
import {
  attemptKeys,
  BotShield,
  type CounterKind,
  delayFor,
  type LockoutKind,
  lockSecondsFor,
  parseSource,
  SHIELD_POLICY,
  type ShieldAttempt,
  type ShieldKey,
  type ShieldVerdict,
} from '../../lambdas/kernel/shield/bot-shield.js';
import { ShieldStore } from '../../lambdas/kernel/shield/shield-store.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

const TABLE = TABLES.shield.logicalName;
const t0 = new Date('2026-06-01T12:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

let dynamo: TestDynamo;
let store: ShieldStore;
let lockouts: [LockoutKind, string][];
let shield: BotShield;

async function row(key: ShieldKey | undefined): Promise<Record<string, unknown> | undefined> {
  if (!key) throw new Error('no key');
  const { Item } = await dynamo.documents.send(
    new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }),
  );
  return Item;
}

async function counts(attempt: Omit<ShieldAttempt, 'now'>): Promise<Partial<Record<CounterKind, unknown>>> {
  const { counters } = attemptKeys(attempt);
  const entries = await Promise.all(
    (Object.entries(counters) as [CounterKind, ShieldKey][]).map(async ([kind, key]) => [
      kind,
      (await row(key))?.count,
    ]),
  );
  return Object.fromEntries(entries);
}

const lockoutKinds = () => lockouts.map(([kind]) => kind);

describe('pure rules', () => {
  it('A3 delays double from delayAfter and never exceed 2 s', () => {
    const rule = SHIELD_POLICY.counters['account-ip'];
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((n) => delayFor(rule, n))).toEqual([
      0, 0, 250, 500, 1000, 2000, 2000, 2000,
    ]);
    for (const kind of Object.keys(SHIELD_POLICY.counters) as CounterKind[]) {
      expect(delayFor(SHIELD_POLICY.counters[kind], 10_000)).toBeLessThanOrEqual(2000);
    }
    expect(Object.isFrozen(SHIELD_POLICY)).toBe(true);
    expect(Object.isFrozen(SHIELD_POLICY.counters['account-ip'])).toBe(true);
    expect(Object.isFrozen(SHIELD_POLICY.counters['account-ip'].lock)).toBe(true);
  });

  it('A3 lockout durations grow exponentially up to the cap', () => {
    const lock = SHIELD_POLICY.counters['account-ip'].lock;
    if (!lock) throw new Error('account-ip locks');
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((level) => lockSecondsFor(lock, level))).toEqual([
      60, 120, 240, 480, 960, 1920, 3600, 3600, 3600,
    ]);
  });

  it('A3 addresses group by /24 and /64; IPv4-mapped IPv6 is IPv4', () => {
    expect(parseSource('203.0.113.7')).toEqual({
      family: 4,
      address: '203.0.113.7',
      network: '203.0.113.0/24',
    });
    expect(parseSource('::ffff:203.0.113.7')).toEqual(parseSource('203.0.113.7'));
    expect(parseSource('::FFFF:cb00:7107')).toEqual(parseSource('203.0.113.7'));
    expect(parseSource('[::ffff:203.0.113.7]')).toEqual(parseSource('203.0.113.7'));
    expect(parseSource('2001:DB8:0:1::42')).toEqual({
      family: 6,
      address: '2001:db8:0:1:0:0:0:42',
      network: '2001:db8:0:1::/64',
    });
    expect(parseSource('2001:db8:0:1:0:0:0:42').address).toBe(parseSource('2001:db8::1:0:0:0:42').address);
    expect(parseSource('fe80::1%eth0')).toEqual({
      family: 6,
      address: 'fe80:0:0:0:0:0:0:1',
      network: 'fe80:0:0:0::/64',
    });
    expect(parseSource('::1').network).toBe('0:0:0:0::/64');
    expect(parseSource('::ffff:1.2.3.4:5').address).toBe('invalid');
    expect(parseSource('not an address')).toEqual({ family: 4, address: 'invalid', network: 'invalid' });
  });

  it('A3 the keys derive from the username as typed, never store it, and fold case', () => {
    const keys = attemptKeys({ username: 'Alice', ip: '198.51.100.1', deviceId: 'd-1' });
    expect(JSON.stringify(keys)).not.toMatch(/alice|d-1/i);
    expect(attemptKeys({ username: 'alice', ip: '198.51.100.1', deviceId: 'd-1' })).toEqual(keys);
    expect(keys.counters['account-ip']?.sk).toBe('IP#198.51.100.1');
    expect(keys.counters.network).toEqual({ pk: 'NET#198.51.100.0/24', sk: 'FAILURES' });
  });
});

describe('BotShield on DynamoDB', () => {
  beforeEach(async () => {
    dynamo = await startTestDynamo();
    store = new ShieldStore(dynamo.documents, TABLE);
    lockouts = [];
    shield = new BotShield(store, SHIELD_POLICY, { onLockout: (kind, key) => lockouts.push([kind, key]) });
  });

  afterEach(async () => {
    await dynamo.stop();
  });

  it('A3 progressive delay, then a lockout of that (account, address) pair only', async () => {
    const attempt = { username: 'alice', ip: '198.51.100.10' };
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const verdict = await shield.check({ ...attempt, now: at(i) });
      expect(verdict.allow).toBe(true);
      if (verdict.allow) delays.push(verdict.delayMs);
      await shield.recordFailure({ ...attempt, now: at(i) });
    }
    expect(delays).toEqual([0, 0, 250, 500, 1000]);
    expect(await shield.check({ ...attempt, now: at(5) })).toEqual({
      allow: false,
      reason: 'locked',
      lock: 'account-ip',
      retryAfterSeconds: 59,
    });
    expect(lockoutKinds()).toEqual(['account-ip']);
    expect(lockouts[0]?.[1]).toContain('IP#198.51.100.10');
    // The same account from another address, and another account from this address, go on.
    expect(await shield.check({ username: 'alice', ip: '192.0.2.1', now: at(5) })).toMatchObject({
      allow: true,
    });
    expect(await shield.check({ username: 'bob', ip: attempt.ip, now: at(5) })).toMatchObject({
      allow: true,
    });
  });

  it('A3 lockouts of a counter grow exponentially up to a cap, and are forgotten after a quiet day', async () => {
    const attempt = { username: 'alice', ip: '198.51.100.20' };
    let clock = 0;
    const retries: number[] = [];
    for (let cycle = 0; cycle < 8; cycle++) {
      for (let i = 0; i < 5; i++) await shield.recordFailure({ ...attempt, now: at(clock) });
      const verdict = await shield.check({ ...attempt, now: at(clock) });
      if (verdict.allow) throw new Error(`cycle ${cycle} not locked`);
      expect(verdict).toMatchObject({ reason: 'locked', lock: 'account-ip' });
      retries.push(verdict.retryAfterSeconds);
      // Still locked one second before the end, free at the end.
      expect((await shield.check({ ...attempt, now: at(clock + verdict.retryAfterSeconds - 1) })).allow).toBe(
        false,
      );
      clock += verdict.retryAfterSeconds;
      expect((await shield.check({ ...attempt, now: at(clock) })).allow).toBe(true);
    }
    expect(retries).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600]);
    expect(lockoutKinds().filter((kind) => kind === 'account-ip')).toHaveLength(8);

    clock += 24 * 3600 + 1;
    for (let i = 0; i < 5; i++) await shield.recordFailure({ ...attempt, now: at(clock) });
    expect(await shield.check({ ...attempt, now: at(clock) })).toMatchObject({ retryAfterSeconds: 60 });
  });

  it('A3 expiry is checked on read: rows past their window count for nothing before TTL deletes them', async () => {
    const attempt = { username: 'alice', ip: '198.51.100.30', deviceId: 'phone-1' };
    const keys = attemptKeys(attempt);
    for (let i = 0; i < 4; i++) await shield.recordFailure({ ...attempt, now: at(0) });
    expect(await shield.check({ ...attempt, now: at(0) })).toEqual({
      allow: true,
      delayMs: 1000,
      knownDevice: false,
    });
    // 15 minutes later the window has ended; the row is still in the table (no TTL deletion here).
    const later = 15 * 60;
    expect(await shield.check({ ...attempt, now: at(later) })).toEqual({
      allow: true,
      delayMs: 0,
      knownDevice: false,
    });
    expect(await row(keys.counters['account-ip'])).toMatchObject({ count: 4 });
    await shield.recordFailure({ ...attempt, now: at(later) });
    expect(await row(keys.counters['account-ip'])).toMatchObject({ count: 1 });

    // A lockout ends on read too.
    for (let i = 0; i < 4; i++) await shield.recordFailure({ ...attempt, now: at(later + 1) });
    expect((await shield.check({ ...attempt, now: at(later + 60) })).allow).toBe(false);
    expect(await shield.check({ ...attempt, now: at(later + 61) })).toMatchObject({ allow: true });
    expect(await row(keys.counters['account-ip'])).toMatchObject({ count: 5, lockLevel: 1 });

    // A known device stops being known 180 days after its last success.
    await shield.recordSuccess({ ...attempt, now: at(later + 61) });
    const knownFor = 180 * 24 * 3600;
    expect(await shield.check({ ...attempt, now: at(later + 61 + knownFor - 1) })).toMatchObject({
      knownDevice: true,
    });
    expect(await shield.check({ ...attempt, now: at(later + 61 + knownFor) })).toMatchObject({
      knownDevice: false,
    });
    expect(await row(keys.knownDevice)).toBeDefined();
  });

  it('A3 200 failures from 50 addresses: attacker sources locked, the owner still gets in from a known device', async () => {
    const owner = { username: 'alice', deviceId: 'owner-phone' };
    await shield.recordSuccess({ ...owner, ip: '192.0.2.50', now: at(0) });

    // 50 addresses in ten /24 networks, taking turns every 100 ms; each attempt with a fresh device id.
    const addresses = Array.from({ length: 50 }, (_, i) => `203.0.${113 + (i % 10)}.${10 + i}`);
    const verdicts: ShieldVerdict[] = [];
    let recorded = 0;
    for (let i = 0; i < 200; i++) {
      const attempt = {
        username: 'alice',
        ip: addresses[i % 50] ?? '',
        deviceId: `bot-${i}`,
        now: at(10 + i / 10),
      };
      const verdict = await shield.check(attempt);
      verdicts.push(verdict);
      if (!verdict.allow) continue; // refused before any password is checked
      expect(verdict.delayMs).toBeLessThanOrEqual(2000);
      await shield.recordFailure(attempt);
      recorded++;
    }
    // The NIST bound: no more than 100 consecutive failures reach the password check.
    expect(recorded).toBe(100);
    expect(verdicts.slice(100).every((verdict) => !verdict.allow)).toBe(true);
    expect(lockoutKinds().filter((kind) => kind === 'account-network')).toHaveLength(10);
    expect(lockoutKinds().filter((kind) => kind === 'account-protection')).toHaveLength(1);

    // Every attacker address is refused (its network pair is locked), whatever device id it claims.
    const now = at(40);
    for (const ip of addresses) {
      expect(await shield.check({ username: 'alice', ip, deviceId: 'bot-new', now })).toMatchObject({
        allow: false,
        reason: 'locked',
        lock: 'account-network',
      });
    }
    // The owner's known device from a new address gets through, and even from an attacker's address.
    expect(await shield.check({ ...owner, ip: '198.51.100.77', now })).toEqual({
      allow: true,
      delayMs: 0,
      knownDevice: true,
    });
    expect(await shield.check({ ...owner, ip: addresses[0] ?? '', now })).toMatchObject({
      allow: true,
      knownDevice: true,
    });
    // An unknown device, even from a clean address, needs a known device now.
    expect(
      await shield.check({ username: 'alice', ip: '198.51.100.78', deviceId: 'new-laptop', now }),
    ).toEqual({
      allow: false,
      reason: 'account-protection',
      requires: 'known-device',
      retryAfterSeconds: 30 * 24 * 3600 - 20, // 30 days after the 100th failure, at 19.9 s
    });

    // The owner logs in: the account leaves protection, the attacker's sources stay locked.
    await shield.recordSuccess({ ...owner, ip: '198.51.100.77', now });
    expect(
      await shield.check({ username: 'alice', ip: '198.51.100.78', deviceId: 'new-laptop', now }),
    ).toMatchObject({ allow: true, delayMs: 0 });
    expect(await shield.check({ username: 'alice', ip: addresses[7] ?? '', now })).toMatchObject({
      allow: false,
      lock: 'account-network',
    });
  });

  it('A3 at most 100 consecutive failures per account, then only a known device may proceed', async () => {
    await shield.recordSuccess({ username: 'carol', ip: '192.0.2.9', deviceId: 'carol-phone', now: at(0) });
    // One failure from each of 100 networks: no source is ever locked, only the account's count grows.
    const failFrom = async (i: number) => {
      const attempt = { username: 'carol', ip: `10.${i}.0.1`, deviceId: `bot-${i}`, now: at(1 + i) };
      const verdict = await shield.check(attempt);
      if (!verdict.allow) throw new Error(`attempt ${i + 1} refused: ${JSON.stringify(verdict)}`);
      expect(verdict.delayMs).toBeLessThanOrEqual(2000);
      await shield.recordFailure(attempt);
    };
    for (let i = 0; i < 99; i++) await failFrom(i);
    expect(await shield.check({ username: 'carol', ip: '10.200.0.1', now: at(101) })).toEqual({
      allow: true,
      delayMs: 2000, // waits grow as the account nears its bound
      knownDevice: false,
    });
    expect(lockouts).toEqual([]);
    await failFrom(99);
    expect(lockoutKinds()).toEqual(['account-protection']);

    const verdict = await shield.check({ username: 'carol', ip: '10.200.0.1', now: at(102) });
    expect(verdict).toMatchObject({ allow: false, reason: 'account-protection', requires: 'known-device' });
    const withoutDevice = await shield.check({ username: 'carol', ip: '10.201.0.1', now: at(102) });
    expect(withoutDevice).toMatchObject({ allow: false, reason: 'account-protection' });
    // Not a hard lock: the owner's known device proceeds, without the account's delay.
    expect(
      await shield.check({ username: 'carol', ip: '10.202.0.1', deviceId: 'carol-phone', now: at(102) }),
    ).toEqual({ allow: true, delayMs: 0, knownDevice: true });
    // Protection lasts until a success (or 30 quiet days, counted from the last failure).
    const quiet = 30 * 24 * 3600;
    expect(
      (await shield.check({ username: 'carol', ip: '10.200.0.1', now: at(100 + quiet - 1) })).allow,
    ).toBe(false);
    expect((await shield.check({ username: 'carol', ip: '10.200.0.1', now: at(100 + quiet) })).allow).toBe(
      true,
    );
    await shield.recordSuccess({
      username: 'carol',
      ip: '10.202.0.1',
      deviceId: 'carol-phone',
      now: at(103),
    });
    expect(await shield.check({ username: 'carol', ip: '10.200.0.1', now: at(104) })).toEqual({
      allow: true,
      delayMs: 0,
      knownDevice: false,
    });
  });

  it('A3 a success clears the account and its source pairs, never the source-wide counters', async () => {
    const owner = { username: 'dave', ip: '198.51.100.40', deviceId: 'dave-phone' };
    // The attacker's address is locked for dave; the owner mistyped three times; the address also failed on
    // twenty other accounts.
    for (let i = 0; i < 5; i++)
      await shield.recordFailure({ username: 'dave', ip: '192.0.2.66', now: at(0) });
    for (let i = 0; i < 3; i++) await shield.recordFailure({ ...owner, now: at(1) });
    for (let i = 0; i < 20; i++)
      await shield.recordFailure({ username: `user-${i}`, ip: owner.ip, now: at(2) });
    expect(await counts(owner)).toEqual({
      account: 8,
      'account-ip': 3,
      'account-network': 3,
      'account-device': 3,
      ip: 23,
      network: 23,
    });

    await shield.recordSuccess({ ...owner, now: at(3) });
    expect(await counts(owner)).toEqual({
      account: undefined,
      'account-ip': undefined,
      'account-network': undefined,
      'account-device': undefined,
      ip: 23,
      network: 23,
    });
    // The address keeps its source-wide delay (23 failures: 250·2^3 ms); the attacker stays locked.
    expect(await shield.check({ ...owner, now: at(3) })).toEqual({
      allow: true,
      delayMs: 2000,
      knownDevice: true,
    });
    expect(await shield.check({ username: 'dave', ip: '192.0.2.66', now: at(3) })).toMatchObject({
      allow: false,
      lock: 'account-ip',
    });
  });

  it('A3 networks: /24 for IPv4, /64 for IPv6, IPv4-mapped IPv6 counted as IPv4', async () => {
    const fail = (ip: string) => shield.recordFailure({ username: 'erin', ip, now: at(0) });
    const check = (ip: string) => shield.check({ username: 'erin', ip, now: at(1) });
    for (let i = 1; i <= 10; i++) await fail(`203.0.113.${i}`);
    expect(await check('203.0.113.200')).toMatchObject({ allow: false, lock: 'account-network' });
    expect(await check('::ffff:203.0.113.201')).toMatchObject({ allow: false, lock: 'account-network' });
    expect(await check('203.0.114.1')).toMatchObject({ allow: true });

    for (let i = 1; i <= 10; i++) await fail(`2001:db8:1:2::${i.toString(16)}`);
    expect(await check('2001:db8:1:2:ffff:ffff:ffff:ffff')).toMatchObject({
      allow: false,
      lock: 'account-network',
    });
    expect(await check('2001:db8:1:3::1')).toMatchObject({ allow: true });

    for (let i = 0; i < 5; i++) await fail('::ffff:198.51.100.9');
    expect(await check('198.51.100.9')).toMatchObject({ allow: false, lock: 'account-ip' });
    expect(await counts({ username: 'erin', ip: '198.51.100.9' })).toMatchObject({ 'account-ip': 5, ip: 5 });
  });

  it('A3 concurrent failures are all counted, and a counter locks once', async () => {
    const attempt = { username: 'frank', ip: '198.51.100.50', deviceId: 'bot', now: at(0) };
    await Promise.all(Array.from({ length: 30 }, () => shield.recordFailure(attempt)));
    expect(await counts(attempt)).toEqual({
      account: 30,
      'account-ip': 30,
      'account-network': 30,
      'account-device': 30,
      ip: 30,
      network: 30,
    });
    expect(lockoutKinds().sort()).toEqual(['account-device', 'account-ip', 'account-network']);
    expect(await row(attemptKeys(attempt).counters['account-ip'])).toMatchObject({ lockLevel: 1 });

    // From 30 addresses at once: the account's count is exact too.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        shield.recordFailure({ username: 'grace', ip: `10.0.${i}.1`, now: at(0) }),
      ),
    );
    expect(await counts({ username: 'grace', ip: '10.0.0.1' })).toMatchObject({
      account: 30,
      'account-ip': 1,
    });
  });

  it('A3 unknown and known usernames get identical treatment (the shield never looks a user up)', async () => {
    // 'alice' is a real account elsewhere; 'no-such-user' is not. The shield is given no way to tell.
    const script = async (username: string, ip: string) => {
      const seen: unknown[] = [];
      for (let i = 0; i < 7; i++) {
        const attempt = { username, ip, deviceId: 'd', now: at(i * 10) };
        const verdict = await shield.check(attempt);
        seen.push(verdict);
        if (verdict.allow) await shield.recordFailure(attempt);
      }
      seen.push(await shield.check({ username, ip, deviceId: 'd', now: at(1000) }));
      return seen;
    };
    const known = await script('alice', '198.51.100.60');
    const knownLockouts = lockoutKinds().sort();
    lockouts.length = 0;
    const unknown = await script('no-such-user', '198.51.100.61');
    expect(unknown).toEqual(known);
    expect(lockoutKinds().sort()).toEqual(knownLockouts);
    expect(known.some((verdict) => (verdict as ShieldVerdict).allow === false)).toBe(true);
  });

  it('A3 64 concurrent guesses: the 100-failure bound holds, as each is reserved before its password check', async () => {
    let reachedPasswordCheck = 0;
    const guess = async (n: number) => {
      // Each guess from its own /24: no (account, address) or (account, network) pair locks first.
      const attempt = { username: 'olga', ip: `10.${Math.floor(n / 200)}.${n % 200}.7`, now: at(0) };
      const verdict = await shield.check(attempt, { reserve: true });
      if (!verdict.allow) return verdict.reason;
      reachedPasswordCheck++;
      await shield.recordFailure(attempt, { reserved: verdict.reserved === true });
      return 'wrong password';
    };
    const answers: string[] = [];
    for (let start = 0; start < 160; start += 64) {
      answers.push(
        ...(await Promise.all(Array.from({ length: Math.min(64, 160 - start) }, (_, k) => guess(start + k)))),
      );
    }
    expect(reachedPasswordCheck).toBe(SHIELD_POLICY.accountProtectionAfter);
    expect(answers.filter((a) => a === 'account-protection')).toHaveLength(60);
    expect(lockoutKinds().filter((k) => k === 'account-protection')).toHaveLength(1);
    // A reserved failure is counted once: the account's count is exactly the bound, not twice it.
    const accountKey = attemptKeys({ username: 'olga', ip: '10.0.0.7' }).counters.account;
    if (!accountKey) throw new Error('no account counter');
    const rows = await store.read([accountKey]);
    expect([...rows.values()][0]?.count).toBe(100);

    // A5: the login's duress check starts once the counters allow an attempt, beside the reserve. Past the
    // bound the counters refuse first: no work starts (only a race at the bound reaches a refusing reserve).
    const started: string[] = [];
    const beyond = await shield.check(
      { username: 'olga', ip: '10.9.9.7', now: at(0) },
      { reserve: true, onAllowed: () => started.push('beyond the bound') },
    );
    expect(beyond).toMatchObject({ allow: false, reason: 'account-protection' });
    expect(started).toEqual([]);
  }, 120_000);

  it('A3 A5 a caller’s work waiting on the shield starts only when its counters allow the attempt', async () => {
    const started: string[] = [];
    const attempt = { username: 'pete', ip: '198.51.100.90', now: at(0) };
    expect(await shield.check(attempt, { onAllowed: () => started.push('first') })).toMatchObject({
      allow: true,
    });
    for (let i = 0; i < 40; i++) await shield.recordFailure({ ...attempt, now: at(i) });
    const refused = await shield.check(
      { ...attempt, now: at(41) },
      { onAllowed: () => started.push('late') },
    );
    expect(refused.allow).toBe(false);
    expect(started).toEqual(['first']);
  });
});
