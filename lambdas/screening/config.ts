import type { ListFormat } from './versions.js';

// F2: the production threshold of the name matcher: one global value, chosen on the labelled pairs
// (docs/benchmarks.md) and never per name. Bands (what a hit leads to) are configuration: ./bands.ts.
export const MATCH_THRESHOLD = 0.77;

/**
 * What a list's hits mean: `sanctions` (the sanctions bands: block, case, record) or `pep` (politically
 * exposed persons: the PEP bands, an enhanced-due-diligence case at most, never a block). bands.ts.
 */
export type ListKind = 'sanctions' | 'pep';

/** The lists every customer is screened against, with the format each version is stored in and its kind. */
export interface ScreenedList {
  readonly list: string;
  readonly format: ListFormat;
  readonly kind: ListKind;
}
/** F2: the PEP list's id: a FollowTheMoney dataset loaded under this id (`load-screening-list`, target `pep`). */
export const PEP_LIST = 'pep';
export const SCREENED_LISTS: readonly ScreenedList[] = Object.freeze([
  { list: 'ofac-sdn', format: 'ofac-sdn-csv', kind: 'sanctions' },
  { list: 'un-sc', format: 'un-xml', kind: 'sanctions' },
  { list: PEP_LIST, format: 'ftm-jsonl', kind: 'pep' },
]);

/**
 * The customer roster's partitions: every screened customer is enrolled in one (by a hash of the user id);
 * a re-screen maps over them (a Distributed Map in AWS), each partition read page by page.
 */
export const ROSTER_PARTITIONS = 64;
/** Customers screened per task invocation of a re-screen (one page of a partition). */
export const RESCREEN_PAGE = 200;
