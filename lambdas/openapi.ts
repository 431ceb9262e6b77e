// Builds the OpenAPI 3.1 document from the catalogue: served by the local gateway at /openapi.json and
// checked against the routes in the tests.
import * as z from 'zod/mini';
import { ROUTES, type RouteSpec } from './catalogue.js';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        requestId: { type: 'string' },
        details: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
} as const;

const jsonSchemaOf = (schema: z.ZodMiniType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'output' }) as Record<string, unknown>;
  return rest;
};

function operation(route: RouteSpec) {
  const errorRef = { $ref: '#/components/schemas/Error' };
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: errorRef } },
  });
  return {
    operationId: route.id,
    summary: route.summary,
    tags: [route.tag],
    security:
      route.auth === 'user' ? [{ userToken: [] }] : route.auth === 'admin' ? [{ adminToken: [] }] : [],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: jsonSchemaOf(route.body) },
              // An emailed link's action also takes its page's form (kernel/link-page.ts), and answers it in HTML.
              ...(route.link === 'action'
                ? { 'application/x-www-form-urlencoded': { schema: jsonSchemaOf(route.body) } }
                : {}),
            },
          },
        }
      : {}),
    responses: {
      [String(route.status)]: {
        description: route.summary,
        content:
          route.link === 'page'
            ? { 'text/html': { schema: { type: 'string' } } }
            : {
                'application/json': { schema: jsonSchemaOf(route.response) },
                ...(route.link === 'action' ? { 'text/html': { schema: { type: 'string' } } } : {}),
              },
      },
      '400': errorResponse('Invalid request'),
      ...(route.auth !== 'public' ? { '401': errorResponse('Missing, invalid or revoked token') } : {}),
      ...(route.link === 'action'
        ? { '410': errorResponse('The link is not valid, has expired or was already used') }
        : {}),
      '500': errorResponse('Internal error (no detail is disclosed)'),
    },
  };
}

export function buildOpenApi(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Palisade API',
      version: '0.1.0',
      description: 'Account security and compliance API of the exchange.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        userToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Cognito access token of the user pool',
        },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'D1: access token of the admin pool (POST /v1/admin/auth/login, then /challenge); never valid on a ' +
            'user route, as a user token is never valid on an admin route',
        },
      },
    },
  };
}
