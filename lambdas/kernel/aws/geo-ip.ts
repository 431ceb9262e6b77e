// GeoIp of the Lambda runtime: deliberately none yet; every country is unknown (login history rows carry no
// country in AWS). Why not geoip-lite, as locally (local-geo-ip.ts):
// - esbuild bundles JavaScript only. geoip-lite's JS is ~9 KB, but it reads its data files from disk when it
//   is first required and throws ENOENT at cold start when they are missing, as they are in our bundles.
//   Shipping them takes a bundling hook that copies them next to index.mjs plus GEODATADIR: the package's
//   full set is ~111 MB on disk and ~111 MB of memory (it always loads the city files when present), the
//   country files alone 6.5 MB.
// - The data is a snapshot frozen at the package's release. MaxMind's GeoLite licence requires it to be
//   kept up to date, which a deploy-time copy does not do without an update job holding a licence key.
// - The API is a REGIONAL endpoint with no CloudFront in front: the event carries no
//   CloudFront-Viewer-Country, and a header of that name on a regional endpoint comes from the client, so
//   it cannot be trusted.
// A trustworthy source later: CloudFront in front of the API (it overwrites CloudFront-Viewer-Country), or
// WAF geo-match rules inserting an `x-amzn-waf-` header; either arrives per request, not per IP.
import { type GeoIp, unknownCountry } from '../ports/geo-ip.js';

export const awsGeoIp = (): GeoIp => unknownCountry;
