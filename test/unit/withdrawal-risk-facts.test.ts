// G2: which device the risk score sees for a withdrawal. A session row names its device (login-flow.ts); rows
// written before that fall back to the login recorded at the session's instant, then to the newest device.
import { describe, expect, it } from 'vitest';
import type { Session } from '../../lambdas/account/account-store.js';
import type { WhitelistedAddress } from '../../lambdas/addresses/address-book.js';
import type { KnownDevice, LoginEvent } from '../../lambdas/auth/login-store.js';
import { assessRisk } from '../../lambdas/withdrawals/risk.js';
import { gatherRiskFacts, type RiskFactPorts } from '../../lambdas/withdrawals/risk-facts.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

const device = (deviceId: string, addedAt: string): KnownDevice => ({
  userId: 'u-1',
  deviceId,
  name: 'Safari 17 on iOS 17',
  addedAt,
  lastSeenAt: addedAt,
});
const OLD = device('old-phone-0001', ago(300 * DAY));
const NEW = device('new-laptop-001', ago(2 * DAY));

const login = (deviceId: string, at: string): LoginEvent => ({
  userId: 'u-1',
  at,
  loginId: `login-${at}`,
  ip: '203.0.113.7',
  browser: 'Safari 17 on iOS 17',
  deviceId,
  outcome: 'success',
});

const session = (createdAt: string, deviceId?: string): Session => ({
  userId: 'u-1',
  sessionId: 's-1',
  createdAt,
  expiresAt: new Date(NOW.getTime() + DAY).toISOString(),
  ...(deviceId ? { deviceId } : {}),
});

const address: WhitelistedAddress = {
  addressId: 'a-1',
  userId: 'u-1',
  asset: 'BTC',
  address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
  addressMasked: 'bc1qar…5mdq',
  label: 'cold',
  status: 'active',
  createdAt: ago(90 * DAY),
  confirmedAt: ago(90 * DAY),
};

function ports(options: { session?: Session; devices: KnownDevice[]; logins: LoginEvent[] }): RiskFactPorts {
  return {
    accounts: { getSession: async () => options.session },
    logins: {
      listLogins: async () => ({ logins: options.logins }),
      getDevice: async (_userId, deviceId) => options.devices.find((d) => d.deviceId === deviceId),
      listDevices: async () => [...options.devices],
    },
    withdrawalHistory: { recent: async () => [] },
  };
}

const gather = (p: RiskFactPorts) =>
  gatherRiskFacts(p, {
    userId: 'u-1',
    sessionId: 's-1',
    sourceIp: '203.0.113.7',
    asset: 'BTC',
    amountMinor: 1_000_000n,
    dailyLimitMinor: 200_000_000n,
    address,
    sanctioned: false,
    security: { holdActive: false, lastChange: { kind: 'email-changed', at: ago(1 * DAY) } },
  });

describe('G2 the session device in the risk facts', () => {
  it('G2 the device named on the session row is the one scored, whatever logged in at the same instant', async () => {
    const at = ago(DAY / 2);
    // The login at the session's instant names the new device, the row the old one: the row wins.
    const facts = await gather(
      ports({ session: session(at, OLD.deviceId), devices: [OLD, NEW], logins: [login(NEW.deviceId, at)] }),
    );
    expect(facts.device).toEqual({ deviceId: OLD.deviceId, addedAt: OLD.addedAt });
    expect(facts.deviceId).toBe(OLD.deviceId);
    expect(assessRisk(facts, NOW).signals.map((s) => s.id)).not.toContain('takeover-chain');
  });

  it('G2 a session from a removed device counts as no whitelisted device, and its id is still recorded', async () => {
    const facts = await gather(
      ports({ session: session(ago(DAY / 2), 'gone-device-01'), devices: [OLD], logins: [] }),
    );
    expect(facts.device).toBeUndefined();
    expect(facts.deviceId).toBe('gone-device-01');
    expect(assessRisk(facts, NOW).signals.map((s) => s.id)).toContain('new-device');
  });

  it('G2 an old row without a device falls back to the login at its instant, then to the newest device', async () => {
    const at = ago(DAY / 2);
    const matched = await gather(
      ports({ session: session(at), devices: [OLD, NEW], logins: [login(OLD.deviceId, at)] }),
    );
    expect(matched.device?.deviceId).toBe(OLD.deviceId);
    expect(matched.deviceId).toBe(OLD.deviceId);

    // No login at that instant in the history read: the newest device stands in, and is not recorded.
    const unmatched = await gather(ports({ session: session(at), devices: [OLD, NEW], logins: [] }));
    expect(unmatched.device?.deviceId).toBe(NEW.deviceId);
    expect(unmatched.deviceId).toBeUndefined();
    expect(assessRisk(unmatched, NOW).signals.map((s) => s.id)).toContain('takeover-chain');
  });
});
