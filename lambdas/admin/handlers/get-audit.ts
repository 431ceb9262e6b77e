// GET /v1/admin/audit?userId=… | ?adminId=… (D3): the audit records about a user (by target) or made by an
// admin (by actor), newest first, source addresses masked; and the chain's standing: the last anchored
// checkpoint (its signature checked, the chain still holding the record it names) and the records after it
// linked to it (kernel/audit/checkpoint-writer.ts `status`, the checks the scheduled writer makes before it
// writes, without writing). For the tiers holding the `audit` view (`read-audit`); the read is itself audited.

import type { AuditLog } from '../../kernel/audit/audit-log.js';
import { MAIN_CHAIN } from '../../kernel/audit/audit-log.js';
import type { AuditRecord } from '../../kernel/audit/audit-record.js';
import type { CheckpointWriter } from '../../kernel/audit/checkpoint-writer.js';
import * as aws from '../../kernel/aws/infra.js';
import { lazyHandler } from '../../kernel/http.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { maskIpsIn } from '../../kernel/privacy/mask.js';
import type { Settings } from '../../kernel/settings.js';
import { type AdminRoutePorts, adminHttpHandler } from '../admin-route.js';
import { type AuditResponse, auditQuery, auditResponse } from '../contracts.js';
import { adminActor } from '../plane.js';
import { awsAuditChainStatus, awsRefusalEvidence } from '../wiring.js';

export interface GetAuditPorts {
  audit: Pick<AuditLog, 'append' | 'byTarget' | 'byActor'>;
  auditCheckpoints: Pick<CheckpointWriter, 'status'>;
  settings: Pick<Settings, 'approvalPolicies'>;
  refusals: AdminRoutePorts['refusals'];
  clock: Clock;
}

/** The records the page shows (newest first). */
export const AUDIT_RECORDS_SHOWN = 50;
/** The unanchored records a read links at most (the scheduled checkpoint runs every few minutes). */
export const AUDIT_TAIL_CHECKED = 2_000;

const recordView = (r: AuditRecord): AuditResponse['records'][number] => ({
  seq: r.seq,
  at: r.at,
  action: r.action,
  actor: { kind: r.actor.kind, id: r.actor.id, ...(r.actor.tier ? { tier: r.actor.tier } : {}) },
  target: { kind: r.target.kind, id: r.target.id },
  outcome: r.outcome,
  ...(r.sourceIp ? { sourceIp: maskIpsIn(r.sourceIp) } : {}),
  ...(r.details ? { details: r.details } : {}),
});

export const makeHandler = (ports: GetAuditPorts) =>
  adminHttpHandler(
    { permission: 'read-audit' },
    ports,
    { query: auditQuery },
    async (request, _event, caller) => {
      const { userId, adminId } = request.query;
      const subject = userId
        ? ({ kind: 'user', id: userId } as const)
        : ({ kind: 'admin', id: adminId ?? '' } as const);
      // The chain is checked before the records are read: what is shown was read after the check.
      const chain = await ports.auditCheckpoints.status(AUDIT_TAIL_CHECKED);
      const page =
        subject.kind === 'user'
          ? await ports.audit.byTarget(subject, AUDIT_RECORDS_SHOWN)
          : await ports.audit.byActor(subject, AUDIT_RECORDS_SHOWN);
      const now = ports.clock.now().toISOString();
      await ports.audit.append({
        actor: adminActor(caller),
        action: 'admin.read-audit',
        target: subject,
        outcome: 'success',
        at: now,
        sourceIp: request.sourceIp.slice(0, 64),
        requestId: request.requestId,
        details: { view: 'audit', records: page.items.length, chain: `${MAIN_CHAIN}:${chain.state}` },
      });
      return {
        body: auditResponse.parse({
          subject,
          records: page.items.map(recordView),
          chain: { ...chain, checkedAt: now },
        }),
      };
    },
  );

export const handler = lazyHandler(() =>
  makeHandler({
    audit: aws.rows().audit,
    auditCheckpoints: awsAuditChainStatus(),
    settings: aws.settings(),
    refusals: awsRefusalEvidence(),
    clock: aws.clock,
  }),
);
