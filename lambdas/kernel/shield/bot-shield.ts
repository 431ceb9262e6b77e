// A3 bot shield: the rules that slow down and stop password guessing and credential stuffing, before the
// login handler checks a password. Pure rules here (keys, address grouping, delays, lockouts, verdicts);
// the counters live in the Shield table behind ShieldStorePort (shield-store.ts).
//
// Decisions:
// - Every failed login (wrong password, unknown username, duress) is recorded alike against six counters:
//   the source address ('ip') and its network ('network': /24 for IPv4, /64 for IPv6) across all accounts
//   (credential stuffing), the account with that address ('account-ip'), with that network
//   ('account-network') and with that device id ('account-device'), and the account alone ('account').
// - Each counter counts failures in a window (fixed from the first failure; the 'account' window slides: it
//   only forgets after a long quiet period). From `delayAfter` failures the verdict carries a progressive
//   delay (doubling, at most 2 s); at `lockAfter` failures the counter locks for base·2^(n-1) seconds,
//   capped, where n is the number of lockouts of that counter in the last day (exponential growth).
// - An account is never locked as a whole by failures from sources: its lockouts are per (account, source)
//   pair, so an attacker locks only its own addresses and networks. A device id that has succeeded on the
//   account before (a known device, kept 180 days) is judged by its own (account, device) counter instead
//   of the (account, address) and (account, network) counters, so the owner gets through from a known
//   device even on an address or network the attacker shares. Source-wide locks ('ip', 'network') still
//   apply to everyone on that source.
// - NIST SP 800-63B (5.2.2): at most 100 consecutive failures per account. At the 100th failure since the
//   last success the account enters protection: only a known device may proceed (the verdict says
//   `requires: 'known-device'`); the handler may offer another proof. It is not a hard lock: the owner's
//   known devices keep working. It ends with a success, or after 30 days without any failure.
// - A success clears the account's consecutive count and the counters of the succeeding (account, address),
//   (account, network) and (account, device), and remembers the device as known. Source-wide counters are
//   never cleared by a success: an attacker could otherwise reset its address by logging into its own
//   account between guesses.
// - The shield never looks a user up: unknown and known usernames get exactly the same counters and
//   verdicts, so nothing here reveals whether a username exists. Usernames and device ids are stored as
//   SHA-256 digests (what people type into a username field is sometimes their password).
// - Expiry is checked on every read (DynamoDB TTL deletes late); TTL only cleans up.
// - The clock is injected (`now`); nothing here sleeps: the handler waits `delayMs` itself.
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/** The counters of a failed login. */
export type CounterKind = 'ip' | 'network' | 'account-ip' | 'account-network' | 'account-device' | 'account';
/** The counters that lock (all but the account's consecutive count, which asks for a known device instead). */
export type LockKind = Exclude<CounterKind, 'account'>;
/** What the lockout callback reports: a counter locking, or an account entering protection. */
export type LockoutKind = LockKind | 'account-protection';

export interface LockRule {
  /** Duration of a counter's first lockout. */
  baseSeconds: number;
  /** Growth of each further lockout within `lockMemorySeconds`. */
  factor: number;
  /** Longest lockout. */
  capSeconds: number;
}

export interface CounterRule {
  /** How long failures are counted: from the first failure (fixed) or from the last one (sliding). */
  windowSeconds: number;
  sliding: boolean;
  /** Failures in the window from which a delay is asked (doubling with each further failure). */
  delayAfter: number;
  /** Failures in the window that lock the counter (absent: never locks). */
  lockAfter?: number;
  lock?: LockRule;
}

