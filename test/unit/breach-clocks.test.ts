import { describe, expect, it } from 'vitest';
import {
  allFiled,
  breachDeadlines,
  firedEvents,
  nextWake,
  overdue,
} from '../../lambdas/cases/breach-clocks.js';

const AWARE = '2026-03-02T10:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(AWARE) + hours * 3_600_000).toISOString();

describe('F6 breach clocks', () => {
  it('F6 the authority is due 72 h after awareness; a low-risk breach has no subject deadline', () => {
    const d = breachDeadlines({ awareAt: AWARE, severity: 'medium' });
    expect(d.map((x) => [x.report, x.due])).toEqual([['gdpr-authority', at(72)]]);
    expect(d[0]?.remindAt).toEqual([at(36)]);
    // A quarter of 72 h is 18 h before the deadline.
    expect(d[0]?.alarmAt).toBe(at(54));
  });

  it('F6 a high-risk breach adds the data subjects (Art. 34) with a 24 h target', () => {
    const d = breachDeadlines({ awareAt: AWARE, severity: 'high' });
    expect(d.map((x) => x.report)).toEqual(['gdpr-subjects', 'gdpr-authority']);
    expect(d[0]?.due).toBe(at(24));
  });

  it('F6 DORA: initial 4 h from classification (at most 24 h from awareness), intermediate 72 h, final one month later', () => {
    const d = breachDeadlines({ awareAt: AWARE, severity: 'low', dora: { classifiedAt: at(2) } });
    const due = Object.fromEntries(d.map((x) => [x.report, x.due]));
    expect(due['dora-initial']).toBe(at(6));
    expect(due['dora-intermediate']).toBe(at(74));
    expect(due['dora-final']).toBe('2026-04-05T12:00:00.000Z');
    // Classified late: the 24 h cap from awareness wins.
    const late = breachDeadlines({ awareAt: AWARE, severity: 'low', dora: { classifiedAt: at(22) } });
    expect(late.find((x) => x.report === 'dora-initial')?.due).toBe(at(24));
    // The alarm of a 4 h window is 1 h before it.
    expect(d.find((x) => x.report === 'dora-initial')?.alarmAt).toBe(at(5));
  });

  it('F6 the clock fires reminder, alarm and overdue of unfiled reports once each, in order', () => {
    const d = breachDeadlines({ awareAt: AWARE, severity: 'medium' });
    expect(firedEvents(d, [], AWARE, at(36)).map((e) => e.kind)).toEqual(['reminder']);
    expect(firedEvents(d, [], at(36), at(60)).map((e) => e.kind)).toEqual(['alarm']);
    expect(firedEvents(d, [], at(60), at(72)).map((e) => e.kind)).toEqual(['overdue']);
    // Filed: nothing fires and the workflow ends.
    expect(firedEvents(d, ['gdpr-authority'], AWARE, at(100))).toEqual([]);
    expect(allFiled(d, ['gdpr-authority'])).toBe(true);
    expect(nextWake(d, ['gdpr-authority'], at(1))).toBeUndefined();
  });

  it('F6 the next wake is the next event; an overdue report wakes it daily until filed', () => {
    const d = breachDeadlines({ awareAt: AWARE, severity: 'medium' });
    expect(nextWake(d, [], AWARE)).toBe(at(36));
    expect(nextWake(d, [], at(36))).toBe(at(54));
    expect(nextWake(d, [], at(54))).toBe(at(72));
    expect(nextWake(d, [], at(72))).toBe(at(96));
    expect(overdue(d, [], at(72))).toEqual(['gdpr-authority']);
    expect(overdue(d, [], at(71))).toEqual([]);
  });
});
