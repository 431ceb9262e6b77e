// GeoIp of the Lambda runtime (G1, A9): country and AS number from the geo table file shipped beside the
// bundle (lambdas/kernel/geo/geo-table.ts; built at synth from npm packages by lib/geo-data.ts and copied
// next to index.mjs of every bundle that contains its file name, lib/functions.ts). The bundles stay as they
// were (the table is ~10 MB, ~4.6 MB zipped in the asset); the file is read once, at the first lookup of the
// execution environment (~10 MB read into memory: tens of ms, docs/login-risk.md has the figures), and every
// lookup after is a binary search in memory.
//
// No file (a bundle built without the hook): every country and ASN is unknown, logged once: the login then
// scores without them, as it did before the table existed. Why not geoip-lite: its data is MaxMind's
// GeoLite, ~111 MB with the city files, and GeoLite's licence requires updates a deploy-time copy does not
// make (docs/decisions.md).
import { readFileSync } from 'node:fs';
import { GEO_TABLE_FILE, GeoTable } from '../geo/geo-table.js';
import { logger } from '../observability.js';
import type { GeoIp } from '../ports/geo-ip.js';

/** The table beside the bundle (`new URL(…, import.meta.url)`: /var/task in Lambda), read once; null: none. */
let table: GeoTable | null | undefined;
function load(): GeoTable | undefined {
  if (table === undefined) {
    try {
      table = new GeoTable(readFileSync(new URL(GEO_TABLE_FILE, import.meta.url)));
    } catch (err) {
      table = null;
      logger.error('no geo table', { error: err as Error });
    }
  }
  return table ?? undefined;
}

const tableGeoIp: GeoIp = {
  countryOf: (ip) => load()?.countryOf(ip),
  asnOf: (ip) => load()?.asnOf(ip),
};

export const awsGeoIp = (): GeoIp => tableGeoIp;
