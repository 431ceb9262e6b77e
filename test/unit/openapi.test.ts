// Unit tests of the OpenAPI document (lambdas/openapi.ts): every parameter declared, every status with its
// error codes from the one registry, request bodies that refuse unknown fields, as the handlers do.
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ROUTES } from '../../lambdas/catalogue.js';
import { ERROR_CODES, type ErrorCode, statusesOf } from '../../lambdas/kernel/error-codes.js';
import { buildOpenApi, pathParametersOf } from '../../lambdas/openapi.js';

type CodesSchema = {
  allOf: [{ $ref: string }, { properties: { error: { properties: { code: { enum: string[] } } } } }];
};
const codesIn = (schema: CodesSchema | undefined) => schema?.allOf[1].properties.error.properties.code.enum;

type Operation = {
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: { additionalProperties?: unknown } }> };
  responses: Record<
    string,
    {
      headers?: Record<string, { required: boolean }>;
      content?: Record<string, { schema: CodesSchema }>;
    }
  >;
};

const document = buildOpenApi();
const operations = ROUTES.map((route) => ({
  route,
  op: (document.paths[route.path] as Record<string, Operation>)[route.method.toLowerCase()] as Operation,
}));

describe('OpenAPI document', () => {
  it('E3 every {param} of every path is declared as a required path parameter, and no undeclared one', () => {
    for (const { route, op } of operations) {
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), route.id).toEqual(pathParametersOf(route.path).sort());
      for (const p of declared) expect(p.required, `${route.id} ${p.name}`).toBe(true);
    }
  });

  it('E3 query parameters (cursor, limit) and the Idempotency-Key header are declared', () => {
    const list = operations.find((o) => o.route.id === 'ListWithdrawals')?.op;
    expect(list?.parameters?.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(['limit', 'cursor']);
    const create = operations.find((o) => o.route.id === 'RequestWithdrawal')?.op;
    expect(create?.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
    );
    for (const { route, op } of operations.filter((o) => o.route.query)) {
      expect(
        op.parameters?.some((p) => p.in === 'query'),
        route.id,
      ).toBe(true);
    }
  });

  it('E3 every route lists 400, 403, 413, 415, 429 (with Retry-After) and 500; token routes 401; link actions 410', () => {
    for (const { route, op } of operations) {
      const statuses = Object.keys(op.responses);
      for (const status of ['400', '403', '413', '415', '429', '500'])
        expect(statuses, route.id).toContain(status);
      if (route.auth !== 'public') expect(statuses, route.id).toContain('401');
      if (route.link === 'action') expect(statuses, route.id).toContain('410');
      expect(op.responses['429']?.headers?.['Retry-After']?.required, route.id).toBe(true);
    }
    const statuses = new Set(operations.flatMap(({ op }) => Object.keys(op.responses)));
    for (const status of ['404', '409', '410', '503']) expect(statuses).toContain(status);
  });

  it('E3 each error answer enumerates its codes, each registered (kernel/error-codes.ts) with that status', () => {
    for (const { route, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const json = response.content?.['application/json'];
        if (!json) continue; // a link page's refusals are HTML
        expect(json.schema.allOf[0].$ref).toBe('#/components/schemas/Error');
        const codes = codesIn(json.schema) ?? [];
        expect(codes.length, `${route.id} ${status}`).toBeGreaterThan(0);
        for (const code of codes) {
          expect(code in ERROR_CODES, code).toBe(true);
          expect(statusesOf(code as ErrorCode), `${route.id} ${status} ${code}`).toContain(Number(status));
        }
      }
    }
    const codesOf = (id: string, status: string) =>
      codesIn(
        operations.find((o) => o.route.id === id)?.op.responses[status]?.content?.['application/json']
          ?.schema,
      );
    expect(codesOf('Login', '403')).toContain('JURISDICTION');
    expect(codesOf('RequestWithdrawal', '403')).toEqual(
      expect.arrayContaining(['SECURITY_HOLD', 'ACCOUNT_SUSPENDED', 'DAILY_LIMIT']),
    );
    expect(codesOf('RequestWithdrawal', '503')).toEqual(['WITHDRAWAL_NOT_STARTED']);
  });

  it('E3 every request body refuses unknown fields: additionalProperties false, and the zod schema agrees', () => {
    for (const { route, op } of operations.filter((o) => o.route.body)) {
      const schema = op.requestBody?.content['application/json']?.schema;
      expect(schema?.additionalProperties, route.id).toBe(false);
      // The schema the handler parses with refuses an extra field whatever else the body holds.
      const parsed = z.safeParse(route.body as z.ZodMiniType, { unexpectedField: 1 });
      expect(parsed.success, route.id).toBe(false);
      const keys = parsed.error?.issues.map((i) => i.code) ?? [];
      expect(keys, route.id).toContain('unrecognized_keys');
    }
  });

  it('E3 the input rules are in the schemas: the username rule and the password policy, from their one source', () => {
    const body = (id: string) =>
      JSON.stringify(operations.find((o) => o.route.id === id)?.op.requestBody?.content['application/json']);
    expect(body('SignUp')).toContain('^[A-Za-z0-9][A-Za-z0-9._-]{1,30}[A-Za-z0-9]$');
    expect(body('SignUp')).toContain('Password policy: 12 to 256 characters');
    expect(body('ChangePassword')).toContain('Password policy: 12 to 256 characters');
  });
});