export interface ShieldPolicy {
  counters: Readonly<Record<CounterKind, Readonly<CounterRule>>>;
  delay: Readonly<{ baseMs: number; maxMs: number }>;
  /** How long the number of past lockouts of a counter is remembered after its last lockout ends. */
  lockMemorySeconds: number;
  /** Consecutive failures per account after which only a known device may proceed (NIST: at most 100). */
  accountProtectionAfter: number;
  /** How long a device that succeeded stays known, renewed by every success. */
  knownDeviceSeconds: number;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Per-pair lockouts: 1 min, 2, 4, … doubling, at most 1 h. */
const PAIR_LOCK: LockRule = Object.freeze({
  baseSeconds: MINUTE, // short first lockout: a user who mistyped five times waits one minute
  factor: 2, // doubling per further lockout within a day
  capSeconds: HOUR, // at most one hour: temporary, never a lasting denial of service
});

/** Source-wide lockouts (every account behind the address or network): 5 min doubling, at most 1 h. */
const SOURCE_LOCK: LockRule = Object.freeze({
  baseSeconds: 5 * MINUTE, // a stuffing source is paused for long enough to be costly
  factor: 2, // doubling per further lockout within a day
  capSeconds: HOUR, // at most one hour: addresses are shared (NAT, carrier-grade NAT) and change hands
});

export const SHIELD_POLICY: Readonly<ShieldPolicy> = Object.freeze({
  counters: Object.freeze({
    'account-ip': Object.freeze({
      windowSeconds: 15 * MINUTE, // failures of one address on one account are counted for 15 minutes
      sliding: false,
      delayAfter: 2, // a first typo is free; from the 2nd failure 250 ms, then 500 ms, 1 s
      lockAfter: 5, // the 5th failure locks this address for this account (OWASP: a handful of tries)
      lock: PAIR_LOCK,
    }),
    'account-device': Object.freeze({
      windowSeconds: 15 * MINUTE, // same as per address: a device is a source too
      sliding: false,
      delayAfter: 2, // same delays as per address
      lockAfter: 5, // bounds the guesses of a known device, which skips the address and network pairs
      lock: PAIR_LOCK,
    }),
    'account-network': Object.freeze({
      windowSeconds: 15 * MINUTE, // failures of one /24 or /64 on one account, counted for 15 minutes
      sliding: false,
      delayAfter: 4, // a household or office behind one network may mistype a few times
      lockAfter: 10, // two addresses' worth: rotating addresses inside one network does not help
      lock: PAIR_LOCK,
    }),
    ip: Object.freeze({
      windowSeconds: 15 * MINUTE, // failures of one address across all accounts, counted for 15 minutes
      sliding: false,
      delayAfter: 20, // stuffing from one address is slowed early, but NAT users are not
      lockAfter: 100, // 100 failures in 15 min from one address is a bot, whatever the accounts
      lock: SOURCE_LOCK,
    }),
    network: Object.freeze({
      windowSeconds: 15 * MINUTE, // failures of one /24 or /64 across all accounts, counted for 15 minutes
      sliding: false,
      delayAfter: 100, // a network carries many users: delays start late
      lockAfter: 500, // five addresses' worth of stuffing: locks a botnet renting addresses in one block
      lock: SOURCE_LOCK,
    }),
    account: Object.freeze({
      windowSeconds: 30 * DAY, // consecutive failures since the last success, forgotten after 30 quiet days
      sliding: true,
      delayAfter: 20, // NIST: waits that grow as the account nears its bound (not for a known device)
    }),
  }),
  delay: Object.freeze({
    baseMs: 250, // the first delay: noticeable by a bot, not by a person
    maxMs: 2000, // at most 2 s: the handler holds a connection for it
  }),
  lockMemorySeconds: DAY, // lockouts of a counter compound for a day after its last lockout
  accountProtectionAfter: 100, // NIST SP 800-63B: no more than 100 consecutive failures per account
  knownDeviceSeconds: 180 * DAY, // a device that logged in stays known for 180 days after its last success
});

/** A login attempt as the shield sees it: the username as typed (never looked up). */
export interface ShieldAttempt {
  username: string;
  ip: string;
  deviceId?: string | undefined;
  now: Date;
}

export type ShieldVerdict =
  | {
      allow: true;
      delayMs: number;
      knownDevice: boolean;
      /** The attempt was counted against the account's bound before its password is checked. */
      reserved?: boolean;
    }
  | { allow: false; reason: 'locked'; lock: LockKind; retryAfterSeconds: number }
  | { allow: false; reason: 'account-protection'; requires: 'known-device'; retryAfterSeconds: number };

export interface ShieldMetrics {
  /** Called once for every lockout and every account entering protection; key identifies the counter. */
  onLockout?: (kind: LockoutKind, key: string) => void;
}

// ---------------------------------------------------------------------------------------------------------
// Addresses

export interface SourceAddress {
  family: 4 | 6;
  /** The canonical address: dotted IPv4, or eight full lower-case hextets for IPv6. */
  address: string;
  /** The network it is grouped in: `a.b.c.0/24` or `x:x:x:x::/64`. */
  network: string;
}

function ipv4Source(address: string): SourceAddress {
  const octets = address.split('.');
  return { family: 4, address, network: `${octets.slice(0, 3).join('.')}.0/24` };
}

/** The 16-bit groups of a valid IPv6 address (with an optional dotted IPv4 tail). */
function hextets(address: string): number[] {
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head = '', tail] = address.split('::');
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * Parses a source address into its canonical form and network. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is the
 * IPv4 address; brackets and zone ids are dropped. An unparsable address is grouped under `invalid`
 * (fail closed: all such attempts share one set of counters) rather than failing the login.
 */
export function parseSource(ip: string): SourceAddress {
  let text = ip.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (isIPv4(text)) return ipv4Source(text);
  if (!isIPv6(text)) return { family: 4, address: 'invalid', network: 'invalid' };
  const groups = hextets(text.toLowerCase());
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return ipv4Source([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.'));
  }
  const hex = groups.map((g) => g.toString(16));
  return { family: 6, address: hex.join(':'), network: `${hex.slice(0, 4).join(':')}::/64` };
}

// ---------------------------------------------------------------------------------------------------------
// Keys

export interface ShieldKey {
  pk: string;
  sk: string;
}

export const keyId = (key: ShieldKey): string => `${key.pk}|${key.sk}`;

const digest = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);

/** The account a username designates for the shield: case- and width-insensitive, never looked up. */
export const accountDigest = (username: string): string =>
  digest(`account:${username.normalize('NFKC').trim().toLowerCase()}`);

export const deviceDigest = (deviceId: string): string => digest(`device:${deviceId}`);

/** The row that marks a device as known on an account (what `recordSuccess` writes). */
export const knownDeviceKey = (username: string, deviceId: string): ShieldKey =>
  knownDeviceOf(`ACCOUNT#${accountDigest(username)}`, deviceDigest(deviceId));

const knownDeviceOf = (account: string, device: string): ShieldKey => ({
  pk: account,
  sk: `KNOWN#${device}`,
});

export interface AttemptKeys {
  counters: Partial<Record<CounterKind, ShieldKey>>;
  knownDevice?: ShieldKey;
  source: SourceAddress;
}

/** The Shield table rows an attempt touches. */
export function attemptKeys(attempt: Pick<ShieldAttempt, 'username' | 'ip' | 'deviceId'>): AttemptKeys {
  const source = parseSource(attempt.ip);
  const account = `ACCOUNT#${accountDigest(attempt.username)}`;
  const device = attempt.deviceId ? deviceDigest(attempt.deviceId) : undefined;
  const counters: Partial<Record<CounterKind, ShieldKey>> = {
    account: { pk: account, sk: 'FAILURES' },
    'account-ip': { pk: account, sk: `IP#${source.address}` },
    'account-network': { pk: account, sk: `NET#${source.network}` },
    ip: { pk: `IP#${source.address}`, sk: 'FAILURES' },
    network: { pk: `NET#${source.network}`, sk: 'FAILURES' },
  };
  if (device) counters['account-device'] = { pk: account, sk: `DEVICE#${device}` };
  // The account's and the device's digests are taken once for all the keys (each is a SHA-256).
  return { counters, ...(device ? { knownDevice: knownDeviceOf(account, device) } : {}), source };
}

// ---------------------------------------------------------------------------------------------------------
// Counter state (times in epoch milliseconds)

/** A counter row as stored; absent fields are zero. */
export interface CounterRecord {
  count?: number;
  windowEnd?: number;
  lockedUntil?: number;
  lockLevel?: number;
  levelUntil?: number;
}

export interface KnownDeviceRecord {
  /** Epoch milliseconds after which the device is no longer known. */
  knownUntil?: number;
}

/** A counter as it stands at `now`: expiry applied here, whether or not TTL has deleted the row. */
export interface CounterState {
  count: number;
  lockedUntil: number | undefined;
  level: number;
}

export function counterState(record: CounterRecord | undefined, now: number): CounterState {
  const live = (record?.windowEnd ?? 0) > now;
  const lockedUntil = record?.lockedUntil ?? 0;
  return {
    count: live ? (record?.count ?? 0) : 0,
    lockedUntil: lockedUntil > now ? lockedUntil : undefined,
    level: (record?.levelUntil ?? 0) > now ? (record?.lockLevel ?? 0) : 0,
  };
}

export const isKnownDevice = (record: KnownDeviceRecord | undefined, now: number): boolean =>
  (record?.knownUntil ?? 0) > now;

/** The delay asked after `count` failures in a window: 0 below `delayAfter`, then doubling, capped. */
export function delayFor(rule: CounterRule, count: number, policy: ShieldPolicy = SHIELD_POLICY): number {
  if (count < rule.delayAfter) return 0;
  const exponent = Math.min(count - rule.delayAfter, 30);
  return Math.min(policy.delay.maxMs, policy.delay.baseMs * 2 ** exponent);
}

/** The duration of a counter's `level`-th lockout (level ≥ 1): base·factor^(level-1), capped. */
export function lockSecondsFor(rule: LockRule, level: number): number {
  const exponent = Math.min(Math.max(level, 1) - 1, 30);
  return Math.min(rule.capSeconds, rule.baseSeconds * rule.factor ** exponent);
}

/** How long a counter row can matter: DynamoDB TTL is set this far past every write. */
export function lifetimeSeconds(rule: CounterRule, policy: ShieldPolicy = SHIELD_POLICY): number {
  return Math.max(rule.windowSeconds, (rule.lock?.capSeconds ?? 0) + policy.lockMemorySeconds);
}

/** The counters a known device is judged by its own (account, device) counter instead of. */
const SKIPPED_FOR_KNOWN_DEVICE: ReadonlySet<CounterKind> = new Set([
  'account-ip',
  'account-network',
  'account',
]);

/** The verdict for an attempt, from the counters as read (pure). */
export function decide(
  policy: ShieldPolicy,
  records: Partial<Record<CounterKind, CounterRecord>>,
  knownDevice: boolean,
  now: Date,
): ShieldVerdict {
  const at = now.getTime();
  let lock: { kind: LockKind; until: number } | undefined;
  let delayMs = 0;
  for (const [kind, rule] of Object.entries(policy.counters) as [CounterKind, CounterRule][]) {
    if (knownDevice && SKIPPED_FOR_KNOWN_DEVICE.has(kind)) continue;
    const state = counterState(records[kind], at);
    if (kind !== 'account' && state.lockedUntil !== undefined && (!lock || state.lockedUntil > lock.until)) {
      lock = { kind, until: state.lockedUntil };
    }
    delayMs = Math.max(delayMs, delayFor(rule, state.count, policy));
  }
  if (lock) {
    return {
      allow: false,
      reason: 'locked',
      lock: lock.kind,
      retryAfterSeconds: secondsUntil(lock.until, at),
    };
  }
  if (!knownDevice) {
    const account = records.account;
    const consecutive = counterState(account, at).count;
    if (consecutive >= policy.accountProtectionAfter) {
      return {
        allow: false,
        reason: 'account-protection',
        requires: 'known-device',
        retryAfterSeconds: secondsUntil(account?.windowEnd ?? at, at),
      };
    }
  }
  return { allow: true, delayMs, knownDevice };
}

const secondsUntil = (until: number, now: number): number => Math.max(1, Math.ceil((until - now) / 1000));

// ---------------------------------------------------------------------------------------------------------
// The shield

export interface IncrementRule {
  windowMs: number;
  sliding: boolean;
  /** TTL (epoch seconds) to set on the row. */
  ttl: number;
}

export interface LockRequest {
  /** The count the row must still have at least (the lock is for a window that reached it). */
  atLeast: number;
  /** The raw lockLevel read with that count: the lock is lost to any concurrent lock. */
  observedLevel: number;
  level: number;
  lockedUntil: number;
  levelUntil: number;
  ttl: number;
}

/** What the shield needs from storage: atomic counters with expiry, and the known-device list. */
export interface ShieldStorePort {
  /** Reads rows by key (consistently); absent rows are absent from the map (keyed by keyId). */
  read(keys: readonly ShieldKey[]): Promise<Map<string, CounterRecord & KnownDeviceRecord>>;
  /** Counts one failure atomically, starting a new window if the row's has ended; returns the row after. */
  increment(key: ShieldKey, now: Date, rule: IncrementRule): Promise<CounterRecord>;
  /**
   * Counts one attempt atomically only while the live window's count is below `bound` (a new window counts
   * from 1); returns the row after, or undefined when the bound was already reached. However many attempts
   * race, at most `bound` of them get a reservation in one window.
   */
  reserve(key: ShieldKey, now: Date, rule: IncrementRule, bound: number): Promise<CounterRecord | undefined>;
  /** Locks the counter unless it is already locked or changed level; true if this call locked it. */
  lock(key: ShieldKey, now: Date, request: LockRequest): Promise<boolean>;
  /** Deletes counter rows. */
  clear(keys: readonly ShieldKey[]): Promise<void>;
  /** Remembers a device as known until `knownUntil` (epoch ms). */
  rememberDevice(key: ShieldKey, knownUntil: number, ttl: number): Promise<void>;
}

export class BotShield {
  constructor(
    private readonly store: ShieldStorePort,
    private readonly policy: ShieldPolicy = SHIELD_POLICY,
    private readonly metrics: ShieldMetrics = {},
  ) {
    if (policy.delay.maxMs > 2000) throw new Error('The shield never asks for a delay over 2 s');
  }

