// C2/G2: gathers what the risk score looks at from the stores (login history, devices, the SECURITY row, the
// user's earlier withdrawals); risk.ts stays a pure function of these facts.
import type { AccountStore } from '../account/contracts.js';
import type { WhitelistedAddress } from '../addresses/contracts.js';
import type { KnownDevice, LoginEvent, LoginStore } from '../auth/contracts.js';
import type { Asset } from '../kernel/assets.js';
import type { SecurityState } from '../security/contracts.js';
import type { WithdrawalHistory } from './history.js';
import type { PastWithdrawal, RiskFacts } from './risk.js';

/** How much login history the IP and device signals read (newest first). */
export const LOGIN_HISTORY_READ = 200;
const LOGIN_PAGE = 50;

export interface RiskFactPorts {
  accounts: Pick<AccountStore, 'getSession'>;
  logins: Pick<LoginStore, 'listLogins' | 'getDevice' | 'listDevices'>;
  withdrawalHistory: Pick<WithdrawalHistory, 'recent'>;
}

async function recentLogins(ports: RiskFactPorts, userId: string): Promise<LoginEvent[]> {
  const logins: LoginEvent[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ports.logins.listLogins(userId, {
      limit: LOGIN_PAGE,
      ...(startKey ? { startKey } : {}),
    });
    logins.push(...page.logins);
    startKey = page.next;
  } while (startKey && logins.length < LOGIN_HISTORY_READ);
  return logins.filter((l) => l.outcome === 'success');
}

/**
 * The device of the caller's session. A session row names the device its login came from (login-flow.ts);
 * when that device is no longer on the whitelist (removed, A7), the session counts as opened from no
 * whitelisted device. Rows written before the field existed fall back to the login recorded at the same
 * instant as the session (login-flow.ts writes both with one timestamp), then, when that login is out of the
 * history read, to the most recently whitelisted device (the cautious choice for the G2 chain).
 */
async function sessionDevice(
  ports: RiskFactPorts,
  userId: string,
  sessionId: string,
  logins: readonly LoginEvent[],
): Promise<{ device?: KnownDevice; sessionDeviceId?: string }> {
  const session = await ports.accounts.getSession(userId, sessionId);
  if (session?.deviceId) {
    const device = await ports.logins.getDevice(userId, session.deviceId);
    return { ...(device ? { device } : {}), sessionDeviceId: session.deviceId };
  }
  const opened = session && logins.find((l) => l.at === session.createdAt);
  const device = opened && (await ports.logins.getDevice(userId, opened.deviceId));
  if (device) return { device, sessionDeviceId: device.deviceId };
  const devices = await ports.logins.listDevices(userId);
  const newest = devices.sort((a, b) => b.addedAt.localeCompare(a.addedAt))[0];
  return newest ? { device: newest } : {};
}

export async function gatherRiskFacts(
  ports: RiskFactPorts,
  input: {
    userId: string;
    sessionId: string;
    sourceIp: string;
    asset: Asset;
    amountMinor: bigint;
    dailyLimitMinor: bigint;
    address: WhitelistedAddress;
    sanctioned: boolean;
    security: SecurityState | undefined;
  },
): Promise<RiskFacts & { deviceId?: string }> {
  const [logins, earlier] = await Promise.all([
    recentLogins(ports, input.userId),
    ports.withdrawalHistory.recent(input.userId),
  ]);
  const { device, sessionDeviceId } = await sessionDevice(ports, input.userId, input.sessionId, logins);
  // Newest first: the last match is the earliest login from this IP in the history read.
  const ipFirstSeenAt = logins.filter((l) => l.ip === input.sourceIp).at(-1)?.at;
  const history: PastWithdrawal[] = earlier
    .filter((w) => w.status !== 'rejected' && w.status !== 'cancelled')
    .map((w) => ({ asset: w.asset, amountMinor: BigInt(w.amountMinor), createdAt: w.createdAt }));
  return {
    asset: input.asset,
    amountMinor: input.amountMinor,
    dailyLimitMinor: input.dailyLimitMinor,
    sourceIp: input.sourceIp,
    ...(ipFirstSeenAt ? { ipFirstSeenAt } : {}),
    ...(device ? { device: { deviceId: device.deviceId, addedAt: device.addedAt } } : {}),
    // Only a device known to have opened this session is recorded on the withdrawal (a removed one too).
    ...(sessionDeviceId ? { deviceId: sessionDeviceId } : {}),
    destination: {
      addressMasked: input.address.addressMasked,
      ...(input.address.confirmedAt ? { confirmedAt: input.address.confirmedAt } : {}),
      sanctioned: input.sanctioned,
    },
    ...(input.security?.lastChange ? { lastSecurityChange: input.security.lastChange } : {}),
    history,
  };
}
