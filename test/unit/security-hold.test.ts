// B2: the hold rule. A change holds withdrawals until changedAt + holdHours; a later change extends the end,
// never shortens it; the end time alone ends the hold; only the execution of the current end clears it.
import { describe, expect, it } from 'vitest';
import { holdDurationMs, parseSettings } from '../../lambdas/kernel/settings.js';
import { applyChange, clearDecision, holdStatus } from '../../lambdas/security/hold.js';
import { holdExecutionName } from '../../lambdas/security/security-changes.js';

const HOUR = 3_600_000;
const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const HOLD = holdDurationMs(parseSettings({}));

describe('B2 hold rule', () => {
  it('B2 the default hold is 72 hours from the change', () => {
    expect(HOLD).toBe(72 * HOUR);
    const state = applyChange(undefined, { kind: 'totp-disabled', at: T0 }, HOLD);
    expect(state).toEqual({
      holdActive: true,
      holdEndsAt: at(72 * HOUR).toISOString(),
      lastChange: { kind: 'totp-disabled', at: T0.toISOString() },
    });
  });

  it('B2 a later change extends the end', () => {
    const first = applyChange(undefined, { kind: 'totp-disabled', at: T0 }, HOLD);
    const second = applyChange(first, { kind: 'pgp-key-set', at: at(10 * HOUR) }, HOLD);
    expect(second.holdEndsAt).toBe(at(82 * HOUR).toISOString());
    expect(second.lastChange).toEqual({ kind: 'pgp-key-set', at: at(10 * HOUR).toISOString() });
  });

  it('B2 a change never shortens the end (a shorter setting, an older change)', () => {
    const first = applyChange(undefined, { kind: 'totp-disabled', at: T0 }, HOLD);
    const shorter = applyChange(first, { kind: 'pgp-key-removed', at: at(HOUR) }, 1 * HOUR);
    expect(shorter.holdEndsAt).toBe(first.holdEndsAt);
    const older = applyChange(first, { kind: 'pgp-key-removed', at: at(-HOUR) }, HOLD);
    expect(older.holdEndsAt).toBe(first.holdEndsAt);
    expect(older.lastChange).toEqual(first.lastChange);
  });

  it('B2 a cleared hold restarts on the next change', () => {
    const cleared = {
      ...applyChange(undefined, { kind: 'totp-disabled', at: T0 }, HOLD),
      holdActive: false,
    };
    const next = applyChange(cleared, { kind: 'duress-password-set', at: at(100 * HOUR) }, HOLD);
    expect(holdStatus(next, at(101 * HOUR))).toEqual({ active: true, endsAt: at(172 * HOUR).toISOString() });
  });

  it('B2 the hold expires by the injected clock, even before the workflow clears it', () => {
    const state = applyChange(undefined, { kind: 'totp-disabled', at: T0 }, HOLD);
    expect(holdStatus(state, at(71 * HOUR + 59 * 60_000))).toEqual({
      active: true,
      endsAt: state.holdEndsAt,
    });
    expect(holdStatus(state, at(72 * HOUR))).toEqual({ active: false });
    expect(holdStatus(state, at(72 * HOUR + 60_000))).toEqual({ active: false });
    expect(holdStatus(undefined, T0)).toEqual({ active: false });
    expect(holdStatus({ ...state, holdActive: false }, T0)).toEqual({ active: false });
  });

  it('B2 only the execution of the current end clears, and only once it has passed', () => {
    const first = applyChange(undefined, { kind: 'totp-disabled', at: T0 }, HOLD);
    const end1 = first.holdEndsAt as string;
    expect(clearDecision(first, end1, at(71 * HOUR))).toBe('not-over');
    expect(clearDecision(first, end1, at(72 * HOUR))).toBe('clear');
    const second = applyChange(first, { kind: 'pgp-key-set', at: at(HOUR) }, HOLD);
    expect(clearDecision(second, end1, at(72 * HOUR))).toBe('superseded');
    expect(clearDecision(second, second.holdEndsAt as string, at(73 * HOUR))).toBe('clear');
    expect(clearDecision({ ...second, holdActive: false }, second.holdEndsAt as string, at(74 * HOUR))).toBe(
      'already-cleared',
    );
    expect(clearDecision(undefined, end1, at(80 * HOUR))).toBe('superseded');
  });

  it('B2 one execution name per user and end, within Step Functions rules', () => {
    const name = holdExecutionName('8f14e45f-ceea-467f-a0e6-b0b1a2c3d4e5', at(72 * HOUR).toISOString());
    expect(name).toMatch(/^[0-9A-Za-z_-]{1,80}$/);
    expect(name).toBe(holdExecutionName('8f14e45f-ceea-467f-a0e6-b0b1a2c3d4e5', at(72 * HOUR).toISOString()));
  });
});
