// G1 / A9: builds the geo table from the installed npm packages (lib/geo-data.ts) and prints its figures:
// `npm run -s geo:table [-- --check IP …]`. Synthesis, the cloud harness and `npm start` build it themselves
// when it is missing; this command rebuilds it and shows what it holds.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { GeoTable, geoLookup } from '../lambdas/kernel/geo/geo-table.js';
import { buildGeoTable } from '../lib/geo-data.js';

const { values, positionals } = parseArgs({
  options: { quiet: { type: 'boolean' } },
  allowPositionals: true,
});
const built = buildGeoTable();
if (!values.quiet) {
  const bytes = readFileSync(built.file);
  const loadStart = performance.now();
  const table = new GeoTable(readFileSync(built.file));
  const loadMs = performance.now() - loadStart;
  console.log(
    JSON.stringify(
      {
        file: built.file,
        bytes: built.bytes,
        gzipBytes: gzipSync(bytes, { level: 9 }).byteLength,
        sourceRanges: built.sourceRanges,
        boundaries: Object.fromEntries(Object.entries(table.header.sections).map(([id, s]) => [id, s.count])),
        countries: table.header.countries.length,
        buildSeconds: Math.round(built.seconds * 10) / 10,
        loadMs: Math.round(loadMs * 100) / 100,
        lookups: Object.fromEntries(positionals.map((ip) => [ip, geoLookup(table, ip)])),
      },
      null,
      2,
    ),
  );
}
