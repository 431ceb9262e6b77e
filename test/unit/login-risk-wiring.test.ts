// G1 the login-risk model in the login: the store on the local DynamoDB emulation (one read, incremental
// population counters equal to the in-memory model's, bounded history), the bands a user's history gives with
// an injected clock, and how the login flow turns each band into allow, step up (today's proofs) or block.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BAD_CREDENTIALS, LoginFlow, type LoginPorts } from '../../lambdas/auth/login-flow.js';
import type { LoginEvent, LoginSession } from '../../lambdas/auth/login-store.js';
import { type RiskRead, RiskStore, type RiskStorePort } from '../../lambdas/auth/risk/aws-risk-store.js';
import { CATEGORICAL_FEATURES, RISK_MODEL } from '../../lambdas/auth/risk/config.js';
import { decayScale, FADED, loginWeight } from '../../lambdas/auth/risk/decay.js';
import type { LoginFeatures } from '../../lambdas/auth/risk/features.js';
import {
  LoginRisk,
  type LoginRiskPort,
  type RiskCheck,
  storedFeaturesOf,
} from '../../lambdas/auth/risk/login-risk.js';
import { Population, PopulationSnapshot, xLogX } from '../../lambdas/auth/risk/model.js';
import { Conflict, Unauthorized } from '../../lambdas/kernel/errors.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import type { UserMessage } from '../../lambdas/kernel/ports/user-mail.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { LOCAL_TABLE_NAMES, type LocalDynamo, startDynamo } from '../../local/dynamo.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = new Date('2026-11-02T09:00:00Z');

/** The store's semantics in memory: the same decaying counters (sums, distinct, Σ S·ln S, hours) and histories. */
class MemoryRiskStore implements RiskStorePort {
  readonly counts = new Map<string, number>();
  readonly totals = new Map<string, { n: number; distinct: number; cLogC: number }>();
  readonly hours: number[] = new Array(24).fill(0);
  readonly histories = new Map<string, LoginFeatures[]>();
  async read(userId: string, attempt: LoginFeatures): Promise<RiskRead> {
    const counts: RiskRead['counts'] = {};
    const seen: Record<string, { value: string; count: number }> = {};
    for (const f of CATEGORICAL_FEATURES) {
      const v = attempt.values[f];
      if (v === undefined) continue;
      counts[f] = this.counts.get(`${f}\n${v}`) ?? 0;
      seen[f] = { value: v, count: counts[f] ?? 0 };
    }
    const totals = Object.fromEntries(CATEGORICAL_FEATURES.map((f) => [f, this.totals.get(f)]));
    return {
      history: [...(this.histories.get(userId) ?? [])],
      version: 0,
      population: new PopulationSnapshot(totals, seen, this.hours, decayScale(attempt.at)),
      counts,
    };
  }
  async record(userId: string, login: LoginFeatures): Promise<void> {
    this.histories.set(userId, [...(this.histories.get(userId) ?? []), login]);
    const w = loginWeight(login.at);
    this.hours[login.hour] = (this.hours[login.hour] ?? 0) + w;
    for (const f of CATEGORICAL_FEATURES) {
      const v = login.values[f];
      if (v === undefined) continue;
      const c = this.counts.get(`${f}\n${v}`) ?? 0;
      this.counts.set(`${f}\n${v}`, c + w);
      const t = this.totals.get(f) ?? { n: 0, distinct: 0, cLogC: 0 };
      this.totals.set(f, {
        n: t.n + w,
        distinct: t.distinct + (c * decayScale(login.at) < FADED ? w : 0),
        cLogC: t.cLogC + xLogX(c + w) - xLogX(c),
      });
    }
  }
}

const at = (ip: string, country: string, userAgent = IPHONE) => ({
  userId: 'u-bo',
  ip,
  country,
  asn: country === 'DE' ? 3320 : 28573,
  userAgent,
});

