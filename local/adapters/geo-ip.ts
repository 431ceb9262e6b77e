// GeoIp on geoip-lite (GeoLite data from MaxMind, shipped in the npm package): the local runtime's adapter.
//
// geoip-lite reads its data files synchronously when it is first required (data/ beside its lib/, or
// GEODATADIR): with the city files present, as the package installs them, that is ~111 MB on disk and
// ~111 MB of buffers in memory; country data alone is 6.5 MB. So the module is required lazily, on the
// first lookup, and only by the local runtime: see aws-geo-ip.ts for why no Lambda carries it.
import { createRequire } from 'node:module';
import type { GeoIp } from '../../lambdas/kernel/ports/geo-ip.js';

interface GeoIpLite {
  lookup(ip: string): { country?: string } | null;
}

const COUNTRY = /^[A-Z]{2}$/;

export function localGeoIp(): GeoIp {
  let geoip: GeoIpLite | undefined;
  return {
    countryOf(ip) {
      geoip ??= createRequire(import.meta.url)('geoip-lite') as GeoIpLite;
      const country = geoip.lookup(ip)?.country;
      return country && COUNTRY.test(country) ? country : undefined;
    },
  };
}
