// D1: the one enforcement point of the permission matrix on the admin API. Every `auth: 'admin'` route of the
// catalogue declares the capability it needs (`admin.permission`, a capability of permissions.ts) and its
// handler is built with `adminHttpHandler` naming the same capability (test/unit/admin-routes.test.ts holds
// the two together for every admin route). Before the body is read and before the route's logic runs, the
// caller must be an admin (401 otherwise) whose tiers hold the capability (403 `TIER_NOT_ALLOWED` otherwise).
// Which tier may request or approve one particular action stays in the request's rules (approval.ts), which
// ask the same module (`mayRequest`, `mayApprove`).
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { Forbidden } from '../kernel/errors.js';
import {
  type AdminCaller,
  adminCallerOf,
  type HttpRequest,
  type HttpResult,
  httpHandler,
  type RouteContract,
} from '../kernel/http.js';
import { logger } from '../kernel/observability.js';
import type { Settings } from '../kernel/settings.js';
import { type AdminCapability, holdsCapability } from './permissions.js';

/** What an admin route declares in the catalogue (required for `auth: 'admin'`). */
export interface AdminRouteNeeds {
  permission: AdminCapability;
}

/** The approval policies decide who approves (`approve`, `reject`, `read-withdrawal-reviews`). */
export interface AdminRoutePorts {
  settings: Pick<Settings, 'approvalPolicies'>;
}

/** The caller's admin identity, refused with 401 / 403 unless their tiers hold `permission`. */
export function authorizeAdmin(
  event: APIGatewayProxyEvent,
  permission: AdminCapability,
  ports: AdminRoutePorts,
): AdminCaller {
  const caller = adminCallerOf(event);
  if (!holdsCapability(caller.tiers, permission, ports.settings.approvalPolicies)) {
    logger.info('admin route refused', { adminId: caller.adminId, tiers: caller.tiers, permission });
    throw new Forbidden(`Your tiers do not grant ${permission}`, 'TIER_NOT_ALLOWED');
  }
  return caller;
}

/** `httpHandler` for an admin route: the capability is checked first, then the contract, then `logic`. */
export function adminHttpHandler<B = undefined, Q = undefined>(
  needs: AdminRouteNeeds,
  ports: AdminRoutePorts,
  contract: Omit<RouteContract<B, Q>, 'authorize'>,
  logic: (
    request: HttpRequest<B, Q>,
    event: APIGatewayProxyEvent,
    caller: AdminCaller,
  ) => Promise<HttpResult>,
) {
  return httpHandler<B, Q>(
    { ...contract, authorize: (event) => authorizeAdmin(event, needs.permission, ports) },
    // The check ran before the body was read; the caller is derived again from the same verified context.
    (request, event) => logic(request, event, authorizeAdmin(event, needs.permission, ports)),
  );
}
