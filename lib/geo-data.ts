// G1 / A9: the geo table (lambdas/kernel/geo/geo-table.ts) built from two npm packages at build time, never
// fetched: @ip-location-db/geo-whois-asn-country (country, CC0-1.0) and @ip-location-db/asn (AS number,
// CC-BY-4.0: RouteViews, DB-IP, NRO). docs/decisions.md says why these. The file is cached under
// node_modules/.cache/palisade-geo/, named by the format and the packages' versions, so a synth, the cloud
// harness and `npm start` build it once per version (a few seconds) and then only read it. It is written to a
// temporary name and renamed, so concurrent builders never see half a file.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  encodeGeoTable,
  GEO_TABLE_FILE,
  GEO_TABLE_FORMAT,
  resolveRanges,
  type SourceRange,
  toPrefix64,
  withoutRanges,
} from '../lambdas/kernel/geo/geo-table.js';
import { PACKAGE_DATA_FILES } from './package-data.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COUNTRY_PACKAGE = '@ip-location-db/geo-whois-asn-country';
const ASN_PACKAGE = '@ip-location-db/asn';

/** The attribution the sources' licences ask for (CC-BY-4.0: RouteViews, DB-IP, NRO; CC0 asks none). */
export const GEO_NOTICE =
  'Country: ip-location-db geo-whois-asn-country (CC0-1.0). AS numbers: ip-location-db asn, built from ' +
  'the Route Views project (routeviews.org), the five RIRs\u2019 statistics (NRO, nro.net) and the IP to ASN ' +
  'Lite database by DB-IP (db-ip.com), each licensed CC BY 4.0; ranges merged and re-encoded.';

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] }));
}

function versionOf(name: string): string {
  return (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** Where the table of the installed package versions is (built or not). */
export function geoTablePath(): string {
  const key = `f${GEO_TABLE_FORMAT}-${versionOf(COUNTRY_PACKAGE)}-${versionOf(ASN_PACKAGE)}`;
  return join(ROOT, 'node_modules', '.cache', 'palisade-geo', `geo-${key}.bin`);
}

/** Reads `start,end,value[,…]` lines of a `-num.csv` file (decimal addresses). */
function readRanges(file: string, parseValue: (text: string) => number): SourceRange[] {
  const out: SourceRange[] = [];
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    if (a < 0 || b < 0) continue;
    const c = line.indexOf(',', b + 1);
    const value = parseValue(line.slice(b + 1, c < 0 ? undefined : c).trim());
    if (value <= 0) continue;
    out.push({ start: BigInt(line.slice(0, a)), end: BigInt(line.slice(a + 1, b)), value });
  }
  return out;
}

/**
 * Special-purpose address blocks (RFC 6890 and its updates) never have a country or an ASN, whatever the data
 * says: the sources carry geofeed entries for some (192.168.0.0/16 placed in Australia, for one).
 */
const SPECIAL_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/3',
];
const SPECIAL_V6 = [
  '::/96',
  '::ffff:0:0/96',
  '64:ff9b::/96',
  '100::/64',
  '2001:db8::/32',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

function cidr(text: string): SourceRange {
  const [address = '', bits = ''] = text.split('/');
  const width = address.includes(':') ? 128 : 32;
  let n = 0n;
  if (width === 32) for (const part of address.split('.')) n = (n << 8n) + BigInt(part);
  else {
    const [head = '', tail = ''] = address.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    for (const g of [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t]) {
      n = (n << 16n) + BigInt(`0x${g}`);
    }
  }
  const size = 1n << BigInt(width - Number(bits));
  return { start: n, end: n + size - 1n, value: 0 };
}

const MAX_V4 = (1n << 32n) - 1n;
const MAX_V6 = (1n << 128n) - 1n;

/** Builds the table from the installed packages into `out`; returns what it built. */
export function buildGeoTable(out: string = geoTablePath()) {
  const started = performance.now();
  const countryDir = packageDir(COUNTRY_PACKAGE);
  const asnDir = packageDir(ASN_PACKAGE);
  const countries: string[] = [];
  const countryIndex = new Map<string, number>();
  const country = (code: string) => {
    const upper = code.toUpperCase();
    if (!/^[A-Z]{2}$/.test(upper) || upper === 'ZZ' || upper === 'XX') return 0;
    let i = countryIndex.get(upper);
    if (i === undefined) {
      countries.push(upper);
      i = countries.length;
      countryIndex.set(upper, i);
    }
    return i;
  };
  const asn = (text: string) => {
    const n = Number(text);
    return Number.isInteger(n) && n > 0 && n <= 0xffffffff ? n : 0;
  };
  const special4 = SPECIAL_V4.map(cidr);
  const special6 = SPECIAL_V6.map(cidr);
  const v4 = (file: string, parse: (text: string) => number) =>
    withoutRanges(readRanges(file, parse), special4);
  const v6 = (file: string, parse: (text: string) => number) =>
    withoutRanges(readRanges(file, parse), special6);
  const c4 = v4(join(countryDir, 'geo-whois-asn-country-ipv4-num.csv'), country);
  const c6 = v6(join(countryDir, 'geo-whois-asn-country-ipv6-num.csv'), country);
  const a4 = v4(join(asnDir, 'asn-ipv4-num.csv'), asn);
  const a6 = v6(join(asnDir, 'asn-ipv6-num.csv'), asn);
  const bytes = encodeGeoTable({
    sources: { [COUNTRY_PACKAGE]: versionOf(COUNTRY_PACKAGE), [ASN_PACKAGE]: versionOf(ASN_PACKAGE) },
    notice: GEO_NOTICE,
    countries,
    c4: resolveRanges(c4, MAX_V4),
    c6: toPrefix64(resolveRanges(c6, MAX_V6)),
    a4: resolveRanges(a4, MAX_V4),
    a6: toPrefix64(resolveRanges(a6, MAX_V6)),
  });
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, out);
  return {
    file: out,
    bytes: bytes.byteLength,
    sourceRanges: { c4: c4.length, c6: c6.length, a4: a4.length, a6: a6.length },
    seconds: (performance.now() - started) / 1000,
  };
}

