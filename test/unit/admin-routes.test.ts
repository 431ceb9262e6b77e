// D1: one enforcement point for the permission matrix. Every `auth: 'admin'` route of the catalogue declares
// the capability it needs, and its handler refuses (403) every tier without it before reading the body or
// touching any port; a tier holding it gets past the middleware.
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ADMIN_CAPABILITIES, holdsCapability } from '../../lambdas/admin/permissions.js';
import type { RefusalEvent } from '../../lambdas/admin/refusal-evidence.js';
import { ROUTES } from '../../lambdas/catalogue.js';
import { ADMIN_TIERS, type AdminTier, parseSettings } from '../../lambdas/kernel/settings.js';

const settings = parseSettings({});
const context = { awsRequestId: 'req-1', functionName: 'test' } as Context;
const adminRoutes = ROUTES.filter((r) => r.auth === 'admin');

const eventFor = (tiers: readonly string[], body?: string): APIGatewayProxyEvent =>
  ({
    httpMethod: 'POST',
    path: '/v1/admin/x',
    headers: { 'content-type': 'application/json' },
    body: body ?? null,
    isBase64Encoded: false,
    queryStringParameters: { status: 'pending' },
    pathParameters: { requestId: 'r1', userId: 'u1' },
    requestContext: {
      identity: { sourceIp: '198.51.100.1' },
      authorizer: {
        principal: 'admin',
        adminId: 'adm-1',
        username: 'ada',
        sessionId: 's-1',
        tiers: tiers.join(','),
      },
    },
  }) as unknown as APIGatewayProxyEvent;

/**
 * Ports that answer `settings` and `refusals` (D3: the refusal's record, kept here) and fail the test loudly on
 * anything else: the route's logic ran.
 */
function portsTouched(): { ports: Record<string, unknown>; touched: string[]; recorded: RefusalEvent[] } {
  const touched: string[] = [];
  const recorded: RefusalEvent[] = [];
  const refusals = {
    record: async (_key: unknown, event: RefusalEvent) => {
      recorded.push(event);
      return true;
    },
  };
  const ports = new Proxy({} as Record<string, unknown>, {
    get(_target, name) {
      if (name === 'settings') return settings;
      if (name === 'refusals') return refusals;
      if (typeof name === 'string' && name !== 'then') touched.push(name);
      throw new Error(`port ${String(name)} used`);
    },
  });
  return { ports, touched, recorded };
}

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

async function handlerOf(entry: string, ports: Record<string, unknown>): Promise<Handler> {
  const module = (await import(join(process.cwd(), entry))) as { makeHandler: (ports: unknown) => Handler };
  return module.makeHandler(ports);
}

