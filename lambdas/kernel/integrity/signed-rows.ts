// The composition of the signed-rows layer: one signer and one verifier per container, a SignedTable per
// table of lambdas/kernel/tables.ts, the audit log, and the integrity alarm that ties them together. Both the
// Lambda runtime and the local runtime build it here, so a failed verification has the same effects in both.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AuditLog } from '../audit/audit-log.js';
import type { DocumentClient } from '../aws/dynamo-documents.js';
import { logger, metrics, SecurityMetric } from '../observability.js';
import type { Clock } from '../ports/clock.js';
import type { KeyService } from '../ports/key-service.js';
import { SIGNED_TABLE_IDS, type SignedTableId, TABLES } from '../tables.js';
import { type IntegrityAlarm, type IntegrityFailure, RowSigner, RowVerifier } from './row-signature.js';
import { SignedTable } from './signed-table.js';

export interface SignedRows {
  tables: Record<SignedTableId, SignedTable>;
  audit: AuditLog;
}

export const INTEGRITY_ACTOR = { kind: 'system', id: 'integrity-check' } as const;
export const INTEGRITY_FAILURE_ACTION = 'integrity.failure';

/** The audit target naming the row that failed: table and key, no attribute values. */
export const integrityTarget = (failure: IntegrityFailure) => ({
  kind: 'item' as const,
  id: [
    failure.table,
    ...Object.keys(failure.key)
      .sort()
      .map((name) => `${name}=${failure.key[name]}`),
  ].join('/'),
});

export function signedRows(
  db: DocumentClient,
  keys: Pick<KeyService, 'signDigest' | 'getPublicKey'>,
  tableNames: Record<SignedTableId, string>,
  clock: Clock,
): SignedRows {
  let audit: AuditLog | undefined;
  const alarm: IntegrityAlarm = async (failure) => {
    metrics.addMetric(SecurityMetric.IntegrityFailure, MetricUnit.Count, 1);
    logger.error('integrity check failed', { table: failure.table, reason: failure.reason });
    // A failure in the audit table itself is not appended to it (the append reads its head, which may be the
    // very record that failed); the metric, its alarm and the log carry it.
    if (failure.table === TABLES.audit.logicalName || !audit) return;
    try {
      await audit.append({
        actor: INTEGRITY_ACTOR,
        action: INTEGRITY_FAILURE_ACTION,
        target: integrityTarget(failure),
        outcome: 'failed',
        at: clock.now().toISOString(),
        details: { table: failure.table, reason: failure.reason },
      });
    } catch (err) {
      logger.error('integrity failure could not be audited', { error: err as Error });
    }
  };
  const signer = new RowSigner(keys);
  const verifier = new RowVerifier(keys, alarm);
  const tables = Object.fromEntries(
    SIGNED_TABLE_IDS.map((id) => [
      id,
      new SignedTable(db, { ...TABLES[id], tableName: tableNames[id] }, signer, verifier),
    ]),
  ) as Record<SignedTableId, SignedTable>;
  audit = new AuditLog(tables.audit);
  return { tables, audit };
}
