import type { ListFormat } from './versions.js';

// F2: the production threshold of the name matcher: one global value, chosen on the labelled pairs
// (docs/benchmarks.md) and never per name. Bands (what a hit leads to) are configuration: ./bands.ts.
export const MATCH_THRESHOLD = 0.77;

/** The lists every customer is screened against, with the format each version is stored in. */
export interface ScreenedList {
  readonly list: string;
  readonly format: ListFormat;
}
export const SCREENED_LISTS: readonly ScreenedList[] = Object.freeze([
  { list: 'ofac-sdn', format: 'ofac-sdn-csv' },
  { list: 'un-sc', format: 'un-xml' },
]);

/**
 * The customer roster's partitions: every screened customer is enrolled in one (by a hash of the user id);
 * a re-screen maps over them (a Distributed Map in AWS), each partition read page by page.
 */
export const ROSTER_PARTITIONS = 64;
/** Customers screened per task invocation of a re-screen (one page of a partition). */
export const RESCREEN_PAGE = 200;