describe('G1 bands from a history, with an injected clock', () => {
  /** A population of 40 users in DE, GB and FR, and Bo's 10 daily logins from home in Germany. */
  async function world() {
    const clock = new ManualClock(new Date(T0.getTime() - 30 * DAY));
    const store = new MemoryRiskStore();
    const risk = new LoginRisk(store, clock);
    for (let day = 0; day < 20; day++) {
      for (let u = 0; u < 40; u++) {
        const country = ['DE', 'GB', 'FR'][u % 3] as string;
        await risk.record({
          userId: `u-${u}`,
          ip: `10.${u}.0.${day % 3}`,
          country,
          asn: 100 + (u % 5),
          userAgent: u % 2 ? IPHONE : FIREFOX_LINUX,
        });
      }
      clock.advance(HOUR / 4);
    }
    clock.set(new Date(T0.getTime() - 10 * DAY));
    for (let day = 0; day < 10; day++) {
      await risk.record(at('85.214.132.117', 'DE'));
      clock.advance(DAY);
    }
    return { clock, store, risk };
  }

  it('G1 the usual place and phone is allowed; a new country on the known phone is stepped up; the same attempt from far away minutes after a login at home is blocked, days later it is not', async () => {
    const { clock, risk } = await world();
    const usual = await risk.assess({ ...at('85.214.132.117', 'DE'), deviceKnown: true });
    expect(usual.summary.band).toBe('allow');

    const abroad = await risk.assess({ ...at('81.2.69.160', 'GB'), deviceKnown: true });
    expect(abroad.summary.band).toBe('step-up');
    expect(abroad.summary.reasons.map((r) => r.feature)).toContain('country');

    // Ten minutes after the last login at home: Brazil, another ASN, desktop Firefox, an unknown device.
    clock.set(new Date(T0.getTime() - DAY + 10 * 60_000));
    const stuffer = { ...at('200.160.2.3', 'BR', FIREFOX_LINUX), deviceKnown: false };
    const fast = await risk.assess(stuffer);
    expect(fast.summary.band).toBe('block');
    expect(fast.summary.score).toBeGreaterThanOrEqual(RISK_MODEL.bands.block);
    expect(fast.summary.reasons[0]?.feature).toBe('travel');

    // The same attempt three days later: no impossible travel, still far from Bo's habits: a step up.
    clock.advance(3 * DAY);
    const later = await risk.assess(stuffer);
    expect(later.summary.score).toBeLessThan(fast.summary.score);
    expect(later.summary.reasons.map((r) => r.feature)).not.toContain('travel');
  });

  it('G1 the rows hold no IP address or User-Agent in clear; the browser, OS, device type, country and ASN as they are', () => {
    const f = storedFeaturesOf({ userId: 'u', at: T0.getTime(), ip: '85.214.132.117', userAgent: IPHONE });
    expect(JSON.stringify(f)).not.toContain('85.214');
    expect(JSON.stringify(f)).not.toContain('iPhone OS');
    expect(f.values).toMatchObject({ browser: 'Safari', os: 'iOS', device: 'mobile' });
    expect(f.values.ip).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});

describe('G1 the store on the local DynamoDB emulation', () => {
  let dir: string;
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-risk-store-'));
    dynamo = await startDynamo(dir, 'eu-west-1');
  });
  afterAll(async () => {
    await dynamo?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('G1 one BatchGetItem per read; the sharded counters give the in-memory Population exactly; the history is bounded', async () => {
    const table = LOCAL_TABLE_NAMES.risk;
    expect(TABLES.risk.signed).toBe(false);
    const config = { ...RISK_MODEL, history: { maxLogins: 3, maxAgeDays: 183 } };
    let r = 0;
    const store = new RiskStore(dynamo.documents, table, config, 4, () => (r++ % 7) / 7);
    const clock = new ManualClock(T0);
    const population = new Population();
    const countries = ['DE', 'DE', 'GB', 'FR', 'DE', 'GB'];
    for (const [i, country] of countries.entries()) {
      const f = storedFeaturesOf({
        userId: 'u1',
        at: clock.now().getTime(),
        ip: `192.0.2.${i % 2}`,
        country,
        asn: 3320,
        userAgent: i % 3 ? IPHONE : FIREFOX_LINUX,
      });
      await store.record('u1', f, await store.read('u1', f));
      population.add(f);
      clock.advance(HOUR);
    }
    const send = vi.spyOn(dynamo.documents, 'send');
    const probe = storedFeaturesOf({
      userId: 'u1',
      at: clock.now().getTime(),
      ip: '192.0.2.1',
      country: 'DE',
      asn: 3320,
      userAgent: IPHONE,
    });
    const read = await store.read('u1', probe);
    expect(send).toHaveBeenCalledTimes(1);
    send.mockRestore();
    for (const f of CATEGORICAL_FEATURES) {
      const v = probe.values[f];
      if (v === undefined) continue;
      const now = population.at(probe.at);
      expect(read.population.p(f, v), f).toBeCloseTo(now.p(f, v), 12);
      expect(read.population.p(f, 'never-seen'), f).toBeCloseTo(now.p(f, 'never-seen'), 12);
      expect(read.population.entropy(f), f).toBeCloseTo(now.entropy(f), 9);
    }
    expect(read.population.pHour(probe.hour)).toBeCloseTo(population.at(probe.at).pHour(probe.hour), 12);
    expect(read.history.map((h) => h.values.country)).toEqual(['FR', 'DE', 'GB']);
    expect(read.version).toBe(6);
  });

  it('G1 the stored counters decay with the injected clock: a login one half-life ago reads as half a login, with no write in between', async () => {
    const store = new RiskStore(dynamo.documents, LOCAL_TABLE_NAMES.risk, RISK_MODEL, 4, () => 0.5);
    const clock = new ManualClock(new Date('2027-03-01T08:00:00Z'));
    const user = (i: number) => `u-decay-${i}`;
    const de = storedFeaturesOf({ userId: user(0), at: clock.now().getTime(), country: 'DE', asn: 65001 });
    await store.record(user(0), de, await store.read(user(0), de));
    const at = (t: number) => storedFeaturesOf({ userId: user(1), at: t, country: 'DE', asn: 65001 });
    // The ASN 65001 was used once, by this test only: its count reads 1, then 1/2 (stored sum × scale at now).
    const countNow = async () => {
      const now = clock.now().getTime();
      const read = await store.read(user(1), at(now));
      return (read.population as PopulationSnapshot).count('asn', '65001') * decayScale(now);
    };
    expect(await countNow()).toBeCloseTo(1, 9);
    clock.advance(RISK_MODEL.population.halfLifeDays * DAY);
    expect(await countNow()).toBeCloseTo(0.5, 9);
    clock.advance(RISK_MODEL.population.halfLifeDays * DAY);
    expect(await countNow()).toBeCloseTo(0.25, 9);
  });

  it('G1 a history written meanwhile by another login of the user is added to, not overwritten', async () => {
    const store = new RiskStore(dynamo.documents, LOCAL_TABLE_NAMES.risk);
    const f1 = storedFeaturesOf({ userId: 'u2', at: T0.getTime(), country: 'DE' });
    const f2 = storedFeaturesOf({ userId: 'u2', at: T0.getTime() + 1000, country: 'GB' });
    const [read1, read2] = await Promise.all([store.read('u2', f1), store.read('u2', f2)]);
    await store.record('u2', f1, read1);
    await store.record('u2', f2, read2);
    const after = await store.read('u2', f1);
    expect(after.history.map((h) => h.values.country)).toEqual(['DE', 'GB']);
  });
});

// The login flow over in-memory ports: the band is injected, the proofs are today's.
const NOW = new Date('2026-12-01T10:00:00.000Z');
const client = {
  ip: '203.0.113.7',
  deviceId: 'device-0001',
  baseUrl: 'https://api.example',
  userAgent: 'UA',
};
const token = (sub: string, jti: string) =>
  `h.${Buffer.from(JSON.stringify({ sub, origin_jti: jti })).toString('base64url')}.s`;

function flowWith(options: {
  band?: 'allow' | 'step-up' | 'block' | 'broken';
  device: boolean;
  network: boolean;
  /** Whether the risk history has the attempt's network (LoginRisk.assess). */
  networkSeen?: boolean;
}) {
  const sessions = new Map<string, LoginSession>();
  const history: LoginEvent[] = [];
  const mails: UserMessage[] = [];
  const audits: unknown[] = [];
  const recorded: (RiskCheck | undefined)[] = [];
  const failures: string[] = [];
  const summary = (band: 'allow' | 'step-up' | 'block') => ({
    score: { allow: -2, 'step-up': 3, block: 20 }[band],
    band,
    reasons: [{ feature: 'country', value: 2.5, seen: false }],
  });
  const risk: LoginRiskPort = {
    assess: vi.fn(async (attempt) => {
      await attempt.deviceKnown;
      if (options.band === 'broken' || !options.band) throw new Error('table unavailable');
      return {
        summary: summary(options.band),
        features: {} as LoginFeatures,
        read: {} as RiskRead,
        ...(options.networkSeen === undefined ? {} : { networkSeen: options.networkSeen }),
      };
    }),
    record: vi.fn(async (_attempt, prior) => void recorded.push(prior)),
  };
  const knowsNetwork = vi.fn(async () => options.network);
  const ports = {
    identity: {
      getUser: async () => ({ userId: 'u-alice', username: 'alice', email: 'a@x', enabled: true }),
      passwordAuth: async (_u: string, password: string) => {
        if (password !== 'right') throw new Unauthorized('Invalid credentials');
        return {
          kind: 'tokens' as const,
          tokens: { accessToken: token('u-alice', 'sess-1'), idToken: 'i', expiresInSeconds: 900 },
        };
      },
    },
    accounts: { putSession: async () => {} },
    logins: {
      createSession: async (s: Omit<LoginSession, 'version'>) => {
        sessions.set(s.loginId, { ...s, version: 1 });
        return { ...s, version: 1 };
      },
      getSession: async (id: string) => sessions.get(id),
      advance: async (
        current: LoginSession,
        change: (s: LoginSession) => Partial<LoginSession>,
        _remove: unknown = [],
        options: { after?: Promise<unknown> } = {},
      ) => {
        await options.after;
        const row = sessions.get(current.loginId);
        if (!row || row.version !== current.version) throw new Conflict('answered');
        const next = { ...row, ...change(row), version: row.version + 1 };
        sessions.set(next.loginId, next);
        return next;
      },
      getDevice: async () => (options.device ? ({} as never) : undefined),
      knowsNetwork,
      rememberDevice: async () => {},
      rememberNetwork: async () => {},
      linkWrite: () => ({ create: {} }),
      recordLogin: async (event: LoginEvent) => void history.push(event),
    },
    vault: {
      encrypt: async (_b: unknown, fields: Record<string, string>) => JSON.stringify(fields),
      decrypt: async (_b: unknown, sealed: string) => JSON.parse(sealed) as Record<string, string>,
    },
    mail: { send: async (_u: string, message: UserMessage) => void mails.push(message) },
    links: {
      issue: async () => 'link-token',
      issueWith: async (_u: string, deliver: (t: string) => Promise<void>) => deliver('link-token'),
    },
    clock: { now: () => NOW },
    shield: {
      check: async () => ({ allow: true as const }),
      recordFailure: async (a: { username: string }) => void failures.push(a.username),
      recordSuccess: async () => {},
    },
    geo: { countryOf: () => 'DE' },
    ...(options.band ? { risk } : {}),
    audit: { append: async (event: unknown) => void audits.push(event) },
  } as unknown as LoginPorts;
  return {
    flow: new LoginFlow(ports),
    history,
    mails,
    audits,
    recorded,
    failures,
    sessions,
    risk,
    knowsNetwork,
  };
}

describe('G1 the bands decide the login', () => {
  it('G1 the NETWORK# row is read beside the risk rows (no round trip of its own) and decides only where the risk history does not: a network the history has is known whatever the row says', async () => {
    const run = async (options: Parameters<typeof flowWith>[0]) => {
      const t = flowWith(options);
      const outcome = await t.flow.start('alice', 'right', client).catch(() => undefined);
      return { reads: t.knowsNetwork.mock.calls.length, outcome };
    };
    // Read once per login of an existing user, whatever the band.
    expect((await run({ band: 'allow', device: true, network: false })).reads).toBe(1);
    expect((await run({ band: 'block', device: true, network: true })).reads).toBe(1);
    // Seen in the history: known although the row is absent, so a known device gets the emailed code.
    const seen = await run({ band: 'step-up', device: true, network: false, networkSeen: true });
    expect(seen.outcome).toMatchObject({ status: 'challenge', challenge: 'ip-code' });
    // Not in the (bounded) history: NETWORK# decides, as before.
    const older = await run({ band: 'step-up', device: false, network: true, networkSeen: false });
    expect(older.outcome).toMatchObject({ status: 'challenge', challenge: 'device-confirmation' });
    const newer = await run({ band: 'step-up', device: true, network: false, networkSeen: false });
    expect(newer.outcome).toMatchObject({ status: 'challenge', challenge: 'ip-code' });
    // Without the model (or with it broken) the fixed rules decide with the row.
    expect((await run({ band: 'broken', device: true, network: true })).outcome).toMatchObject({
      status: 'authenticated',
    });
    expect((await run({ device: true, network: false })).outcome).toMatchObject({
      status: 'challenge',
      challenge: 'ip-code',
    });
  });

  it('G1 LoginRisk says whether the history has the attempt’s network', async () => {
    const clock = new ManualClock(T0);
    const store = new MemoryRiskStore();
    const risk = new LoginRisk(store, clock);
    await risk.record(at('85.214.132.117', 'DE'));
    clock.advance(DAY);
    expect((await risk.assess({ ...at('85.214.132.200', 'DE'), deviceKnown: true })).networkSeen).toBe(true);
    expect((await risk.assess({ ...at('85.214.133.1', 'DE'), deviceKnown: true })).networkSeen).toBe(false);
  });

  it('G1 allow: tokens at once, even from a new network on a new device; the score goes to the history and the login to the risk rows', async () => {
    const t = flowWith({ band: 'allow', device: false, network: false });
    const outcome = await t.flow.start('alice', 'right', client);
    expect(outcome.status).toBe('authenticated');
    expect(t.history[0]).toMatchObject({ outcome: 'success', risk: { band: 'allow', score: -2 } });
    expect(t.recorded).toHaveLength(1);
    expect(t.recorded[0]).toBeDefined();
    expect(t.audits).toEqual([]);
  });

  it("G1 step up: today's proofs (the code for a new network, the link for a new device; the code when both are known), audited with score and reasons", async () => {
    const both = flowWith({ band: 'step-up', device: true, network: true });
    expect(await both.flow.start('alice', 'right', client)).toMatchObject({ challenge: 'ip-code' });
    expect(both.audits[0]).toMatchObject({
      action: 'security.login-risk',
      outcome: 'flagged',
      details: { band: 'step-up', score: 3, reasons: 'country:2.5' },
    });
    const newDevice = flowWith({ band: 'step-up', device: false, network: true });
    expect(await newDevice.flow.start('alice', 'right', client)).toMatchObject({
      challenge: 'device-confirmation',
    });
    const newNetwork = flowWith({ band: 'step-up', device: true, network: false });
    const started = await newNetwork.flow.start('alice', 'right', client);
    expect(started).toMatchObject({ challenge: 'ip-code' });
    const session = [...newNetwork.sessions.values()][0];
    expect(session?.steps).toEqual(['ip-code']);
    expect(session?.risk).toMatchObject({ band: 'step-up' });
  });

  it('G1 block: the answer to a wrong password, counted by the shield, in the history with its reason and score, audited, and the owner emailed without a link', async () => {
    const t = flowWith({ band: 'block', device: true, network: true });
    await expect(t.flow.start('alice', 'right', client)).rejects.toMatchObject({
      status: 401,
      message: BAD_CREDENTIALS,
    });
    expect(t.failures).toEqual(['alice']);
    expect(t.history[0]).toMatchObject({
      outcome: 'refused',
      reason: 'risk-blocked',
      risk: { band: 'block' },
    });
    expect(t.audits[0]).toMatchObject({ outcome: 'refused', details: { band: 'block' } });
    expect(t.mails).toEqual([
      { template: 'login-blocked', context: expect.objectContaining({ ip: client.ip, country: 'DE' }) },
    ]);
    expect(t.sessions.size).toBe(0);
    expect(t.recorded).toEqual([]);
  });

  it('G1 without the model or when its rows cannot be read, the fixed rules decide (never open)', async () => {
    const broken = flowWith({ band: 'broken', device: false, network: false });
    expect(await broken.flow.start('alice', 'right', client)).toMatchObject({ challenge: 'ip-code' });
    expect([...broken.sessions.values()][0]?.steps).toEqual(['ip-code', 'device-confirmation']);
    const none = flowWith({ device: true, network: true });
    expect((await none.flow.start('alice', 'right', client)).status).toBe('authenticated');
  });
});
