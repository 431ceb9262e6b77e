// G1: where a country is, for the impossible-travel feature when only the country of a login is known: an
// approximate centre of population (latitude, longitude in degrees; hand-entered, good to a few hundred km,
// which is the precision a country gives anyway). A country not listed here has no position: the travel
// feature is then skipped, never guessed.
// Packed as "CCLAT,LON" separated by spaces (the login bundles are at their size budget: this form is ~0.4 KB
// smaller minified than an object literal).
const PACKED =
  'AD42.5,1.5 AE24.4,54.4 AF34.5,69.2 AL41.3,19.8 AM40.2,44.5 AO-8.8,13.2 AR-34.6,-58.4 AT48.2,16 ' +
  'AU-33,147 AZ40.4,49.9 BA43.9,18.4 BD23.7,90.4 BE50.8,4.4 BG42.7,25.3 BH26.2,50.6 BO-16.5,-68.1 ' +
  'BR-20,-46 BY53.9,27.6 CA45.5,-76 CH47,8.2 CL-33.4,-70.6 CN32,114 CO4.7,-74.1 CR9.9,-84.1 CY35.1,33.4 ' +
  'CZ49.9,15.3 DE50.9,9.7 DK55.9,10.5 DO18.5,-69.9 DZ36,3.5 EC-1.5,-78.5 EE59,25 EG30,31.2 ES40,-3.7 ' +
  'FI61.5,24.5 FR47,2.5 GB52.5,-1.5 GE41.7,44.8 GH6,-1 GR38.5,23.5 GT14.6,-90.5 HK22.3,114.2 HR45.5,16 ' +
  'HU47.3,19.2 ID-6.5,108 IE53.3,-7.5 IL32,34.9 IN22,79 IQ33.3,44.4 IR34,51.5 IS64.1,-21.9 IT42.5,12.5 ' +
  'JM18,-76.8 JO31.9,35.9 JP35.5,137 KE-1.3,36.8 KG42.9,74.6 KH11.6,104.9 KR36.8,127.5 KW29.3,47.9 ' +
  'KZ47,70 LB33.9,35.5 LK7.3,80.6 LT55.2,24 LU49.6,6.1 LV56.9,24.6 MA33,-6.8 MD47,28.8 ME42.6,19.3 ' +
  'MK41.8,21.5 MN47.9,106.9 MT35.9,14.4 MX20.5,-100 MY3.5,102 NG8,6 NL52.2,5.3 NO60.5,9.5 NP27.7,85.3 ' +
  'NZ-39.5,175 OM23.6,58.4 PA9,-79.5 PE-12,-77 PH13,121.5 PK30,71 PL52,19.5 PT39.5,-8.5 PY-25.3,-57.6 ' +
  'QA25.3,51.5 RO45.5,25.5 RS44.3,20.8 RU55,45 SA24,45 SE59,16 SG1.35,103.8 SI46.1,14.8 SK48.6,19.3 ' +
  'TH14.5,100.8 TN36,10 TR39.5,32 TW24,121 TZ-6.5,37 UA49,31 UG0.5,32.5 US38,-90 UY-34.9,-56.2 ' +
  'UZ41,67.5 VE10,-67 VN16,106 ZA-27,28 ZW-18.5,30.5';

export const COUNTRY_CENTROIDS: ReadonlyMap<string, readonly [number, number]> = new Map(
  PACKED.split(' ').map((e) => [e.slice(0, 2), e.slice(2).split(',').map(Number) as [number, number]]),
);

const EARTH_KM = 6371;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in km between the centroids of two countries; undefined when one is unlisted. */
export function countryDistanceKm(a: string, b: string): number | undefined {
  if (a === b) return 0;
  const p = COUNTRY_CENTROIDS.get(a);
  const q = COUNTRY_CENTROIDS.get(b);
  if (!p || !q) return undefined;
  const dLat = rad(q[0] - p[0]);
  const dLon = rad(q[1] - p[1]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(p[0])) * Math.cos(rad(q[0])) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
