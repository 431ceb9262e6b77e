// C2/G2 risk score: each signal on its own, its points and words, the bands (takeover chain alone → unusual,
// sanctioned destination → blocked), and what happens with little history.
import { describe, expect, it, vi } from 'vitest';
import { parseSettings } from '../../lambdas/kernel/settings.js';
import { effectiveLimits, parseKycConfig } from '../../lambdas/kyc/contracts.js';
import type { RiskSignalId, WithdrawalRecord } from '../../lambdas/withdrawals/record.js';
import { type RequestWithdrawalPorts, requestWithdrawal } from '../../lambdas/withdrawals/request.js';
import { assessRisk, RISK_POINTS, type RiskFacts, UNUSUAL_FROM } from '../../lambdas/withdrawals/risk.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const BTC = 100_000_000n;

/** A long-standing account: known IP and device, an old destination, no recent change, ordinary history. */
const quiet = (over: Partial<RiskFacts> = {}): RiskFacts => ({
  asset: 'BTC',
  amountMinor: BTC / 10n,
  dailyLimitMinor: 2n * BTC,
  sourceIp: '203.0.113.7',
  ipFirstSeenAt: ago(200 * DAY),
  device: { deviceId: 'dev-1', addedAt: ago(300 * DAY) },
  destination: { addressMasked: 'bc1qar…5mdq', confirmedAt: ago(90 * DAY), sanctioned: false },
  lastSecurityChange: { kind: 'password-changed', at: ago(120 * DAY) },
  history: Array.from({ length: 8 }, (_, i) => ({
    asset: 'BTC' as const,
    amountMinor: BTC / 10n + BigInt(i) * 1_000_000n,
    createdAt: ago((i + 3) * DAY),
  })),
  ...over,
});
const ids = (facts: RiskFacts) => assessRisk(facts, NOW).signals.map((s) => s.id);

