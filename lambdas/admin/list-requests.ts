// GET /v1/admin/requests?status=pending (D2): the pending requests the caller may approve now — not their own,
// not approved by them yet, one of their tiers allowed by the request's policy — soonest expiry first.

import { Forbidden } from '../shared/errors.js';
import { adminCallerOf, httpHandler, lazyHandler } from '../shared/http.js';
import { type Clock, systemClock } from '../shared/ports/clock.js';
import { awsAdminRequests } from './aws-ports.js';
import { listRequestsQuery, requestsResponse } from './contracts.js';
import { readScope } from './permissions.js';
import { viewOf } from './plane.js';
import type { AdminRequestStore } from './request-store.js';

export interface ListRequestsPorts {
  adminRequests: Pick<AdminRequestStore, 'listPending'>;
  clock: Clock;
}

export const makeHandler = (ports: ListRequestsPorts) =>
  httpHandler({ query: listRequestsQuery }, async (_request, event) => {
    const caller = adminCallerOf(event);
    if (!readScope(caller.tiers).views.includes('requests')) {
      throw new Forbidden('Your tiers may not read requests', 'TIER_NOT_ALLOWED');
    }
    const pending = await ports.adminRequests.listPending(ports.clock.now(), {
      adminId: caller.adminId,
      tiers: caller.tiers,
    });
    return { body: requestsResponse.parse({ requests: pending.map(viewOf) }) };
  });

export const handler = lazyHandler(() =>
  makeHandler({ adminRequests: awsAdminRequests(), clock: systemClock }),
);
