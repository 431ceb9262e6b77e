// F2: any-ascii's transliteration (Unicode → ASCII), the package's own algorithm over its tables, which are
// read from a data file beside the bundle at the first name transliterated (lambdas/kernel/data/
// beside-bundle.ts) instead of being 534 KB of the matcher's bundles.
import { ANY_ASCII_DATA, loadPackageData } from '../kernel/data/beside-bundle.js';

let tables: Record<string, string> | undefined;
const blocks = new Map<number, string[]>();

function blockOf(blockNumber: number): string[] {
  let block = blocks.get(blockNumber);
  if (block === undefined) {
    tables ??= loadPackageData(ANY_ASCII_DATA);
    block = (tables[blockNumber] ?? '').split('\t');
    blocks.set(blockNumber, block);
  }
  return block;
}

/** Transliterates a Unicode string into ASCII, as any-ascii's default export does. */
export default function anyAscii(text: string): string {
  let result = '';
  for (const c of text) {
    const codePoint = c.codePointAt(0) as number;
    if (codePoint <= 0x7f) {
      result += c;
      continue;
    }
    const block = blockOf(codePoint >>> 8);
    const lo = codePoint & 0xff;
    if (block.length > lo) result += block[lo];
  }
  return result;
}
