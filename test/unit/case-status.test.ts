import { describe, expect, it } from 'vitest';
import {
  CASE_STATUSES,
  CASE_STEPS,
  isClosed,
  nextStatus,
  stepsFrom,
  userStatusOf,
} from '../../lambdas/cases/case-status.js';

describe('F3 case statuses', () => {
  it('F3 a case goes open → investigating → escalated → reported', () => {
    expect(nextStatus('open', 'investigate')).toBe('investigating');
    expect(nextStatus('investigating', 'escalate')).toBe('escalated');
    expect(nextStatus('escalated', 'report')).toBe('reported');
  });

  it('F3 a case is dismissed from any open status, reported only after an investigation', () => {
    for (const from of ['open', 'investigating', 'escalated'] as const) {
      expect(nextStatus(from, 'dismiss')).toBe('dismissed');
    }
    expect(nextStatus('open', 'report')).toBeUndefined();
    expect(nextStatus('investigating', 'report')).toBe('reported');
  });

  it('F3 a closed case reopens into investigating; an open one cannot be reopened', () => {
    expect(nextStatus('dismissed', 'reopen')).toBe('investigating');
    expect(nextStatus('reported', 'reopen')).toBe('investigating');
    expect(nextStatus('open', 'reopen')).toBeUndefined();
    expect(nextStatus('investigating', 'reopen')).toBeUndefined();
  });

  it('F3 a closed case takes no step but reopen, and no step skips a status', () => {
    for (const status of CASE_STATUSES) {
      if (isClosed(status)) expect(stepsFrom(status)).toEqual(['reopen']);
    }
    expect(nextStatus('open', 'escalate')).toBeUndefined();
    expect(nextStatus('escalated', 'investigate')).toBeUndefined();
    // The full table: 5 statuses × 5 steps, exactly these 9 transitions.
    const allowed = CASE_STATUSES.flatMap((s) =>
      CASE_STEPS.flatMap((step) => (nextStatus(s, step) ? [`${s}-${step}->${nextStatus(s, step)}`] : [])),
    );
    expect(allowed.sort()).toEqual(
      [
        'dismissed-reopen->investigating',
        'escalated-dismiss->dismissed',
        'escalated-report->reported',
        'investigating-dismiss->dismissed',
        'investigating-escalate->escalated',
        'investigating-report->reported',
        'open-dismiss->dismissed',
        'open-investigate->investigating',
        'reported-reopen->investigating',
      ].sort(),
    );
  });

  it('F7 the reporting user sees a coarse status only: escalated looks like investigating, reported like dismissed', () => {
    expect(userStatusOf('open')).toBe('received');
    expect(userStatusOf('investigating')).toBe('under-review');
    expect(userStatusOf('escalated')).toBe('under-review');
    expect(userStatusOf('reported')).toBe('closed');
    expect(userStatusOf('dismissed')).toBe('closed');
  });
});
