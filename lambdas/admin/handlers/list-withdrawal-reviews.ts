// GET /v1/admin/withdrawals?status=review (D2/C3): the withdrawals under investigation across users, for the
// admins who decide them (`read-withdrawal-reviews`: the withdrawals view held by a tier that may request or
// approve a `decide-withdrawal`), oldest first. Found through the review index (review-index.ts), each record
// read again and kept only if it is in review now. Shows the risk score and signals (source addresses in
// them masked), the masked destination, the amount, the user id and the times; never the task token (its own
// row, not read here). Every listed user's read is audited (D5), before the data is shown.

import type * as z from 'zod/mini';
import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { maskIpsIn } from '../../kernel/privacy/mask.js';
import type { Settings } from '../../kernel/settings.js';
import type { WithdrawalLifecycle, WithdrawalRow } from '../../withdrawals/contracts.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import {
  withdrawalReviewsQuery,
  withdrawalReviewsResponse,
  type withdrawalReviewView,
} from '../contracts.js';
import { adminActor } from '../plane.js';
import { awsRefusalEvidence, awsWithdrawalLifecycle } from '../wiring.js';

export interface ListWithdrawalReviewsPorts {
  withdrawalLifecycle: Pick<WithdrawalLifecycle, 'get' | 'reviews'>;
  audit: Pick<AuditLog, 'append'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
  clock: Clock;
}

const viewOf = (row: WithdrawalRow): z.infer<typeof withdrawalReviewView> => ({
  withdrawalId: row.withdrawalId,
  userId: row.userId,
  asset: row.asset,
  amount: row.amount,
  addressMasked: row.addressMasked,
  speed: row.speed,
  createdAt: row.createdAt,
  reviewStartedAt: row.updatedAt,
  risk: {
    score: row.risk.score,
    band: row.risk.band,
    signals: row.risk.signals.map((s) => ({ id: s.id, points: s.points, detail: maskIpsIn(s.detail) })),
  },
});

export const makeHandler = (ports: ListWithdrawalReviewsPorts) =>
  adminHttpHandler(
    { permission: 'read-withdrawal-reviews' },
    ports,
    { query: withdrawalReviewsQuery },
    async (request, _event, caller) => {
      const now = ports.clock.now();
      const open = await ports.withdrawalLifecycle.reviews.listOpen(now);
      const rows = await Promise.all(
        open.map(({ userId, withdrawalId }) => ports.withdrawalLifecycle.get(userId, withdrawalId)),
      );
      const inReview = rows.filter((row): row is WithdrawalRow => row?.status === 'review');
      const byUser = new Map<string, string[]>();
      for (const row of inReview)
        byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.withdrawalId]);
      for (const [userId, ids] of byUser) {
        await ports.audit.append({
          actor: adminActor(caller),
          action: 'admin.read-personal-data',
          target: { kind: 'user', id: userId },
          outcome: 'success',
          at: now.toISOString(),
          sourceIp: request.sourceIp.slice(0, 64),
          requestId: request.requestId,
          details: {
            view: 'withdrawals',
            masked: 'address,sourceIp',
            revealed: 'none',
            withdrawals: ids.join(',').slice(0, 500),
          },
        });
      }
      return { body: withdrawalReviewsResponse.parse({ withdrawals: inReview.map(viewOf) }) };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({
    withdrawalLifecycle: awsWithdrawalLifecycle(),
    audit: aws.rows().audit,
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
