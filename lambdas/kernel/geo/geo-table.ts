// G1 / A9: the country and autonomous system of an IP address from a compact table of sorted address ranges,
// looked up by binary search. The table is built at build time from npm packages (lib/geo-data.ts) and shipped
// as one file beside the bundles that need it; this module only reads (and, for the builder and the tests,
// writes) its bytes: no I/O, no dependency.
//
// File format 2 (bump GEO_TABLE_FORMAT on any change of format or content rules: the cached file is named by
// it), little-endian, every section 4-byte aligned so typed arrays view the file's own buffer (no parsing):
//   "PGEO" · u32 format · u32 header length · header JSON (UTF-8) · padding to 4 · sections
// Each section is a list of boundaries: from key[i] on (up to key[i+1]) the value is value[i]; 0 = unknown (a
// gap in the data: private, reserved or unannounced space). The first key is always 0.
//   c4 country by IPv4:  key u32[n], value u8[n] (1 + index into header.countries)
//   c6 country by IPv6:  hi u32[n], lo u32[n] (the /64 prefix), value u8[n]
//   a4 ASN by IPv4:      key u32[n], value u32[n] (the AS number)
//   a6 ASN by IPv6:      hi u32[n], lo u32[n], value u32[n]
// IPv6 is resolved per /64 (the network the risk model groups by): a range narrower than a /64 decides its /64
// only if it holds the /64's first address.
import { parseSource } from '../shield/bot-shield.js';

export const GEO_TABLE_MAGIC = 'PGEO';
/** The magic as the first little-endian u32 of the file. */
const GEO_TABLE_MAGIC_U32 = 0x4f454750;
export const GEO_TABLE_FORMAT = 2;
/** The file's name beside a bundle; a bundle that contains this string gets the file (lib/functions.ts). */
export const GEO_TABLE_FILE = 'palisade-geo.bin';

export type GeoSectionId = 'c4' | 'c6' | 'a4' | 'a6';

export interface GeoTableHeader {
  format: number;
  /** The npm packages the table was built from, name → version. */
  sources: Record<string, string>;
  /** The attribution the sources' licences ask for. */
  notice: string;
  /** Country codes; a country value v ≥ 1 is countries[v − 1]. */
  countries: string[];
  sections: Record<GeoSectionId, { offset: number; count: number }>;
  /** The same as [offset, count] in file order c4, c6, a4, a6 (what the reader uses). */
  order: [number, number][];
}

/** A resolved boundary list: from `start` on, `value` (0 = unknown). IPv4 keys are numbers, IPv6 keys /64 prefixes. */
export interface Boundary<K> {
  start: K;
  value: number;
}

/** One section: boundary keys (IPv6: hi and lo words of the /64) and their values. */
interface Section {
  hi: Uint32Array;
  lo?: Uint32Array;
  values: Uint8Array | Uint32Array;
}

/** The numeric form of an address: IPv4 as one u32, IPv6 as its /64 prefix (two u32); undefined when invalid. */
export function addressKey(ip: string): { v6: boolean; hi: number; lo: number } | undefined {
  const { family, address } = parseSource(ip);
  if (address === 'invalid') return undefined;
  const parts = family === 4 ? address.split('.') : address.split(':').map((h) => Number.parseInt(h, 16));
  const word = (i: number, bits: number) => ((Number(parts[i]) * 2 ** bits) >>> 0) + Number(parts[i + 1]);
  return family === 4
    ? { v6: false, hi: word(0, 8) * 65536 + word(2, 8), lo: 0 }
    : { v6: true, hi: word(0, 16), lo: word(2, 16) };
}

/** The value at a key: the boundary with the last (hi, lo) ≤ the key (keys ascending, the first is 0). */
function valueAt(s: Section, hi: number, lo: number): number {
  let a = 0;
  let b = s.hi.length - 1;
  while (a < b) {
    const mid = (a + b + 1) >>> 1;
    const h = s.hi[mid] as number;
    if (h < hi || (h === hi && (s.lo?.[mid] ?? 0) <= lo)) a = mid;
    else b = mid - 1;
  }
  return s.values[a] ?? 0;
}

/**
 * The table over a file's bytes (copied once if not 4-byte aligned): typed arrays view the bytes, nothing is
 * parsed but the header. Only the two lookups live here, so that a bundle carries no more than it calls.
 */
