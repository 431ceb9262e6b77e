// G1 / A9: the geo table (lambdas/kernel/geo/geo-table.ts) built from the npm packages (lib/geo-data.ts):
// lookups of known IPv4 and IPv6 ranges in the file the Lambdas ship, the range resolution on hand-made cases,
// and the AWS adapter reading the file beside a production bundle, as CDK's afterBundling hook places it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { PRODUCTION_BUNDLING } from '../../bench/bundle-options.js';
import {
  encodeGeoTable,
  GEO_TABLE_FILE,
  GeoTable,
  resolveRanges,
  toPrefix64,
  withoutRanges,
} from '../../lambdas/kernel/geo/geo-table.js';
import { besideBundleCommands, copyBesideBundle, ensureGeoTable, GEO_NOTICE } from '../../lib/geo-data.js';
import { localGeoIp, localGeoTable } from '../../local/adapters/geo-ip.js';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

describe('G1 the shipped geo table', () => {
  const table = localGeoTable();

  it('G1 known IPv4 ranges: country and ASN', () => {
    const cases: [string, string, string][] = [
      ['8.8.8.8', 'US', '15169'], // Google Public DNS
      ['1.1.1.1', 'AU', '13335'], // Cloudflare (registered in APNIC's region)
      ['81.2.69.160', 'GB', '20712'], // Andrews & Arnold
      ['193.0.6.139', 'NL', '3333'], // RIPE NCC
    ];
    for (const [ip, country, asn] of cases) {
      expect(table.countryOf(ip), ip).toBe(country);
      expect(table.asnOf(ip), ip).toBe(asn);
    }
  });

  it('G1 known IPv6 ranges, and IPv4-mapped IPv6 as its IPv4 address', () => {
    const cases: [string, string, string][] = [
      ['2001:4860:4860::8888', 'US', '15169'],
      ['2a02:c7f::1', 'GB', '5607'], // Sky UK
      ['2001:67c:2e8:22::c100:68b', 'NL', '3333'],
      ['[2606:4700:4700::1111]', 'US', '13335'],
      ['::ffff:81.2.69.160', 'GB', '20712'],
    ];
    for (const [ip, country, asn] of cases) {
      expect(table.countryOf(ip), ip).toBe(country);
      expect(table.asnOf(ip), ip).toBe(asn);
    }
  });

  it('G1 private, reserved, loopback and malformed addresses have neither', () => {
    for (const ip of [
      '10.1.2.3',
      '192.168.0.1',
      '127.0.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '::1',
      'fc00::1',
      'x',
      '',
    ]) {
      expect(table.countryOf(ip), ip).toBeUndefined();
      expect(table.asnOf(ip), ip).toBeUndefined();
    }
  });

  it('G1 the file names its sources and their attribution, and is small enough to ship beside a bundle', () => {
    const file = ensureGeoTable();
    expect(table.header.sources).toMatchObject({
      '@ip-location-db/geo-whois-asn-country': expect.any(String),
      '@ip-location-db/asn': expect.any(String),
    });
    expect(table.header.notice).toBe(GEO_NOTICE);
    expect(GEO_NOTICE).toMatch(/routeviews\.org/);
    expect(GEO_NOTICE).toMatch(/db-ip\.com/);
    expect(GEO_NOTICE).toMatch(/nro\.net/);
    // ~10 MB raw (a Lambda asset may hold 250 MB unzipped); 200+ countries.
    expect(readFileSync(file).byteLength).toBeLessThan(16 * 1024 * 1024);
    expect(table.header.countries.length).toBeGreaterThan(200);
    // The local runtime's adapter answers from the same file.
    expect(localGeoIp().countryOf('81.2.69.160')).toBe('GB');
    expect(localGeoIp().asnOf?.('2a02:c7f::1')).toBe('5607');
  });
});