  /**
   * Before the password check: may this attempt proceed, and after what delay? With `reserve`, an attempt
   * from a device that is not known is counted against the account's consecutive-failure bound before its
   * password is checked (NIST SP 800-63B 5.2.2): the check and the count are one atomic step, so however
   * many guesses run at once, at most `accountProtectionAfter` reach the password check. Its failure is then
   * recorded with `{ reserved: true }`, so that it is not counted twice; a success clears it.
   */
  async check(
    attempt: ShieldAttempt,
    options: { reserve?: boolean; onAllowed?: () => void } = {},
  ): Promise<ShieldVerdict> {
    const keys = attemptKeys(attempt);
    const verdict = await this.judge(attempt, keys);
    // `onAllowed`: the caller's work that may start once the counters allow the attempt, beside the
    // account's reserve rather than after it (the login's duress check).
    if (verdict.allow) options.onAllowed?.();
    if (!options.reserve || !verdict.allow || verdict.knownDevice) return verdict;
    const accountKey = keys.counters.account;
    if (!accountKey) return verdict;
    const rule = this.policy.counters.account;
    const at = attempt.now.getTime();
    const row = await this.store.reserve(
      accountKey,
      attempt.now,
      {
        windowMs: rule.windowSeconds * 1000,
        sliding: rule.sliding,
        ttl: Math.ceil(at / 1000) + lifetimeSeconds(rule, this.policy),
      },
      this.policy.accountProtectionAfter,
    );
    if (!row) {
      return {
        allow: false,
        reason: 'account-protection',
        requires: 'known-device',
        retryAfterSeconds: secondsUntil(at + rule.windowSeconds * 1000, at),
      };
    }
    if (counterState(row, at).count === this.policy.accountProtectionAfter) {
      this.report('account-protection', accountKey);
    }
    return { ...verdict, reserved: true };
  }

