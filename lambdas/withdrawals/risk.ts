// C2/G2/G3: the withdrawal risk score. A pure function of facts the request route gathers: each signal says
// what it saw in words an analyst reads and adds fixed points; the total picks the band (low: approve,
// unusual: manual investigation, blocked: reject and alert). Weights and thresholds: docs/withdrawals.md.
import type { Asset } from '../kernel/assets.js';
import { formatAmount } from './amount.js';
import type { RiskAssessment, RiskBand, RiskSignal, RiskSignalId } from './record.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Points per signal, and the score from which a withdrawal goes to manual investigation. */
export const RISK_POINTS: Readonly<Record<RiskSignalId, number>> = {
  'new-ip': 15,
  'new-device': 15,
  'amount-unusual': 20,
  velocity: 20,
  'destination-recent': 10,
  'recent-security-change': 20,
  'takeover-chain': 50,
  'sanctioned-destination': 100,
};
export const UNUSUAL_FROM = 50;

/** How recent counts as "new" for an IP, a device, a destination; how far back a security change counts. */
export const NEW_IP_DAYS = 7;
export const NEW_DEVICE_DAYS = 7;
export const RECENT_DESTINATION_DAYS = 7;
export const SECURITY_CHANGE_DAYS = 14;
/** G2: a device first seen this recently, then a security change, then a withdrawal is a takeover chain. */
export const TAKEOVER_WINDOW_DAYS = 14;
/** Velocity: this many earlier withdrawals in the last hour, or in the last 24 hours, is unusual. */
export const VELOCITY_PER_HOUR = 2;
export const VELOCITY_PER_DAY = 5;
/** Amount: with at least this many earlier withdrawals of the asset, compare against them. */
export const AMOUNT_HISTORY_MIN = 5;
export const AMOUNT_MEDIAN_FACTOR = 3n;

export interface PastWithdrawal {
  asset: Asset;
  amountMinor: bigint;
  createdAt: string;
}

export interface RiskFacts {
  asset: Asset;
  amountMinor: bigint;
  /** The asset's daily limit in minor units (the yardstick when there is little history). */
  dailyLimitMinor: bigint;
  sourceIp: string;
  /** First successful login from `sourceIp`, if any (login history, A9). */
  ipFirstSeenAt?: string;
  /** The session's device: its id and when it was (last) added to the whitelist (A7); absent if unknown. */
  device?: { deviceId: string; addedAt: string };
  /** The destination's email confirmation. */
  destination: { addressMasked: string; confirmedAt?: string; sanctioned: boolean };
  lastSecurityChange?: { kind: string; at: string };
  /** The user's earlier withdrawals (not cancelled or rejected), any asset, newest first. */
  history: readonly PastWithdrawal[];
}

const ageMs = (iso: string, now: Date) => now.getTime() - Date.parse(iso);
const within = (iso: string | undefined, days: number, now: Date) =>
  iso !== undefined && ageMs(iso, now) < days * DAY_MS;
const ago = (iso: string, now: Date) => {
  const hours = Math.floor(ageMs(iso, now) / HOUR_MS);
  return hours < 48 ? `${hours} h ago` : `${Math.floor(hours / 24)} days ago`;
};

function median(sorted: readonly bigint[]): bigint {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as bigint)
    : ((sorted[mid - 1] as bigint) + (sorted[mid] as bigint)) / 2n;
}

/** Amount against the user's own history of the asset (order statistics on integers: no floats). */
function amountSignal(facts: RiskFacts): string | undefined {
  const { asset, amountMinor } = facts;
  const fmt = (v: bigint) => `${formatAmount(asset, v)} ${asset}`;
  const previous = facts.history
    .filter((h) => h.asset === asset)
    .map((h) => h.amountMinor)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (previous.length < AMOUNT_HISTORY_MIN) {
    // Too little history to compare with: a large share of the daily limit is what stands out.
    return amountMinor * 2n >= facts.dailyLimitMinor
      ? `${fmt(amountMinor)} is at least half the daily limit, with only ${previous.length} earlier ${asset} withdrawal(s) to compare with`
      : undefined;
  }
  const max = previous[previous.length - 1] as bigint;
  const mid = median(previous);
  return amountMinor > max && amountMinor >= mid * AMOUNT_MEDIAN_FACTOR
    ? `${fmt(amountMinor)} is above all ${previous.length} earlier ${asset} withdrawals (median ${fmt(mid)}, largest ${fmt(max)})`
    : undefined;
}

/** Scores one withdrawal request at `now`. */
export function assessRisk(facts: RiskFacts, now: Date): RiskAssessment {
  const signals: RiskSignal[] = [];
  const add = (id: RiskSignalId, detail: string) => signals.push({ id, points: RISK_POINTS[id], detail });

  if (!facts.ipFirstSeenAt) {
    add('new-ip', `${facts.sourceIp} never appears among the account's successful logins`);
  } else if (within(facts.ipFirstSeenAt, NEW_IP_DAYS, now)) {
    add('new-ip', `${facts.sourceIp} first logged in ${ago(facts.ipFirstSeenAt, now)}`);
  }

  if (!facts.device) {
    add('new-device', 'The session was not opened from a whitelisted device');
  } else if (within(facts.device.addedAt, NEW_DEVICE_DAYS, now)) {
    add('new-device', `The session's device was whitelisted ${ago(facts.device.addedAt, now)}`);
  }

  const amount = amountSignal(facts);
  if (amount) add('amount-unusual', amount);

  const lastHour = facts.history.filter((h) => ageMs(h.createdAt, now) < HOUR_MS).length;
  const lastDay = facts.history.filter((h) => ageMs(h.createdAt, now) < DAY_MS).length;
  if (lastHour >= VELOCITY_PER_HOUR || lastDay >= VELOCITY_PER_DAY) {
    add('velocity', `${lastHour} earlier withdrawal(s) in the last hour, ${lastDay} in the last 24 hours`);
  }

  const { destination } = facts;
  if (!destination.confirmedAt || within(destination.confirmedAt, RECENT_DESTINATION_DAYS, now)) {
    add(
      'destination-recent',
      destination.confirmedAt
        ? `${destination.addressMasked} was confirmed ${ago(destination.confirmedAt, now)}`
        : `${destination.addressMasked} has no confirmation time`,
    );
  }

  const change = facts.lastSecurityChange;
  if (change && within(change.at, SECURITY_CHANGE_DAYS, now)) {
    add('recent-security-change', `Security change (${change.kind}) ${ago(change.at, now)}`);
  }

  // G2: the device this request comes from is new, a security change followed its first login, and now
  // a withdrawal: the order an account takeover takes.
  const device = facts.device;
  if (
    change &&
    device &&
    within(device.addedAt, TAKEOVER_WINDOW_DAYS, now) &&
    Date.parse(change.at) >= Date.parse(device.addedAt) &&
    within(change.at, TAKEOVER_WINDOW_DAYS, now)
  ) {
    add(
      'takeover-chain',
      `Device whitelisted ${ago(device.addedAt, now)}, then a security change (${change.kind}) ${ago(change.at, now)}, then this withdrawal`,
    );
  }

  if (destination.sanctioned) {
    add('sanctioned-destination', `${destination.addressMasked} is on the sanctions list`);
  }

  const score = Math.min(
    100,
    signals.reduce((sum, s) => sum + s.points, 0),
  );
  const band: RiskBand = destination.sanctioned ? 'blocked' : score >= UNUSUAL_FROM ? 'unusual' : 'low';
  return { score, band, signals };
}
