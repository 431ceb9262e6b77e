// F2: the production threshold of the name matcher: one global value, chosen on the labelled pairs
// (docs/benchmarks.md) and never per name. Bands (what a hit leads to) are configuration: ./bands.ts.
export const MATCH_THRESHOLD = 0.77;
