// GeoIp of the local runtime (G1, A9): the same geo table as the Lambdas (lambdas/kernel/geo/geo-table.ts),
// from the file lib/geo-data.ts builds out of the npm packages (built on first use when missing, a few
// seconds once per package version), read at the first lookup.
import { readFileSync } from 'node:fs';
import { GeoTable } from '../../lambdas/kernel/geo/geo-table.js';
import type { GeoIp } from '../../lambdas/kernel/ports/geo-ip.js';
import { ensureGeoTable } from '../../lib/geo-data.js';

let shared: GeoTable | undefined;

/** The table of the installed packages (one per process). */
export function localGeoTable(): GeoTable {
  shared ??= new GeoTable(readFileSync(ensureGeoTable()));
  return shared;
}

export function localGeoIp(): GeoIp {
  return {
    countryOf: (ip) => localGeoTable().countryOf(ip),
    asnOf: (ip) => localGeoTable().asnOf(ip),
  };
}
