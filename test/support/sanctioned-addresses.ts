// F2/C1 test support: the OFAC SDN files of data/lists (a full publication) and its digital-currency addresses
// published to a sanctioned-address index, as the list loader publishes them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SignedTable } from '../../lambdas/kernel/integrity/signed-table.js';
import { listedAddressesOf, SanctionedAddressIndex } from '../../lambdas/screening/address-index.js';
import { parseListFiles } from '../../lambdas/screening/versions.js';

const SDN_DIR = 'data/lists/ofac-sdn';

/** The SDN publication's files, by name. */
export const sdnFiles = (): Map<string, Uint8Array> =>
  new Map(readdirSync(SDN_DIR).map((n) => [n, new Uint8Array(readFileSync(join(SDN_DIR, n)))]));

/** The SDN files with one more `sdn.csv` row (a CSV line, CRLF-ended), added before the end-of-file byte. */
export function sdnFilesWithRow(row: string): Map<string, Uint8Array> {
  const files = sdnFiles();
  const sdn = files.get('sdn.csv') as Uint8Array;
  const added = new TextEncoder().encode(row);
  const grown = new Uint8Array(sdn.length + added.length);
  grown.set(sdn.subarray(0, sdn.length - 1));
  grown.set(added, sdn.length - 1);
  grown[grown.length - 1] = 0x1a;
  files.set('sdn.csv', grown);
  return files;
}

/** An Ether address OFAC lists (SDN entity 30518, SECONDEYE SOLUTION), as a wallet may print it. */
export const LISTED_ETH = '0x7Db418b5D567A4e0E8c59Ad71BE1FcE48f3E6107';
/** A Bitcoin address OFAC lists (SDN entity 25308). */
export const LISTED_BTC = '12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h';

/** An index over `table` holding the SDN's addresses under a test version id. */
export async function indexedSdn(
  table: SignedTable,
  version = '20260227T000000Z-test',
): Promise<SanctionedAddressIndex> {
  const index = new SanctionedAddressIndex(table);
  const { entries } = listedAddressesOf(parseListFiles('ofac-sdn-csv', 'ofac-sdn', sdnFiles()));
  await index.publish(
    {
      list: 'ofac-sdn',
      version,
      sha256: '0'.repeat(64),
      loadedAt: '2026-02-27T00:00:00.000Z',
      files: [],
      entities: 0,
      counts: {},
      loadedBy: 'test',
    },
    entries,
  );
  return index;
}
