// The platform context's functions: its API routes and its scheduled functions, with the access each needs.
import type { FunctionSpec, RouteSpec, ScheduleSpec } from '../catalogue.js';
import { OUTBOX_SWEEP_MINUTES } from '../kernel/outbox.js';
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

/**
 * The transactional outbox's sweeper (kernel/outbox.ts): completes the follow-up steps a request wrote with
 * its rows but could not do at once: audit records, emails, workflow starts, hence every service they use.
 */
export const OUTBOX_SWEEPER: FunctionSpec = {
  id: 'OutboxSweeper',
  entry: 'lambdas/platform/handlers/outbox-sweeper.ts',
  access: [
    'accounts:write',
    'audit:append',
    'user-mail:send',
    'suspension:start',
    'security-hold:start',
    'withdrawal:start',
    'admin-approval:start',
  ],
};

export const SCHEDULED: readonly ScheduleSpec[] = [
  { spec: AUDIT_CHECKPOINT, everyMinutes: AUDIT_CHECKPOINT_MINUTES },
  { spec: OUTBOX_SWEEPER, everyMinutes: OUTBOX_SWEEP_MINUTES },
];