/** The table's path, built first when missing (synchronous: CDK's synthesis is). */
export function ensureGeoTable(): string {
  const file = geoTablePath();
  if (!existsSync(file)) buildGeoTable(file);
  return file;
}

/**
 * Files that ship beside a bundle, each when the bundle names it (the bundle is the truth of what it reads):
 * today the geo table, for the functions that look up a country or ASN (Login, AnswerChallenge,
 * RefreshTokens). CDK copies them in an afterBundling hook (lib/functions.ts); the cloud harness, which bundles
 * with the same esbuild options itself, copies them with `copyBesideBundle`.
 */
const BESIDE_BUNDLE: readonly { name: string; source: () => string }[] = [
  { name: GEO_TABLE_FILE, source: ensureGeoTable },
  // the transliteration tables (screening) and the password estimator's dictionaries (lib/package-data.ts)
  ...PACKAGE_DATA_FILES,
];

const shellQuote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** The afterBundling shell commands: copy each file whose name the bundle contains. */
export function besideBundleCommands(outputDir: string): string[] {
  return BESIDE_BUNDLE.map(({ name, source }) => {
    const target = `${outputDir}/${name}`;
    return `if grep -qF ${shellQuote(name)} ${shellQuote(`${outputDir}/index.mjs`)}; then cp ${shellQuote(source())} ${shellQuote(target)}; fi`;
  });
}

/** The same in node, for a bundle directory holding index.mjs; returns the names copied. */
export function copyBesideBundle(dir: string): string[] {
  const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
  const copied: string[] = [];
  for (const { name, source } of BESIDE_BUNDLE) {
    if (!bundle.includes(name)) continue;
    copyFileSync(source(), join(dir, name));
    copied.push(name);
  }
  return copied;
}
