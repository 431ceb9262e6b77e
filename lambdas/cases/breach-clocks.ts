// F6: the breach-notification clocks, ONE source of truth for the workflow (breach-clock task), the admin
// views and the tests. Pure: every function takes the instants it works on; nothing reads a clock here.
//
// - GDPR Art. 33: the supervisory authority within 72 hours of becoming aware of the breach.
// - GDPR Art. 34: the data subjects "without undue delay" when the risk to them is high; the workflow mails
//   them at its first step, and this module gives that step an internal target (24 h) so it is also watched.
// - DORA Art. 19 with the RTS/ITS on major ICT-related incidents, where configured (settings `doraReporting`)
//   and the incident is classified major: the initial notification within 4 hours of classification and at
//   the latest 24 hours after awareness, the intermediate report within 72 hours of the initial one (here:
//   of classification, the latest it can be due), the final report one month after the intermediate one
//   (here: one month after its due time).
// Each deadline has reminders (half its window gone) and an alarm (a quarter of its window left, at most
// 24 hours before): the workflow audits them and emits the BreachDeadlineNear metric the alarm watches.

export const BREACH_SEVERITIES = ['low', 'medium', 'high'] as const;
export type BreachSeverity = (typeof BREACH_SEVERITIES)[number];

export const BREACH_REPORTS = [
  'gdpr-authority',
  'gdpr-subjects',
  'dora-initial',
  'dora-intermediate',
  'dora-final',
] as const;
export type BreachReport = (typeof BREACH_REPORTS)[number];

/** Who each report goes to: the evidence bundle is exported per authority. */
export const REPORT_AUTHORITY: Readonly<Record<BreachReport, 'dpa' | 'subjects' | 'dora-authority'>> = {
  'gdpr-authority': 'dpa',
  'gdpr-subjects': 'subjects',
  'dora-initial': 'dora-authority',
  'dora-intermediate': 'dora-authority',
  'dora-final': 'dora-authority',
};

const HOUR = 3_600_000;

export const BREACH_RULES = Object.freeze({
  gdprAuthorityHours: 72,
  /** Art. 34's "without undue delay", as the internal target the clock watches. */
  subjectsTargetHours: 24,
  doraInitialHours: 4,
  doraInitialCapHours: 24,
  doraIntermediateHours: 72,
  doraFinalMonths: 1,
  /** Reminders when these fractions of a window are gone. */
  reminderFractions: [0.5] as readonly number[],
  /** The alarm when this fraction of the window is left… */
  alarmFractionLeft: 0.25,
  /** …but never earlier than this before the deadline. */
  alarmMaxLeadHours: 24,
});

export interface BreachFacts {
  /** When the organisation became aware (the clocks' start under GDPR). */
  awareAt: string;
  severity: BreachSeverity;
  /** DORA: present when the incident is classified major and DORA reporting is configured. */
  dora?: { classifiedAt: string };
}

export interface Deadline {
  report: BreachReport;
  /** Start of the window (awareness or classification). */
  from: string;
  due: string;
  remindAt: string[];
  alarmAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.getTime();
}

function deadline(report: BreachReport, fromMs: number, dueMs: number): Deadline {
  const window = dueMs - fromMs;
  const lead = Math.min(window * BREACH_RULES.alarmFractionLeft, BREACH_RULES.alarmMaxLeadHours * HOUR);
  return {
    report,
    from: iso(fromMs),
    due: iso(dueMs),
    remindAt: BREACH_RULES.reminderFractions.map((f) => iso(fromMs + window * f)),
    alarmAt: iso(dueMs - lead),
  };
}

/** Every deadline an incident runs, in due order. */
export function breachDeadlines(facts: BreachFacts): Deadline[] {
  const aware = Date.parse(facts.awareAt);
  const out: Deadline[] = [deadline('gdpr-authority', aware, aware + BREACH_RULES.gdprAuthorityHours * HOUR)];
  if (facts.severity === 'high') {
    out.push(deadline('gdpr-subjects', aware, aware + BREACH_RULES.subjectsTargetHours * HOUR));
  }
  if (facts.dora) {
    const classified = Date.parse(facts.dora.classifiedAt);
    const initialDue = Math.min(
      classified + BREACH_RULES.doraInitialHours * HOUR,
      aware + BREACH_RULES.doraInitialCapHours * HOUR,
    );
    const intermediateDue = classified + BREACH_RULES.doraIntermediateHours * HOUR;
    out.push(deadline('dora-initial', Math.min(classified, initialDue), initialDue));
    out.push(deadline('dora-intermediate', classified, intermediateDue));
    out.push(
      deadline('dora-final', intermediateDue, addMonths(intermediateDue, BREACH_RULES.doraFinalMonths)),
    );
  }
  return out.sort((a, b) => a.due.localeCompare(b.due));
}

export type ClockEventKind = 'reminder' | 'alarm' | 'overdue';
export interface ClockEvent {
  report: BreachReport;
  kind: ClockEventKind;
  at: string;
}

const eventsOf = (d: Deadline): ClockEvent[] => [
  ...d.remindAt.map((at) => ({ report: d.report, kind: 'reminder' as const, at })),
  { report: d.report, kind: 'alarm', at: d.alarmAt },
  { report: d.report, kind: 'overdue', at: d.due },
];

/** The events of unfiled reports that fell due in (after, upTo]: what one run of the clock task reports. */
export function firedEvents(
  deadlines: readonly Deadline[],
  filed: readonly BreachReport[],
  after: string | undefined,
  upTo: string,
): ClockEvent[] {
  return deadlines
    .filter((d) => !filed.includes(d.report))
    .flatMap(eventsOf)
    .filter((e) => (after === undefined || e.at > after) && e.at <= upTo)
    .sort((a, b) => a.at.localeCompare(b.at));
}

/** An overdue, unfiled report wakes the clock (and its alarm) again this often until it is filed. */
export const OVERDUE_REPEAT_HOURS = 24;

/**
 * When the clock must wake next: the first event of an unfiled report after `now`, or, when only overdue
 * reports are left, OVERDUE_REPEAT_HOURS later; undefined when every report is filed.
 */
export function nextWake(
  deadlines: readonly Deadline[],
  filed: readonly BreachReport[],
  now: string,
): string | undefined {
  const open = deadlines.filter((d) => !filed.includes(d.report));
  if (open.length === 0) return undefined;
  const next = open
    .flatMap(eventsOf)
    .map((e) => e.at)
    .filter((at) => at > now)
    .sort();
  return next[0] ?? iso(Date.parse(now) + OVERDUE_REPEAT_HOURS * HOUR);
}

/** The unfiled reports past their deadline at `now`. */
export const overdue = (deadlines: readonly Deadline[], filed: readonly BreachReport[], now: string) =>
  deadlines.filter((d) => !filed.includes(d.report) && d.due <= now).map((d) => d.report);

/** Whether every deadline's report is filed: the workflow ends. */
export const allFiled = (deadlines: readonly Deadline[], filed: readonly BreachReport[]): boolean =>
  deadlines.every((d) => filed.includes(d.report));