describe('C2 withdrawal risk score', () => {
  it('C2 a quiet withdrawal has no signal and is low', () => {
    expect(assessRisk(quiet(), NOW)).toEqual({ score: 0, band: 'low', signals: [] });
  });

  it.each<[string, Partial<RiskFacts>, RiskSignalId, RegExp]>([
    ['an IP never seen at login', { ipFirstSeenAt: undefined }, 'new-ip', /203\.0\.113\.7 never appears/],
    [
      'an IP first seen 2 days ago',
      { ipFirstSeenAt: ago(2 * DAY) },
      'new-ip',
      /first logged in 48 h ago|2 days ago/,
    ],
    [
      'a device whitelisted 3 days ago',
      { device: { deviceId: 'd', addedAt: ago(3 * DAY) } },
      'new-device',
      /whitelisted 3 days ago/,
    ],
    ['no whitelisted device', { device: undefined }, 'new-device', /not opened from a whitelisted device/],
    [
      'a destination confirmed yesterday',
      { destination: { addressMasked: 'bc1qar…5mdq', confirmedAt: ago(DAY), sanctioned: false } },
      'destination-recent',
      /bc1qar…5mdq was confirmed 24 h ago/,
    ],
    [
      'a security change 10 days ago',
      { lastSecurityChange: { kind: 'email-changed', at: ago(10 * DAY) } },
      'recent-security-change',
      /email-changed/,
    ],
    [
      'two withdrawals in the last hour',
      {
        history: [
          { asset: 'BTC', amountMinor: BTC / 10n, createdAt: ago(10 * 60_000) },
          { asset: 'BTC', amountMinor: BTC / 10n, createdAt: ago(20 * 60_000) },
          ...quiet().history,
        ],
      },
      'velocity',
      /2 earlier withdrawal\(s\) in the last hour/,
    ],
    [
      'an amount far above the history',
      { amountMinor: BTC },
      'amount-unusual',
      /1 BTC is above all 8 earlier BTC withdrawals \(median 0\.135 BTC, largest 0\.17 BTC\)/,
    ],
  ])('C2 %s is its own signal', (_what, over, id, detail) => {
    const risk = assessRisk(quiet(over), NOW);
    expect(risk.signals).toHaveLength(1);
    expect(risk.signals[0]).toMatchObject({ id, points: RISK_POINTS[id] });
    expect(risk.signals[0]?.detail).toMatch(detail);
    expect(risk.score).toBe(RISK_POINTS[id]);
    expect(risk.band).toBe('low');
  });

  it('C2 five withdrawals in a day is velocity; an amount inside the history is not unusual', () => {
    const day = Array.from({ length: 5 }, (_, i) => ({
      asset: 'BTC' as const,
      amountMinor: BTC / 10n,
      createdAt: ago((i + 2) * 3_600_000),
    }));
    expect(ids(quiet({ history: [...day, ...quiet().history] }))).toEqual(['velocity']);
    expect(ids(quiet({ amountMinor: (BTC * 16n) / 100n }))).toEqual([]);
  });

  it('C2 with little history, the amount is judged against the daily limit', () => {
    const few = quiet().history.slice(0, 4);
    expect(ids(quiet({ history: few, amountMinor: BTC }))).toEqual(['amount-unusual']);
    expect(assessRisk(quiet({ history: [], amountMinor: BTC }), NOW).signals[0]?.detail).toMatch(
      /at least half the daily limit, with only 0 earlier BTC withdrawal/,
    );
    expect(ids(quiet({ history: few, amountMinor: BTC / 2n }))).toEqual([]);
    // History of another asset does not count.
    const eth = quiet().history.map((h) => ({ ...h, asset: 'ETH' as const }));
    expect(ids(quiet({ history: eth, amountMinor: BTC }))).toEqual(['amount-unusual']);
  });

  it('G2 a new device, then a security change, then a withdrawal is a takeover chain: unusual', () => {
    const risk = assessRisk(
      quiet({
        device: { deviceId: 'd', addedAt: ago(10 * DAY) },
        lastSecurityChange: { kind: 'email-changed', at: ago(9 * DAY) },
      }),
      NOW,
    );
    expect(risk.signals.map((s) => s.id)).toEqual(['recent-security-change', 'takeover-chain']);
    expect(risk.signals[1]?.detail).toMatch(
      /Device whitelisted 10 days ago, then a security change \(email-changed\) 9 days ago/,
    );
    expect(risk.band).toBe('unusual');
    // The chain's own points reach the manual-investigation threshold.
    expect(RISK_POINTS['takeover-chain']).toBeGreaterThanOrEqual(UNUSUAL_FROM);
  });

  it('G2 a security change before the device appeared is no chain', () => {
    expect(
      ids(
        quiet({
          device: { deviceId: 'd', addedAt: ago(5 * DAY) },
          lastSecurityChange: { kind: 'email-changed', at: ago(9 * DAY) },
        }),
      ),
    ).toEqual(['new-device', 'recent-security-change']);
  });

  it('C2 a sanctioned destination is blocked whatever else is quiet', () => {
    const risk = assessRisk(
      quiet({ destination: { addressMasked: '0x8589…2b1D', confirmedAt: ago(90 * DAY), sanctioned: true } }),
      NOW,
    );
    expect(risk.band).toBe('blocked');
    expect(risk.score).toBe(100);
    expect(risk.signals).toEqual([
      { id: 'sanctioned-destination', points: 100, detail: '0x8589…2b1D is on the sanctions list' },
    ]);
  });

  it('C2 a first withdrawal of a brand-new account stays low; a large one goes to review', () => {
    const fresh = quiet({
      ipFirstSeenAt: ago(DAY),
      device: { deviceId: 'd', addedAt: ago(DAY) },
      destination: { addressMasked: 'bc1qar…5mdq', confirmedAt: ago(DAY), sanctioned: false },
      lastSecurityChange: undefined,
      history: [],
    });
    expect(assessRisk(fresh, NOW)).toMatchObject({ score: 40, band: 'low' });
    expect(assessRisk({ ...fresh, amountMinor: BTC }, NOW)).toMatchObject({ score: 60, band: 'unusual' });
  });
});

