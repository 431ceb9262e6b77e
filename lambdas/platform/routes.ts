// The platform context's functions: its API routes and its scheduled functions, with the access each needs.
import type { FunctionSpec, RouteSpec, ScheduleSpec } from '../catalogue.js';
import { reads } from '../kernel/specs.js';
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

/**
 * D3: checkpoints the audit chain (kernel/audit/checkpoint-writer.ts). The one role that may add objects to
 * the checkpoint bucket; it reads the chain, signs with the platform signing key, and holds no other write.
 */
export const AUDIT_CHECKPOINT: FunctionSpec = {
  id: 'AuditCheckpoint',
  entry: 'lambdas/platform/handlers/audit-checkpoint.ts',
  access: reads('audit:read', 'audit-checkpoint:read', 'audit-checkpoint:write'),
};

/**
 * How often the audit chain is checkpointed: the longest stretch of records a deletion or a rewrite of the
 * chain's tail can go unseen (docs/data-protection.md, "Anchoring the tail").
 */
export const AUDIT_CHECKPOINT_MINUTES = 5;

export const SCHEDULED: readonly ScheduleSpec[] = [
  { spec: AUDIT_CHECKPOINT, everyMinutes: AUDIT_CHECKPOINT_MINUTES },
];
