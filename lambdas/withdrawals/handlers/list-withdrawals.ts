// GET /v1/me/withdrawals (C2): the caller's withdrawals, newest first, a page at a time: status, decision and
// transfer reference; never the risk score, its signals, the source IP or the device.

import { callerOf, httpHandler, lazyHandler } from '../../kernel/http.js';
import { pageLimit, type WithdrawalView, withdrawalsQuery, withdrawalsResponse } from '../contracts.js';
import type { WithdrawalHistory } from '../history.js';
import type { WithdrawalRecord } from '../record.js';
import { awsWithdrawalHistory } from '../wiring.js';

export const viewOf = (w: WithdrawalRecord): WithdrawalView => ({
  withdrawalId: w.withdrawalId,
  asset: w.asset,
  amount: w.amount,
  addressMasked: w.addressMasked,
  speed: w.speed,
  status: w.status,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
  ...(w.decision ? { decision: { outcome: w.decision.outcome, at: w.decision.at } } : {}),
  ...(w.dispatch ? { transferRef: w.dispatch.transferRef } : {}),
});

export const makeHandler = (ports: { withdrawalHistory: Pick<WithdrawalHistory, 'page'> }) =>
  httpHandler({ query: withdrawalsQuery }, async (request, event) => {
    const caller = callerOf(event);
    const page = await ports.withdrawalHistory.page(caller.userId, {
      limit: pageLimit(request.query.limit),
      ...(request.query.cursor ? { after: request.query.cursor } : {}),
    });
    return {
      body: withdrawalsResponse.parse({
        withdrawals: page.withdrawals.map(viewOf),
        ...(page.next ? { next: page.next } : {}),
      }),
    };
  });

export const handler = lazyHandler(() => makeHandler({ withdrawalHistory: awsWithdrawalHistory() }));
