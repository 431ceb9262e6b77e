// The re-sign job (E1), page by page: moves every row of a table forward to the current signing key after a
// key rotation, and every ledgered row without a head record under the head ledger (the migration of rows
// last written before the ledger existed). Rows keep verifying throughout: the old key's public half stays
// available. Head records themselves are never re-signed: like audit records they keep the key that signed
// them, and no function may change them.
import { Conflict } from '../errors.js';
import { HEAD_PREFIX, type SignedTableId, TABLES } from '../tables.js';
import type { Row, SignedTable } from './signed-table.js';

export interface ResignReport {
  table: string;
  resigned: number;
  /** Of those, rows that had no head record and now have one (a subset of `resigned`). */
  headed: number;
  /** Rows changed by their own writer meanwhile: already signed by the current key, under the ledger. */
  skipped: number;
  pages: number;
}

/** One page of a consistent scan of the table's items as stored (the operator's client, not a Lambda's). */
export type ScanPage = (
  startKey: Record<string, unknown> | undefined,
) => Promise<{ items: Record<string, unknown>[]; next?: Record<string, unknown> | undefined }>;

export async function resignTable(
  id: SignedTableId,
  table: SignedTable,
  scan: ScanPage,
  currentKeyId: string,
  onPage?: (report: ResignReport) => void,
): Promise<ResignReport> {
  const spec = TABLES[id];
  if (!spec.resignable) {
    throw new Error(`${spec.logicalName} rows are never re-signed (see lambdas/kernel/tables.ts)`);
  }
  const report: ResignReport = { table: spec.logicalName, resigned: 0, headed: 0, skipped: 0, pages: 0 };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await scan(startKey);
    for (const item of page.items) {
      const key = {
        [spec.partitionKey]: String(item[spec.partitionKey]),
        [spec.sortKey]: String(item[spec.sortKey]),
      };
      if (String(item[spec.partitionKey]).startsWith(HEAD_PREFIX)) continue;
      const unheaded = table.ledgered(key) && !(await table.newestHead(key));
      if (item.sigKeyId === currentKeyId && !unheaded) continue;
      try {
        // The same read-verify-sign-conditional write as any update, at the next version (with its head when
        // ledgered); a row its writer changed since the scan is left to that writer.
        const result = await table.update<Row>(key, (current) =>
          current.version === item.version ? current : undefined,
        );
        if (result?.changed) {
          report.resigned += 1;
          if (unheaded) report.headed += 1;
        } else report.skipped += 1;
      } catch (err) {
        if (!(err instanceof Conflict)) throw err;
        report.skipped += 1;
      }
    }
    report.pages += 1;
    onPage?.(report);
    startKey = page.next;
  } while (startKey);
  return report;
}