describe('D1 admin routes: one middleware enforces the matrix', () => {
  it('D1 every admin route declares a capability of the matrix, and the matrix has no unused capability', () => {
    expect(adminRoutes.length).toBeGreaterThanOrEqual(7);
    for (const route of adminRoutes) {
      expect(route.path.startsWith('/v1/admin/'), route.id).toBe(true);
      expect(ADMIN_CAPABILITIES, route.id).toContain(route.admin?.permission);
    }
    const used = new Set(adminRoutes.map((r) => r.admin?.permission));
    expect([...used].sort()).toEqual([...ADMIN_CAPABILITIES].sort());
  });

  for (const route of adminRoutes) {
    const permission = route.admin?.permission ?? 'session';
    const refused = ADMIN_TIERS.filter((t) => !holdsCapability([t], permission, settings.approvalPolicies));
    const allowed = ADMIN_TIERS.filter((t) => holdsCapability([t], permission, settings.approvalPolicies));

    it(`D1 ${route.id} (${permission}): tiers without it get 403 before any port or body is read`, async () => {
      for (const tier of refused) {
        const { ports, touched, recorded } = portsTouched();
        const handler = await handlerOf(route.entry, ports);
        // A body that would fail validation: the refusal comes first, whatever was sent.
        const res = await handler(eventFor([tier], '{"unexpected": true}'), context);
        expect(res.statusCode, `${route.id} as ${tier}`).toBe(403);
        expect(JSON.parse(res.body).error.code).toBe('TIER_NOT_ALLOWED');
        expect(touched, `${route.id} as ${tier}`).toEqual([]);
        // D3: the refusal is evidence: one `admin.refused` record naming the admin, capability and tier.
        expect(recorded, `${route.id} as ${tier}`).toEqual([
          expect.objectContaining({
            action: 'admin.refused',
            actor: { kind: 'admin', id: 'adm-1', tier },
            details: expect.objectContaining({ permission, tiers: tier, code: 'TIER_NOT_ALLOWED' }),
          }),
        ]);
      }
    });

    it(`D1 ${route.id} (${permission}): tiers holding it pass the middleware`, async () => {
      expect(allowed.length, route.id).toBeGreaterThan(0);
      for (const tier of allowed) {
        const { ports } = portsTouched();
        const handler = await handlerOf(route.entry, ports);
        const res = await handler(eventFor([tier]), context);
        expect(res.statusCode, `${route.id} as ${tier}`).not.toBe(403);
      }
    });
  }

  it('D1 an unknown group or a user context on an admin route is 401, not a pass', async () => {
    const route = adminRoutes[0] as (typeof adminRoutes)[number];
    const { ports, touched } = portsTouched();
    const handler = await handlerOf(route.entry, ports);
    expect((await handler(eventFor(['root']), context)).statusCode).toBe(401);
    const user = eventFor(['support']);
    (user.requestContext as unknown as { authorizer: unknown }).authorizer = {
      userId: 'u1',
      sessionId: 's',
      username: 'kim',
    };
    expect((await handler(user, context)).statusCode).toBe(401);
    expect(touched).toEqual([]);
  });

  it('D1 capabilities under the default policies: support may not approve or read withdrawal reviews', () => {
    const holds = (tier: AdminTier, c: (typeof ADMIN_CAPABILITIES)[number]) =>
      holdsCapability([tier], c, settings.approvalPolicies);
    expect(holds('support', 'request')).toBe(true);
    expect(holds('support', 'approve')).toBe(false);
    expect(holds('support', 'reject')).toBe(true); // withdrawing their own request
    expect(holds('support', 'read-withdrawal-reviews')).toBe(false);
    expect(holds('operations', 'read-withdrawal-reviews')).toBe(false);
    expect(holds('compliance', 'read-withdrawal-reviews')).toBe(true);
    expect(holds('security', 'read-withdrawal-reviews')).toBe(true);
    expect(holds('superadmin', 'read-withdrawal-reviews')).toBe(false); // no withdrawals view
    expect(holds('superadmin', 'read-users')).toBe(true);
    const configured = parseSettings({
      approvalPolicies: {
        'decide-withdrawal': { approvals: 1, approverTiers: ['operations'], expiryHours: 24 },
      },
    }).approvalPolicies;
    expect(holdsCapability(['operations'], 'read-withdrawal-reviews', configured)).toBe(true);
    expect(holdsCapability(['support', 'root'], 'approve', settings.approvalPolicies)).toBe(false);
  });

  it('X5 D3 read-audit is the audit view: compliance, security and superadmin read the chain; support and operations never', () => {
    const holds = (tier: AdminTier) => holdsCapability([tier], 'read-audit', settings.approvalPolicies);
    expect(ADMIN_TIERS.filter(holds)).toEqual(['compliance', 'security', 'superadmin']);
    const route = adminRoutes.find((r) => r.id === 'AdminGetAudit');
    expect(route?.admin?.permission).toBe('read-audit');
    expect(adminRoutes.find((r) => r.id === 'AdminFindUser')?.admin?.permission).toBe('read-users');
  });
});