describe('G1 ranges to boundaries, on hand-made data', () => {
  it('G1 a more specific range inside a broader one wins; gaps are unknown; neighbours of one value merge', () => {
    const b = resolveRanges(
      [
        { start: 10n, end: 99n, value: 1 },
        { start: 20n, end: 29n, value: 2 }, // inside 10–99
        { start: 100n, end: 109n, value: 1 }, // touches 10–99: merged
        { start: 200n, end: 209n, value: 3 }, // after a gap
      ],
      255n,
    );
    expect(b).toEqual([
      { start: 0n, value: 0 },
      { start: 10n, value: 1 },
      { start: 20n, value: 2 },
      { start: 30n, value: 1 },
      { start: 110n, value: 0 },
      { start: 200n, value: 3 },
      { start: 210n, value: 0 },
    ]);
  });

  it('G1 special-purpose blocks are cut out of the source ranges, splitting a range that spans one', () => {
    const cut = withoutRanges(
      [
        { start: 0n, end: 99n, value: 1 },
        { start: 150n, end: 160n, value: 2 },
      ],
      [
        { start: 40n, end: 49n, value: 0 },
        { start: 140n, end: 170n, value: 0 },
      ],
    );
    expect(cut).toEqual([
      { start: 0n, end: 39n, value: 1 },
      { start: 50n, end: 99n, value: 1 },
    ]);
  });

  it('G1 IPv6 per /64: the value of a /64 is the value at its first address', () => {
    const p = (prefix: bigint, low = 0n) => (prefix << 64n) + low;
    const b = toPrefix64([
      { start: 0n, value: 0 },
      { start: p(5n), value: 1 },
      { start: p(7n, 100n), value: 2 }, // starts inside /64 number 7: decides from /64 number 8 on
      { start: p(9n), value: 2 },
      { start: p(12n), value: 0 },
    ]);
    expect(b).toEqual([
      { start: 0n, value: 0 },
      { start: 5n, value: 1 },
      { start: 8n, value: 2 },
      { start: 12n, value: 0 },
    ]);
  });

  it('G1 a table encodes and reads back, from an unaligned buffer too', () => {
    const bytes = encodeGeoTable({
      sources: { test: '1' },
      notice: 'test',
      countries: ['DE', 'FR'],
      c4: [
        { start: 0n, value: 0 },
        { start: 0x01020300n, value: 2 },
        { start: 0x01020400n, value: 0 },
      ],
      c6: [
        { start: 0n, value: 0 },
        { start: 0x2001_0db8_0000_0000n, value: 1 },
      ],
      a4: [
        { start: 0n, value: 0 },
        { start: 0x01020300n, value: 4_200_000_001 },
      ],
      a6: [{ start: 0n, value: 0 }],
    });
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    for (const t of [new GeoTable(bytes), new GeoTable(shifted.subarray(1))]) {
      expect(t.countryOf('1.2.3.4')).toBe('FR');
      expect(t.countryOf('1.2.4.1')).toBeUndefined();
      expect(t.asnOf('1.2.4.1')).toBe('4200000001');
      expect(t.countryOf('2001:db8:ffff::1')).toBe('DE');
      expect(t.asnOf('2001:db8::1')).toBeUndefined();
    }
    expect(() => new GeoTable(new Uint8Array(64))).toThrow(/geo table/);
  });
});

describe('G1 the AWS adapter reads the table beside its bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-geo-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('G1 a production bundle of the adapter gets the file copied beside it (as CDK’s afterBundling hook does) and answers from it', async () => {
    const entry = join(dir, 'entry.ts');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      entry,
      `import { awsGeoIp } from ${JSON.stringify(join(REPO_ROOT, 'lambdas/kernel/aws/geo-ip.ts'))};\n` +
        'export const handler = async (ip: string) => ({ country: awsGeoIp().countryOf(ip), asn: awsGeoIp().asnOf?.(ip) });\n',
    );
    const out = join(dir, 'fn');
    await build({
      ...PRODUCTION_BUNDLING,
      mainFields: [...PRODUCTION_BUNDLING.mainFields],
      external: [...PRODUCTION_BUNDLING.external],
      absWorkingDir: REPO_ROOT,
      entryPoints: [entry],
      outfile: join(out, 'index.mjs'),
      logLevel: 'error',
    });
    expect(copyBesideBundle(out)).toEqual([GEO_TABLE_FILE]);
    expect(existsSync(join(out, GEO_TABLE_FILE))).toBe(true);
    const { handler } = await import(pathToFileURL(join(out, 'index.mjs')).href);
    expect(await handler('81.2.69.160')).toEqual({ country: 'GB', asn: '20712' });
    expect(await handler('2a02:c7f::1')).toEqual({ country: 'GB', asn: '5607' });
    // The shell form CDK runs copies only into bundles that name the file.
    const [command] = besideBundleCommands('/asset-output');
    expect(command).toContain(`grep -qF '${GEO_TABLE_FILE}' '/asset-output/index.mjs'`);
    expect(command).toContain(`'/asset-output/${GEO_TABLE_FILE}'`);
  });
});
