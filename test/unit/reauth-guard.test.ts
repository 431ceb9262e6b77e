// Unit tests of the re-authentication lockout (A3/B1): the guard on the bot shield's DynamoDB store against an
// in-memory dynalite, a manual clock (nothing sleeps), and the decorator every composition wraps its pools in.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TooManyRequests } from '../../lambdas/kernel/errors.js';
import { ManualClock } from '../../lambdas/kernel/ports/clock.js';
import { attemptKeys } from '../../lambdas/kernel/shield/bot-shield.js';
import {
  guardedReauth,
  REAUTH_POLICY,
  ReauthGuard,
  type ReauthScope,
  reauthKey,
} from '../../lambdas/kernel/shield/reauth-guard.js';
import { ShieldStore } from '../../lambdas/kernel/shield/shield-store.js';
import { TABLES } from '../../lambdas/kernel/tables.js';
import { startTestDynamo, type TestDynamo } from '../support/dynamo.js';

const TABLE = TABLES.shield.logicalName;
const PASSWORD = 'the right password';

let dynamo: TestDynamo;
let clock: ManualClock;
let guard: ReauthGuard;
let lockouts: ReauthScope[];
let checked: string[];

/** A directory whose only password is PASSWORD; it records every password it was asked to check. */
const directory = {
  async reauthenticate(_username: string, password: string): Promise<boolean> {
    checked.push(password);
    return password === PASSWORD;
  },
  greeting(): string {
    return `checked ${checked.length}`;
  },
};

/** The outcome of one guarded attempt: true, false, or 429 with its Retry-After. */
async function attempt(
  password: string,
  username = 'kim',
  scope: ReauthScope = 'reauth',
): Promise<boolean | { status: 429; retryAfterSeconds: number | undefined }> {
  try {
    return await guard.reauthenticate(scope, username, () => directory.reauthenticate(username, password));
  } catch (err) {
    if (err instanceof TooManyRequests) return { status: 429, retryAfterSeconds: err.retryAfterSeconds };
    throw err;
  }
}

beforeEach(async () => {
  dynamo = await startTestDynamo();
  clock = new ManualClock(new Date('2026-06-01T12:00:00Z'));
  lockouts = [];
  checked = [];
  guard = new ReauthGuard(() => new ShieldStore(dynamo.documents, TABLE), clock, REAUTH_POLICY, {
    onLockout: (scope) => lockouts.push(scope),
  });
});
afterEach(async () => {
  await dynamo.stop();
});

describe('re-authentication lockout', () => {
  it('A3 five wrong passwords lock re-authentication: the right one is refused unchecked until the lockout ends', async () => {
    for (let i = 0; i < 5; i++) expect(await attempt(`wrong ${i}`)).toBe(false);
    expect(lockouts).toEqual(['reauth']);
    expect(await attempt(PASSWORD)).toEqual({ status: 429, retryAfterSeconds: 60 });
    clock.advance(59_000);
    expect(await attempt(PASSWORD)).toEqual({ status: 429, retryAfterSeconds: 1 });
    // Refused attempts never reached the directory.
    expect(checked).toHaveLength(5);
    clock.advance(1_000);
    expect(await attempt(PASSWORD)).toBe(true);
  });

  it('A3 lockouts grow like the login’s (1 min, 2, 4 … at most 1 h) and a success resets the count', async () => {
    const lockFor = async () => {
      for (let i = 0; i < 5; i++) expect(await attempt('wrong')).toBe(false);
      const refused = await attempt('wrong');
      if (refused === true || refused === false) throw new Error('expected a lockout');
      clock.advance((refused.retryAfterSeconds ?? 0) * 1000);
      return refused.retryAfterSeconds;
    };
    const durations: (number | undefined)[] = [];
    for (let n = 0; n < 8; n++) durations.push(await lockFor());
    expect(durations).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600]);

    // A success clears the count and the lockout history: four failures after it do not lock.
    expect(await attempt(PASSWORD)).toBe(true);
    for (let i = 0; i < 4; i++) expect(await attempt('wrong')).toBe(false);
    expect(await attempt(PASSWORD)).toBe(true);
    expect(await attempt('wrong')).toBe(false);
    expect(lockouts).toHaveLength(8);
  });

  it('A3 concurrent guesses cannot pass the bound: at most five reach the directory', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(`guess ${i}`)));
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a === false)).toHaveLength(checked.length);
    expect(answers.filter((a) => typeof a === 'object')).toHaveLength(20 - checked.length);
    expect(await attempt(PASSWORD)).toMatchObject({ status: 429 });
  });

  it('A3 each user, each pool and the login have counters of their own', async () => {
    for (let i = 0; i < 5; i++) expect(await attempt('wrong', 'kim', 'reauth')).toBe(false);
    expect(await attempt(PASSWORD, 'kim', 'reauth')).toMatchObject({ status: 429 });
    expect(await attempt(PASSWORD, 'lee', 'reauth')).toBe(true);
    expect(await attempt(PASSWORD, 'kim', 'admin-reauth')).toBe(true);
    const keys = [reauthKey('reauth', 'kim'), reauthKey('admin-reauth', 'kim')];
    expect(new Set(keys.map((k) => k.pk)).size).toBe(2);
    const login = Object.values(attemptKeys({ username: 'kim', ip: '203.0.113.7' }).counters);
    expect(login.map((k) => k.pk)).not.toContain(keys[0]?.pk);
    expect(keys[0]?.pk).not.toContain('kim');
  });

  it('A3 the decorator guards reauthenticate only and leaves the provider’s other members its own', async () => {
    const guarded = guardedReauth(directory, guard, 'reauth');
    for (let i = 0; i < 5; i++) expect(await guarded.reauthenticate('kim', 'wrong')).toBe(false);
    await expect(guarded.reauthenticate('kim', PASSWORD)).rejects.toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
    });
    expect(guarded.greeting()).toBe('checked 5');
    const failing = guardedReauth(
      {
        reauthenticate: vi.fn(
          async (_username: string, _password: string, _code?: string): Promise<boolean> => {
            throw new Error('directory down');
          },
        ),
      },
      guard,
      'reauth',
    );
    // An error is no answer: it propagates (and the attempt stays counted, fail closed).
    await expect(failing.reauthenticate('nia', PASSWORD)).rejects.toThrow('directory down');
  });
});
