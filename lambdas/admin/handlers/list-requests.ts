// GET /v1/admin/requests?status=pending (D2): the pending requests the caller may approve now — not their own,
// not approved by them yet, one of their tiers allowed by the request's policy — soonest expiry first.
// D5: a change of a user's email or phone shows the new value masked; that is a read of the user's personal
// data, audited like the account view: one `admin.read-personal-data` record per user named by the listing.

import type { AuditLog } from '../../kernel/audit/audit-log.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { Settings } from '../../kernel/settings.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import type { AdminRequest } from '../approval.js';
import { listRequestsQuery, requestsResponse } from '../contracts.js';
import { adminActor, sealsParameters, viewOf } from '../plane.js';
import type { AdminRequestStore } from '../request-store.js';
import { awsAdminRequests, awsRefusalEvidence } from '../wiring.js';

export interface ListRequestsPorts {
  adminRequests: Pick<AdminRequestStore, 'listPending'>;
  audit: Pick<AuditLog, 'append'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
  clock: Clock;
}

/** The users whose personal data the listing shows (masked), with the fields and the requests showing them. */
function personalReads(
  requests: readonly AdminRequest[],
): Map<string, { fields: Set<string>; ids: string[] }> {
  const reads = new Map<string, { fields: Set<string>; ids: string[] }>();
  for (const request of requests) {
    if (request.target.kind !== 'user' || !sealsParameters(request.action)) continue;
    const entry = reads.get(request.target.id) ?? { fields: new Set<string>(), ids: [] };
    for (const field of Object.keys(request.parameters)) entry.fields.add(field);
    entry.ids.push(request.requestId);
    reads.set(request.target.id, entry);
  }
  return reads;
}

export const makeHandler = (ports: ListRequestsPorts) =>
  adminHttpHandler(
    { permission: 'read-requests' },
    ports,
    { query: listRequestsQuery },
    async (request, _event, caller) => {
      const now = ports.clock.now();
      const pending = await ports.adminRequests.listPending(now, {
        adminId: caller.adminId,
        tiers: caller.tiers,
      });
      // The evidence is written before the data is shown (a failed append answers 5xx, nothing shown).
      for (const [userId, read] of personalReads(pending)) {
        await ports.audit.append({
          actor: adminActor(caller),
          action: 'admin.read-personal-data',
          target: { kind: 'user', id: userId },
          outcome: 'success',
          at: now.toISOString(),
          sourceIp: request.sourceIp.slice(0, 64),
          requestId: request.requestId,
          details: {
            view: 'requests',
            masked: [...read.fields].sort().join(','),
            revealed: 'none',
            requests: read.ids.join(',').slice(0, 500),
          },
        });
      }
      return { body: requestsResponse.parse({ requests: pending.map(viewOf) }) };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({
    adminRequests: awsAdminRequests(),
    audit: aws.rows().audit,
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
