// The re-sign job of a key rotation (E1): moves every row of a table that an older key signed forward to the
// current key, page by page. Rows keep verifying throughout: the old key's public half stays available.
import { type SignedTableId, TABLES } from '../tables.js';
import type { SignedTable } from './signed-table.js';

export interface ResignReport {
  table: string;
  resigned: number;
  /** Rows changed by their own writer meanwhile: already signed by the current key. */
  skipped: number;
  pages: number;
}

export async function resignTable(
  id: SignedTableId,
  table: SignedTable,
  currentKeyId: string,
  onPage?: (report: ResignReport) => void,
): Promise<ResignReport> {
  const spec = TABLES[id];
  if (!spec.resignable) {
    throw new Error(`${spec.logicalName} rows are never re-signed (see lambdas/kernel/tables.ts)`);
  }
  const report: ResignReport = { table: spec.logicalName, resigned: 0, skipped: 0, pages: 0 };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await table.resignPage(currentKeyId, startKey);
    report.resigned += page.resigned;
    report.skipped += page.skipped;
    report.pages += 1;
    onPage?.(report);
    startKey = page.next;
  } while (startKey);
  return report;
}
