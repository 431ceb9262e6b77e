// F3: the life of a case as a pure state machine: which step moves a case from which status to which.
// open → investigating → escalated → reported | dismissed, and a closed case (reported, dismissed) reopens
// into investigating. The closing steps (dismiss, report) are never taken by a route: they are requests in
// the admin approval plane (lambdas/admin/actions.ts `dismiss-case`, `report-case`), executed once approved.
// The user who reported never sees these statuses, only the coarse one of `userStatusOf` (tipping-off).

export const CASE_STATUSES = ['open', 'investigating', 'escalated', 'reported', 'dismissed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_STEPS = ['investigate', 'escalate', 'dismiss', 'report', 'reopen'] as const;
export type CaseStep = (typeof CASE_STEPS)[number];

/** The one table of allowed transitions: step → (from → to). */
export const CASE_TRANSITIONS: Readonly<Record<CaseStep, Readonly<Partial<Record<CaseStatus, CaseStatus>>>>> =
  {
    investigate: { open: 'investigating' },
    escalate: { investigating: 'escalated' },
    // A case may be dismissed at any point before it is closed (a report that proves a mistake).
    dismiss: { open: 'dismissed', investigating: 'dismissed', escalated: 'dismissed' },
    // A report needs an investigation first.
    report: { investigating: 'reported', escalated: 'reported' },
    // New information reopens a closed case; it is worked again.
    reopen: { dismissed: 'investigating', reported: 'investigating' },
  };

/** The steps that close a case: only through the approval plane (maker ≠ checker, compliance approves). */
export const CLOSING_STEPS: readonly CaseStep[] = ['dismiss', 'report'];

export const isClosed = (status: CaseStatus): boolean => status === 'reported' || status === 'dismissed';

/** The status `step` leads to from `from`, or undefined when the step does not apply. */
export function nextStatus(from: CaseStatus, step: CaseStep): CaseStatus | undefined {
  return CASE_TRANSITIONS[step][from];
}

/** The steps that apply to a case in `status` (what an admin view offers). */
export function stepsFrom(status: CaseStatus): CaseStep[] {
  return CASE_STEPS.filter((step) => nextStatus(status, step) !== undefined);
}

/**
 * F7 tipping-off: the only status a reporting user sees. Investigating and escalated look the same, and a
 * filed report looks like a dismissal: both are `closed`.
 */
export const USER_REPORT_STATUSES = ['received', 'under-review', 'closed'] as const;
export type UserReportStatus = (typeof USER_REPORT_STATUSES)[number];

export function userStatusOf(status: CaseStatus): UserReportStatus {
  if (status === 'open') return 'received';
  return isClosed(status) ? 'closed' : 'under-review';
}