export class GeoTable {
  readonly header: GeoTableHeader;
  private readonly s: Section[];

  constructor(file: Uint8Array) {
    const bytes = file.byteOffset % 4 ? new Uint8Array(file) : file;
    const { buffer, byteOffset } = bytes;
    const u32 = (offset: number, count: number) => new Uint32Array(buffer, byteOffset + offset, count);
    const [magic, format, length = 0] = u32(0, 3);
    if (magic !== GEO_TABLE_MAGIC_U32 || format !== GEO_TABLE_FORMAT) throw new Error('Bad geo table');
    this.header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
    // c4, c6, a4, a6 in file order: IPv6 sections have a second key word; ASN values are u32, country u8.
    this.s = this.header.order.map(([offset, count], i) => {
      const words = (i % 2) + 1;
      const at = byteOffset + offset + 4 * words * count;
      return {
        hi: u32(offset, count),
        ...(words > 1 ? { lo: u32(offset + 4 * count, count) } : {}),
        values: i < 2 ? new Uint8Array(buffer, at, count) : new Uint32Array(buffer, at, count),
      };
    });
  }

  private find(ip: string, asn: boolean): number {
    const key = addressKey(ip);
    return key ? valueAt(this.s[(asn ? 2 : 0) + (key.v6 ? 1 : 0)] as Section, key.hi, key.lo) : 0;
  }

  /** ISO 3166-1 alpha-2 code, or undefined (private, reserved, unlisted or malformed addresses). */
  countryOf(ip: string): string | undefined {
    return this.header.countries[this.find(ip, false) - 1];
  }

  /** The AS number announcing the address (digits), or undefined. */
  asnOf(ip: string): string | undefined {
    const value = this.find(ip, true);
    return value ? String(value) : undefined;
  }
}

/** Country and ASN of one address (the bench and the tools). */
export const geoLookup = (table: GeoTable, ip: string): { country?: string; asn?: string } => {
  const country = table.countryOf(ip);
  const asn = table.asnOf(ip);
  return { ...(country ? { country } : {}), ...(asn ? { asn } : {}) };
};

// ---------------------------------------------------------------------------------------------------------
// Building (lib/geo-data.ts and the tests): ranges → boundaries → bytes.

/** One range of the source data: first and last address (inclusive) and its value (≥ 1). */
export interface SourceRange {
  start: bigint;
  end: bigint;
  value: number;
}

/**
 * Boundaries from ranges that may nest (a more specific range inside a broader one: the more specific wins, as
 * in the sources) or touch; gaps get value 0; neighbours with one value are merged. `max` is the last address.
 */
export function resolveRanges(ranges: readonly SourceRange[], max: bigint): Boundary<bigint>[] {
  const sorted = [...ranges].sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : a.end > b.end ? -1 : a.end < b.end ? 1 : 0,
  );
  const out: Boundary<bigint>[] = [];
  const push = (start: bigint, value: number) => {
    const last = out.at(-1);
    if (last && last.value === value) return;
    if (last && last.start === start) last.value = value;
    else out.push({ start, value });
  };
  const stack: SourceRange[] = [];
  let pos = 0n;
  /** Emits the segments from `pos` up to (not including) `limit` as the open ranges decide them. */
  const emitUntil = (limit: bigint) => {
    while (pos < limit) {
      while (stack.length > 0 && (stack.at(-1) as SourceRange).end < pos) stack.pop();
      const top = stack.at(-1);
      if (!top) {
        push(pos, 0);
        pos = limit;
        break;
      }
      push(pos, top.value);
      pos = top.end + 1n < limit ? top.end + 1n : limit;
    }
  };
  for (const r of sorted) {
    if (r.end < r.start || r.value <= 0) continue;
    emitUntil(r.start);
    stack.push(r);
  }
  emitUntil(max + 1n);
  if (out.length === 0) out.push({ start: 0n, value: 0 });
  return out;
}

