// F7: a user reports suspicious activity (a phishing message, a login they do not recognise, a withdrawal
// they did not make). Each report opens a case of kind `user-report` through the same seam as screening and
// withdrawal reviews, its report row written in the same transaction. The user sees their reports with a
// coarse status only (case-status.ts `userStatusOf`): never the case's own status, its notes, its other
// signals or whether it was reported to the FIU (tipping-off, docs/cases.md).
import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { TooManyRequests } from '../kernel/errors.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { EvidenceRef } from './case-record.js';
import { type UserReportStatus, userStatusOf } from './case-status.js';
import type { CaseStore, UserReport } from './case-store.js';
import type { CaseWork } from './case-work.js';

export const REPORT_CATEGORIES = ['phishing', 'unknown-login', 'withdrawal-not-mine', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export const REPORT_RULES = Object.freeze({
  /** The free text, in characters. */
  maxTextLength: 2000,
  /** Reports a user may file in any rolling 24 hours (each opens a case a person reads). */
  maxPerDay: 5,
});

const refId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'an id of letters, digits, - and _'));

export const userReportBody = z.strictObject({
  category: z.enum(REPORT_CATEGORIES),
  /** What happened, in the user's words. */
  description: z.string().check(z.minLength(10), z.maxLength(REPORT_RULES.maxTextLength)),
  /** When it happened, if the user knows. */
  occurredAt: z.optional(z.iso.datetime()),
  /** The withdrawal the user did not make (`withdrawal-not-mine`). */
  withdrawalId: z.optional(refId),
  /** The session of the login the user does not recognise (`unknown-login`), from their session list. */
  sessionId: z.optional(refId),
});
export type UserReportBody = z.infer<typeof userReportBody>;

export const userReportView = z.object({
  reportId: z.string(),
  category: z.enum(REPORT_CATEGORIES),
  createdAt: z.iso.datetime(),
  /** received → under-review → closed: nothing finer (tipping-off). */
  status: z.enum(['received', 'under-review', 'closed']),
});
export type UserReportView = z.infer<typeof userReportView>;
export const userReportsResponse = z.object({ reports: z.array(userReportView) });

const DAY = 86_400_000;

export interface UserReportPorts {
  cases: Pick<CaseStore, 'reports' | 'reportWrite' | 'get'>;
  caseWork: Pick<CaseWork, 'openCase'>;
  clock: Clock;
}

export async function fileReport(
  ports: UserReportPorts,
  userId: string,
  body: UserReportBody,
): Promise<UserReportView> {
  const now = ports.clock.now();
  const recent = (await ports.cases.reports(userId, REPORT_RULES.maxPerDay + 1)).filter(
    (r) => Date.parse(r.at) > now.getTime() - DAY,
  );
  if (recent.length >= REPORT_RULES.maxPerDay) {
    const oldest = Math.min(...recent.map((r) => Date.parse(r.at)));
    throw new TooManyRequests(
      `At most ${REPORT_RULES.maxPerDay} reports can be filed in 24 hours`,
      Math.max(1, Math.ceil((oldest + DAY - now.getTime()) / 1000)),
    );
  }
  const reportId = `rep_${randomBytes(12).toString('base64url')}`;
  const at = now.toISOString();
  const evidence: EvidenceRef[] = [
    { kind: 'report', id: reportId, at },
    ...(body.withdrawalId ? [{ kind: 'withdrawal' as const, id: body.withdrawalId }] : []),
    ...(body.sessionId ? [{ kind: 'session' as const, id: body.sessionId }] : []),
  ];
  // The report row is written in the new case's transaction, naming it.
  const report = (caseId: string): UserReport => ({ reportId, userId, category: body.category, at, caseId });
  await ports.caseWork.openCase(
    {
      subject: { userId },
      kind: 'user-report',
      signals: [
        {
          code: `USER_REPORT_${body.category.toUpperCase().replaceAll('-', '_')}`,
          detail: body.description,
          ...(body.occurredAt ? { facts: { occurredAt: body.occurredAt } } : {}),
        },
      ],
      evidence,
      source: { kind: 'user-report', id: reportId },
    },
    { kind: 'user', id: userId },
    (c) => [ports.cases.reportWrite(report(c.caseId))],
  );
  return { reportId, category: body.category, createdAt: at, status: 'received' };
}

export async function listReports(
  ports: Pick<UserReportPorts, 'cases'>,
  userId: string,
): Promise<UserReportView[]> {
  const rows = await ports.cases.reports(userId);
  return Promise.all(
    rows.map(async (r) => {
      const c = await ports.cases.get(r.caseId);
      const status: UserReportStatus = c ? userStatusOf(c.status) : 'received';
      return {
        reportId: r.reportId,
        category: r.category as ReportCategory,
        createdAt: r.at,
        status,
      };
    }),
  );
}