  private async judge(attempt: ShieldAttempt, keys: AttemptKeys): Promise<ShieldVerdict> {
    const counterKeys = Object.values(keys.counters);
    const rows = await this.store.read(keys.knownDevice ? [...counterKeys, keys.knownDevice] : counterKeys);
    const records: Partial<Record<CounterKind, CounterRecord>> = {};
    for (const [kind, key] of Object.entries(keys.counters) as [CounterKind, ShieldKey][]) {
      const row = rows.get(keyId(key));
      if (row) records[kind] = row;
    }
    const known = keys.knownDevice
      ? isKnownDevice(rows.get(keyId(keys.knownDevice)), attempt.now.getTime())
      : false;
    return decide(this.policy, records, known, attempt.now);
  }

  /**
   * After a failed password (or unknown username, or duress password): counts it everywhere; the account's
   * count is skipped for an attempt whose check reserved it there already.
   */
  async recordFailure(attempt: ShieldAttempt, options: { reserved?: boolean } = {}): Promise<void> {
    const keys = attemptKeys(attempt);
    await Promise.all(
      (Object.entries(keys.counters) as [CounterKind, ShieldKey][])
        .filter(([kind]) => !(options.reserved && kind === 'account'))
        .map(([kind, key]) => this.countFailure(kind, key, attempt.now)),
    );
  }

