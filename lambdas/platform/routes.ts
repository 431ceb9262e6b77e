// The platform context's functions: its API routes, with the access each needs.
import type { RouteSpec } from '../catalogue.js';
import { healthResponse } from './contracts.js';

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'GetHealth',
    method: 'GET',
    path: '/v1/health',
    auth: 'public',
    entry: 'lambdas/platform/handlers/get-health.ts',
    summary: 'Liveness of the API',
    tag: 'platform',
    response: healthResponse,
    status: 200,
    access: [],
  },
];