describe('C2 the risk facts of a withdrawal request', () => {
  /** requestWithdrawal over in-memory ports; the user's own BTC limits are `own` (none: the default applies). */
  async function riskOf(
    amount: string,
    own?: { daily: string; monthly: string },
    levelLimits?: RequestWithdrawalPorts['levelLimits'],
  ) {
    const recorded: WithdrawalRecord[] = [];
    const limitsFor = vi.fn(
      async (_userId: string, _asset: string, defaults: { daily: string; monthly: string }) =>
        own ?? defaults,
    );
    const ports: RequestWithdrawalPorts = {
      accounts: {
        getAccount: async () => ({ status: 'active' }) as never,
        getSession: async () => undefined,
      },
      securityState: { get: async () => undefined },
      addresses: {
        get: async (userId, addressId) => ({
          addressId,
          userId,
          asset: 'BTC',
          address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
          addressMasked: 'bc1qar…5mdq',
          label: 'cold wallet',
          status: 'active',
          createdAt: ago(90 * DAY),
          confirmedAt: ago(90 * DAY),
        }),
      },
      identity: {
        getUser: async () => ({ totpEnabled: false }) as never,
        reauthenticate: async () => true,
      },
      logins: {
        listLogins: async () => ({ logins: [] }),
        getDevice: async () => undefined,
        listDevices: async () => [],
      },
      withdrawalHistory: { recent: async () => [] },
      ledger: {
        limitsFor,
        record: async (record) => void recorded.push(record),
        undo: async () => true,
      },
      workflows: { start: async () => ({ executionId: 'x' }) },
      settings: { withdrawalLimits: parseSettings({}).withdrawalLimits },
      ...(levelLimits ? { levelLimits } : {}),
      clock: { now: () => NOW },
      sanctions: { screen: async () => ({ listVersions: [] }) },
    };
    await requestWithdrawal(
      ports,
      { userId: 'user-1', sessionId: 'session-1', username: 'u1' } as never,
      { asset: 'BTC', amount, addressId: 'addr-1', password: 'pw' },
      { sourceIp: '203.0.113.7' },
    );
    expect(limitsFor).toHaveBeenCalledWith(
      'user-1',
      'BTC',
      levelLimits ? await levelLimits('user-1', 'BTC', NOW) : parseSettings({}).withdrawalLimits.BTC,
      // X4: no refresh overdue, so no ceiling on the D2 override
      undefined,
    );
    return (recorded[0]?.risk.signals ?? []).map((s) => s.id);
  }

  it("C2 with little history, the amount is judged against the user's own daily limit, not the default", async () => {
    // The default BTC daily limit is 2: 1.5 is at least half of it.
    expect(await riskOf('1.5')).toContain('amount-unusual');
    // Raised to 10 by an approved admin change: 1.5 is no longer a large share.
    expect(await riskOf('1.5', { daily: '10', monthly: '100' })).not.toContain('amount-unusual');
    // Lowered to 0.2: 0.15 stands out, though it is small against the default.
    expect(await riskOf('0.15')).not.toContain('amount-unusual');
    expect(await riskOf('0.15', { daily: '0.2', monthly: '1' })).toContain('amount-unusual');
  });

  it("X4 with a KYC level port, the level's limits take the place of the default (the D2 override still wins)", async () => {
    const config = parseKycConfig({});
    const settings = parseSettings({});
    const verified = async (_userId: string, asset: 'BTC' | 'ETH', now: Date) =>
      effectiveLimits({ level: 'verified' }, config, settings, now)[asset];
    const lapsed = async (_userId: string, asset: 'BTC' | 'ETH', now: Date) =>
      effectiveLimits({ level: 'verified', refreshDueAt: ago(DAY) }, config, settings, now)[asset];
    // Verified: BTC daily 10, so 1.5 is no large share; lapsed, the basic daily 2 applies again.
    expect(await riskOf('1.5', undefined, verified)).not.toContain('amount-unusual');
    expect(await riskOf('1.5', undefined, lapsed)).toContain('amount-unusual');
  });
});
