// C2/G2: gathers what the risk score looks at from the stores (login history, devices, the SECURITY row, the
// user's earlier withdrawals); risk.ts stays a pure function of these facts.
import type { AccountStore } from '../account/contracts.js';
import type { WhitelistedAddress } from '../addresses/contracts.js';
import type { KnownDevice, LoginEvent, LoginStore } from '../auth/contracts.js';
import type { Asset } from '../kernel/assets.js';
import type { SecurityState } from '../security/contracts.js';
import type { WithdrawalHistory } from './history.js';
import type { WithdrawalRecord } from './record.js';
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
  session: Awaited<ReturnType<RiskFactPorts['accounts']['getSession']>>,
  logins: readonly LoginEvent[],
): Promise<{ device?: KnownDevice; sessionDeviceId?: string }> {
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

/** What the risk facts read from the stores: the login history, the session's device, earlier withdrawals. */
export interface RiskReads {
  logins: LoginEvent[];
  earlier: WithdrawalRecord[];
  device?: KnownDevice;
  sessionDeviceId?: string;
}

/**
 * The risk facts' reads, each made as soon as what it needs is known: the login history, the session and the
 * earlier withdrawals together; the session's device after the session (and the history, for old sessions).
 */
export async function readRiskFacts(
  ports: RiskFactPorts,
  input: { userId: string; sessionId: string },
): Promise<RiskReads> {
  const logins = recentLogins(ports, input.userId);
  logins.catch(() => undefined); // awaited below; a failure is told there, not as unhandled
  const [earlier, device] = await Promise.all([
    ports.withdrawalHistory.recent(input.userId),
    (async () => {
      const session = await ports.accounts.getSession(input.userId, input.sessionId);
      // Only a session without its device's id (an old row) needs the history to find it.
      return sessionDevice(ports, input.userId, session, session?.deviceId ? [] : await logins);
    })(),
  ]);
  return { logins: await logins, earlier, ...device };
}

/** What the request itself says toward its risk facts (the reads aside). */
export interface RiskFactInput {
  sourceIp: string;
  asset: Asset;
  amountMinor: bigint;
  dailyLimitMinor: bigint;
  address: WhitelistedAddress;
  sanctioned: boolean;
  security: SecurityState | undefined;
}

/** The risk facts of a request from what was read (pure). */
export function riskFactsOf(
  { logins, earlier, device, sessionDeviceId }: RiskReads,
  input: RiskFactInput,
): RiskFacts & { deviceId?: string } {
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

export async function gatherRiskFacts(
  ports: RiskFactPorts,
  input: RiskFactInput & { userId: string; sessionId: string },
): Promise<RiskFacts & { deviceId?: string }> {
  return riskFactsOf(await readRiskFacts(ports, input), input);
}