/** The ranges less the parts inside any `excluded` range (a range may be split in two). */
export function withoutRanges(
  ranges: readonly SourceRange[],
  excluded: readonly SourceRange[],
): SourceRange[] {
  let out = [...ranges];
  for (const x of excluded) {
    const next: SourceRange[] = [];
    for (const r of out) {
      if (r.end < x.start || r.start > x.end) {
        next.push(r);
        continue;
      }
      if (r.start < x.start) next.push({ ...r, end: x.start - 1n });
      if (r.end > x.end) next.push({ ...r, start: x.end + 1n });
    }
    out = next;
  }
  return out;
}

/** 128-bit boundaries → /64 boundaries: the value of a /64 is the value at its first address. */
export function toPrefix64(boundaries: readonly Boundary<bigint>[]): Boundary<bigint>[] {
  const out: Boundary<bigint>[] = [];
  const low = (1n << 64n) - 1n;
  for (const b of boundaries) {
    const key = (b.start >> 64n) + ((b.start & low) === 0n ? 0n : 1n);
    if (key >= 1n << 64n) continue;
    const last = out.at(-1);
    if (last && last.start === key) last.value = b.value;
    else out.push({ start: key, value: b.value });
  }
  // Merge neighbours that now carry one value.
  return out.filter((b, i) => i === 0 || b.value !== (out[i - 1] as Boundary<bigint>).value);
}

const align4 = (n: number) => (n + 3) & ~3;

/** The bytes of a table: boundaries per section (IPv4 keys u32, IPv6 keys /64 prefixes). */
export function encodeGeoTable(input: {
  sources: Record<string, string>;
  notice: string;
  countries: string[];
  c4: readonly Boundary<bigint>[];
  c6: readonly Boundary<bigint>[];
  a4: readonly Boundary<bigint>[];
  a6: readonly Boundary<bigint>[];
}): Uint8Array {
  if (input.countries.length > 255) throw new Error('More than 255 countries do not fit a byte');
  const sizes: Record<GeoSectionId, number> = {
    c4: align4(input.c4.length * 5),
    c6: align4(input.c6.length * 9),
    a4: input.a4.length * 8,
    a6: input.a6.length * 12,
  };
  // The header's offsets depend on its own length: lay it out with placeholders, then for real.
  const layout = (base: number) => {
    let at = base;
    const sections = {} as GeoTableHeader['sections'];
    for (const id of ['c4', 'c6', 'a4', 'a6'] as const) {
      sections[id] = { offset: at, count: input[id].length };
      at += sizes[id];
    }
    return { sections, end: at };
  };
  let base = 0;
  let headerBytes = new Uint8Array();
  for (let i = 0; i < 3; i++) {
    const header: GeoTableHeader = {
      format: GEO_TABLE_FORMAT,
      sources: input.sources,
      notice: input.notice,
      countries: input.countries,
      sections: layout(base).sections,
      order: (['c4', 'c6', 'a4', 'a6'] as const).map((id) => {
        const { offset, count } = layout(base).sections[id];
        return [offset, count];
      }),
    };
    headerBytes = new TextEncoder().encode(JSON.stringify(header));
    const next = align4(12 + headerBytes.length);
    if (next === base) break;
    base = next;
  }
  const { sections, end } = layout(base);
  const bytes = new Uint8Array(end);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(GEO_TABLE_MAGIC), 0);
  view.setUint32(4, GEO_TABLE_FORMAT, true);
  view.setUint32(8, headerBytes.length, true);
  bytes.set(headerBytes, 12);
  const mask32 = 0xffffffffn;
  for (const id of ['c4', 'a4'] as const) {
    const { offset, count } = sections[id];
    input[id].forEach((b, i) => {
      view.setUint32(offset + 4 * i, Number(b.start & mask32), true);
      if (id === 'c4') view.setUint8(offset + 4 * count + i, b.value);
      else view.setUint32(offset + 4 * count + 4 * i, b.value, true);
    });
  }
  for (const id of ['c6', 'a6'] as const) {
    const { offset, count } = sections[id];
    input[id].forEach((b, i) => {
      view.setUint32(offset + 4 * i, Number((b.start >> 32n) & mask32), true);
      view.setUint32(offset + 4 * count + 4 * i, Number(b.start & mask32), true);
      if (id === 'c6') view.setUint8(offset + 8 * count + i, b.value);
      else view.setUint32(offset + 8 * count + 4 * i, b.value, true);
    });
  }
  return bytes;
}
