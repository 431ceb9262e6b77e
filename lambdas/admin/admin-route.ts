// D1: the one enforcement point of the permission matrix on the admin API. Every `auth: 'admin'` route of the
// catalogue declares the capability it needs (`admin.permission`, a capability of permissions.ts) and its
// handler is built with `adminHttpHandler` naming the same capability (test/unit/admin-routes.test.ts holds
// the two together for every admin route). Before the body is read and before the route's logic runs, the
// caller must be an admin (401 otherwise) whose tiers hold the capability (403 `TIER_NOT_ALLOWED` otherwise).
// Which tier may request or approve one particular action stays in the request's rules (approval.ts), which
// ask the same module (`mayRequest`, `mayApprove`). D3: every 403 here is an `admin.refused` audit record
// (route, capability, tiers, actor), within the refusal evidence's bound (refusal-evidence.ts).
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
import type { RefusalEvidence } from './refusal-evidence.js';

/** What an admin route declares in the catalogue (required for `auth: 'admin'`). */
export interface AdminRouteNeeds {
  permission: AdminCapability;
}

/** The approval policies decide who approves (`approve`, `reject`, `read-withdrawal-reviews`). */
export interface AdminRoutePorts {
  settings: Pick<Settings, 'approvalPolicies'>;
  /** D3: where a refusal is recorded (the audit chain, bounded per admin). */
  refusals: Pick<RefusalEvidence, 'record'>;
}

/** The caller's admin identity, or undefined when their tiers do not hold `permission`. */
function permittedCaller(
  event: APIGatewayProxyEvent,
  permission: AdminCapability,
  ports: Pick<AdminRoutePorts, 'settings'>,
): AdminCaller | undefined {
  const caller = adminCallerOf(event);
  return holdsCapability(caller.tiers, permission, ports.settings.approvalPolicies) ? caller : undefined;
}

/** The caller's admin identity, refused with 401 / 403 (recorded) unless their tiers hold `permission`. */
export async function authorizeAdmin(
  event: APIGatewayProxyEvent,
  permission: AdminCapability,
  ports: AdminRoutePorts,
): Promise<AdminCaller> {
  const caller = adminCallerOf(event);
  if (permittedCaller(event, permission, ports)) return caller;
  logger.info('admin route refused', { adminId: caller.adminId, tiers: caller.tiers, permission });
  const identity = event.requestContext?.identity;
  await ports.refusals.record(
    { kind: 'admin', id: caller.adminId },
    {
      actor: { kind: 'admin', id: caller.adminId, tier: caller.tiers.join(',').slice(0, 32) },
      action: 'admin.refused',
      target: { kind: 'admin', id: caller.adminId },
      ...(identity?.sourceIp ? { sourceIp: identity.sourceIp.slice(0, 64) } : {}),
      ...(event.requestContext?.requestId ? { requestId: event.requestContext.requestId.slice(0, 128) } : {}),
      details: {
        route: `${event.httpMethod} ${event.resource ?? event.path}`.slice(0, 200),
        permission,
        tiers: caller.tiers.join(','),
        sessionId: caller.sessionId,
        code: 'TIER_NOT_ALLOWED',
      },
    },
  );
  throw new Forbidden(`Your tiers do not grant ${permission}`, 'TIER_NOT_ALLOWED');
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
    {
      ...contract,
      authorize: async (event) => {
        await authorizeAdmin(event, needs.permission, ports);
      },
    },
    // The check ran before the body was read; the caller is derived again from the same verified context.
    (request, event) => {
      const caller = permittedCaller(event, needs.permission, ports);
      if (!caller) throw new Forbidden(`Your tiers do not grant ${needs.permission}`, 'TIER_NOT_ALLOWED');
      return logic(request, event, caller);
    },
  );
}
