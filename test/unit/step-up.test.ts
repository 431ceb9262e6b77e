// A9/B1: a fresh step-up of a session, as `GET /v1/me?reveal=contact` needs it, over an injected clock.
import { describe, expect, it } from 'vitest';
import { isFreshStepUp, STEP_UP, stepUpFreshUntil } from '../../lambdas/account/step-up.js';

const at = new Date('2026-12-01T10:00:00.000Z');
const plus = (seconds: number) => new Date(at.getTime() + seconds * 1000);

describe('step-up freshness', () => {
  it(`A9 a step-up is fresh for ${STEP_UP.freshMinutes} minutes, then no longer`, () => {
    const iso = at.toISOString();
    expect(isFreshStepUp(iso, at)).toBe(true);
    expect(isFreshStepUp(iso, plus(STEP_UP.freshMinutes * 60 - 1))).toBe(true);
    expect(isFreshStepUp(iso, plus(STEP_UP.freshMinutes * 60))).toBe(false);
    expect(stepUpFreshUntil(at).toISOString()).toBe(plus(STEP_UP.freshMinutes * 60).toISOString());
  });

  it('A9 no step-up, a malformed one or one dated in the future is not fresh', () => {
    expect(isFreshStepUp(undefined, at)).toBe(false);
    expect(isFreshStepUp('not a time', at)).toBe(false);
    expect(isFreshStepUp(plus(60).toISOString(), at)).toBe(false);
  });
});