  /** After a successful login: clears this account's consecutive count and this source's pairs. */
  async recordSuccess(attempt: ShieldAttempt): Promise<void> {
    const keys = attemptKeys(attempt);
    const { counters } = keys;
    const cleared = [
      counters.account,
      counters['account-ip'],
      counters['account-network'],
      counters['account-device'],
    ].filter((key): key is ShieldKey => key !== undefined);
    const at = attempt.now.getTime();
    const knownUntil = at + this.policy.knownDeviceSeconds * 1000;
    await Promise.all([
      this.store.clear(cleared),
      keys.knownDevice
        ? this.store.rememberDevice(keys.knownDevice, knownUntil, Math.ceil(knownUntil / 1000))
        : undefined,
    ]);
  }

  /**
   * A7: the user took the device off their whitelist. It is no longer known here either, or it would still
   * get past the account's protection and be judged by its own counter only. Its failure counter stays.
   */
  async forgetDevice(username: string, deviceId: string): Promise<void> {
    await this.store.clear([knownDeviceKey(username, deviceId)]);
  }

  private async countFailure(kind: CounterKind, key: ShieldKey, now: Date): Promise<void> {
    const rule = this.policy.counters[kind];
    const at = now.getTime();
    const ttl = Math.ceil(at / 1000) + lifetimeSeconds(rule, this.policy);
    const row = await this.store.increment(key, now, {
      windowMs: rule.windowSeconds * 1000,
      sliding: rule.sliding,
      ttl,
    });
    const state = counterState(row, at);
    if (kind === 'account') {
      // Exactly one failure sees the count reach the bound (ADD is atomic).
      if (state.count === this.policy.accountProtectionAfter) this.report('account-protection', key);
      return;
    }
    if (!rule.lockAfter || !rule.lock || state.count < rule.lockAfter || state.lockedUntil !== undefined)
      return;
    const level = state.level + 1;
    const lockedUntil = at + lockSecondsFor(rule.lock, level) * 1000;
    const locked = await this.store.lock(key, now, {
      atLeast: rule.lockAfter,
      observedLevel: row.lockLevel ?? 0,
      level,
      lockedUntil,
      levelUntil: lockedUntil + this.policy.lockMemorySeconds * 1000,
      ttl,
    });
    if (locked) this.report(kind, key);
  }

  private report(kind: LockoutKind, key: ShieldKey): void {
    try {
      this.metrics.onLockout?.(kind, keyId(key));
    } catch {
      // A failing metric must never fail a login.
    }
  }
}
