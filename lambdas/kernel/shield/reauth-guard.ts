// A3/B1: the lockout in front of every re-authentication (a password, and a TOTP code when enrolled, asked
// again by a sensitive route: password, email, phone, duress password, PGP key, TOTP, withdrawals, admin
// decisions). Whoever holds a stolen session must not guess the password there without a counter: Cognito
// throttles in AWS, the local directory does not, and the runtimes must behave alike.
//
// Decisions:
// - One guard for every route: it decorates the identity port's `reauthenticate` in the composition (the AWS
//   adapters and local/ports.ts), so no handler can call the unguarded check.
// - Its counter is one row of the bot shield's table (ShieldStorePort: atomic ADD, conditional lock), keyed
//   by a digest of `reauth:<username>` (customers) or `admin-reauth:<username>` (admins): never the login's
//   counters, so a lockout here does not lock the login and the reverse.
// - 5 failures in a day (fixed window from the first failure) lock re-authentication for 1 minute, then 2,
//   4, … doubling, at most 1 hour, growing for a day after the last lockout (the login's per-pair rule).
//   A locked attempt is refused with 429 RATE_LIMITED before the password is checked. A success clears
//   the counter and its lockout history.
// - The attempt is counted before the password is checked: concurrent guesses cannot slip past the bound
//   (the 6th in a window is refused unchecked). An attempt whose check fails on an error (not a wrong
//   password) stays counted: fail closed.
// - The clock is injected; nothing sleeps.
import { TooManyRequests } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { IdentityProvider } from '../ports/identity-provider.js';
import {
  accountDigest,
  counterState,
  keyId,
  type LockRule,
  lockSecondsFor,
  type ShieldKey,
  type ShieldStorePort,
} from './bot-shield.js';

/** Whose re-authentication: a customer's (user pool) or an admin's (admin pool). */
export type ReauthScope = 'reauth' | 'admin-reauth';

export interface ReauthPolicy {
  /** How long failures are counted, from the first one (fixed window). */
  windowSeconds: number;
  /** Consecutive failures in the window that lock re-authentication. */
  lockAfter: number;
  lock: LockRule;
  /** How long past lockouts compound after the last one ends. */
  lockMemorySeconds: number;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const REAUTH_POLICY: Readonly<ReauthPolicy> = Object.freeze({
  windowSeconds: DAY, // failures are consecutive unless a success clears them or a quiet day passes
  lockAfter: 5, // a handful of typos (OWASP); a session holder gets 5 guesses, then waits
  lock: Object.freeze({
    baseSeconds: MINUTE, // as the login's per-pair lockout: the owner who mistyped waits one minute
    factor: 2, // doubling per further lockout within a day
    capSeconds: HOUR, // temporary: never a lasting denial of the owner's own settings
  }),
  lockMemorySeconds: DAY,
});

/** The Shield table row of one username's re-authentications (the username as the token carries it). */
export const reauthKey = (scope: ReauthScope, username: string): ShieldKey => ({
  pk: `REAUTH#${accountDigest(`${scope}:${username}`)}`,
  sk: 'FAILURES',
});

export interface ReauthMetrics {
  /** Called once for every lockout (the key is a digest, never the username). */
  onLockout?: (scope: ReauthScope, key: string) => void;
}

type Reauthenticate = IdentityProvider['reauthenticate'];

export class ReauthGuard {
  constructor(
    private readonly store: () => ShieldStorePort,
    private readonly clock: Clock,
    private readonly policy: ReauthPolicy = REAUTH_POLICY,
    private readonly metrics: ReauthMetrics = {},
  ) {}

  /**
   * Runs `check` (the identity provider's own re-authentication) unless the username is locked out: counts
   * a failure, locks at the bound, clears on success. Throws TooManyRequests when locked.
   */
  async reauthenticate(
    scope: ReauthScope,
    username: string,
    check: () => Promise<boolean>,
  ): Promise<boolean> {
    const store = this.store();
    const key = reauthKey(scope, username);
    const now = this.clock.now();
    const at = now.getTime();
    const before = counterState((await store.read([key])).get(keyId(key)), at);
    if (before.lockedUntil !== undefined) throw tooMany(before.lockedUntil, at);

    const ttl = Math.ceil(at / 1000) + this.lifetimeSeconds();
    const row = await store.increment(key, now, {
      windowMs: this.policy.windowSeconds * 1000,
      sliding: false,
      ttl,
    });
    const counted = counterState(row, at);
    if (counted.lockedUntil !== undefined) throw tooMany(counted.lockedUntil, at);
    if (counted.count > this.policy.lockAfter) {
      // Concurrent attempts used the window up: refused unchecked, and the counter locks.
      const until = await this.lock(scope, key, now, row.lockLevel ?? 0, counted.level, ttl);
      throw tooMany(until, at);
    }

    if (await check()) {
      await store.clear([key]);
      return true;
    }
    if (counted.count >= this.policy.lockAfter) {
      await this.lock(scope, key, now, row.lockLevel ?? 0, counted.level, ttl);
    }
    return false;
  }

  /** Locks the counter (unless a concurrent attempt did); returns the end of the lockout in force. */
  private async lock(
    scope: ReauthScope,
    key: ShieldKey,
    now: Date,
    observedLevel: number,
    level: number,
    ttl: number,
  ): Promise<number> {
    const at = now.getTime();
    const lockedUntil = at + lockSecondsFor(this.policy.lock, level + 1) * 1000;
    const locked = await this.store().lock(key, now, {
      atLeast: this.policy.lockAfter,
      observedLevel,
      level: level + 1,
      lockedUntil,
      levelUntil: lockedUntil + this.policy.lockMemorySeconds * 1000,
      ttl,
    });
    if (locked) {
      try {
        this.metrics.onLockout?.(scope, keyId(key));
      } catch {
        // A failing metric never fails a re-authentication.
      }
      return lockedUntil;
    }
    const current = counterState((await this.store().read([key])).get(keyId(key)), at);
    return current.lockedUntil ?? lockedUntil;
  }

  private lifetimeSeconds(): number {
    return Math.max(this.policy.windowSeconds, this.policy.lock.capSeconds + this.policy.lockMemorySeconds);
  }
}

const tooMany = (until: number, now: number): TooManyRequests =>
  new TooManyRequests('Too many attempts; try again later', Math.max(1, Math.ceil((until - now) / 1000)));

/**
 * The identity provider with its `reauthenticate` behind the guard; every other member is the provider's
 * own (bound to it). The composition wraps each pool's provider once, so every route gets the guarded one.
 */
export function guardedReauth<T extends { reauthenticate: Reauthenticate }>(
  provider: T,
  guard: ReauthGuard,
  scope: ReauthScope,
): T {
  const reauthenticate: Reauthenticate = (username, password, code) =>
    guard.reauthenticate(scope, username, () => provider.reauthenticate(username, password, code));
  return new Proxy(provider, {
    get(target, property) {
      if (property === 'reauthenticate') return reauthenticate;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
