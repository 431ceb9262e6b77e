// F2: OFAC's SDN list in its legacy CSV format (OFAC "SDN list data formats"): four files without a header,
// Latin-1, `-0-` for an empty field, each ending in the DOS end-of-file byte 0x1A.
//   sdn.csv          ent_num, name, type, program, title, call sign, vessel type, tonnage, GRT, flag, owner, remarks
//   alt.csv          ent_num, alt_num, alt_type (aka/fka/nka), alt_name, alt_remarks
//   add.csv          ent_num, add_num, address, city/state/postal code, country, add_remarks
//   sdn_comments.csv ent_num, remarks continued (appended to the entry's remarks as written: it may split a word)
// The remarks carry DOB, nationality and "Digital Currency Address - XBT …" features. A file that does not
// parse, misses its end-of-file byte (truncated), has a row of the wrong width or refers to an unknown entry
// is refused whole with the file and line named. Pure: takes the files' bytes.
import { parse } from 'csv-parse/sync';
import * as z from 'zod/mini';
import { checkedEntity, isoDates, type ListEntity, ListFormatError } from '../model.js';

export const OFAC_SDN_LIST = 'ofac-sdn';

export interface OfacSdnFiles {
  readonly sdn: Uint8Array;
  readonly alt: Uint8Array;
  readonly add: Uint8Array;
  /** Optional in OFAC's publication; absent means no continued remarks. */
  readonly comments?: Uint8Array;
}

const EOF = 0x1a;
const field = z.string().check(z.maxLength(20_000));
const entNum = z.string().check(z.regex(/^\d+$/));
const sdnRow = z.tuple([entNum, field, field, field, field, field, field, field, field, field, field, field]);
const altRow = z.tuple([entNum, entNum, field, field, field]);
const addRow = z.tuple([entNum, entNum, field, field, field, field]);
const commentRow = z.tuple([entNum, field]);

/** Decodes and splits one file into rows of `width` fields; refuses it whole on the first fault. */
function rowsOf<T extends readonly string[]>(
  bytes: Uint8Array,
  file: string,
  schema: z.ZodMiniType<T>,
  requireEof: boolean,
): { line: number; row: T }[] {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === EOF) end -= 1;
  else if (requireEof)
    throw new ListFormatError(file, 'end of file', 'no end-of-file byte (0x1A): the file is truncated');
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
  let records: { info: { lines: number }; record: string[] }[];
  try {
    records = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new ListFormatError(file, line === undefined ? 'parse' : `line ${line}`, (error as Error).message);
  }
  if (records.length === 0) throw new ListFormatError(file, 'line 1', 'the file has no rows');
  return records.map(({ info, record }) => {
    const cells = record.map((c) => c.trim());
    const parsed = z.safeParse(schema, cells);
    if (!parsed.success) {
      throw new ListFormatError(
        file,
        `line ${info.lines}`,
        `expected ${(schema as unknown as { def: { items: unknown[] } }).def.items.length} fields (${cells.length} found) or a bad id: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    }
    return { line: info.lines, row: parsed.data };
  });
}

const value = (cell: string): string | undefined => (cell === '-0-' || cell === '' ? undefined : cell);

const SCHEMA_OF_TYPE: Readonly<Record<string, ListEntity['schema']>> = {
  individual: 'Person',
  vessel: 'Vessel',
  aircraft: 'Aircraft',
};

/** "Digital Currency Address - XBT 1abc…", each occurrence (the "alt." ones too). */
export function cryptoAddressesIn(remarks: string): { asset: string; address: string }[] {
  const found: { asset: string; address: string }[] = [];
  for (const m of remarks.matchAll(/Digital Currency Address - ([A-Z0-9]{2,10}) ([A-Za-z0-9]+)/g)) {
    found.push({ asset: m[1] as string, address: m[2] as string });
  }
  return found;
}

/** Remarks features "DOB …" and "nationality …" / "citizen …". */
function remarkFeatures(remarks: string): { birthDates: string[]; nationalities: string[] } {
  const birthDates: string[] = [];
  const nationalities: string[] = [];
  for (const part of remarks.split(';')) {
    const item = part.trim().replace(/\.$/, '');
    const dob = /^(?:alt\. )?DOB (.+)$/.exec(item);
    if (dob) birthDates.push(...isoDates(dob[1] as string));
    const nat = /^(?:alt\. )?(?:nationality|citizen) (.+)$/.exec(item);
    if (nat) nationalities.push((nat[1] as string).trim().toLowerCase());
  }
  return { birthDates: [...new Set(birthDates)], nationalities: [...new Set(nationalities)] };
}

/** The entities of one SDN publication. */
export function parseOfacSdn(files: OfacSdnFiles): ListEntity[] {
  const sdn = rowsOf(files.sdn, 'sdn.csv', sdnRow, true);
  const alt = rowsOf(files.alt, 'alt.csv', altRow, true);
  const add = rowsOf(files.add, 'add.csv', addRow, true);
  const comments = files.comments ? rowsOf(files.comments, 'sdn_comments.csv', commentRow, false) : [];

  const remarks = new Map<string, string>();
  const lineOf = new Map<string, number>();
  for (const { line, row } of sdn) {
    if (lineOf.has(row[0]))
      throw new ListFormatError('sdn.csv', `line ${line}`, `entry ${row[0]} appears twice`);
    lineOf.set(row[0], line);
    remarks.set(row[0], value(row[11]) ?? '');
  }
  const known = (file: string, line: number, id: string) => {
    if (!lineOf.has(id))
      throw new ListFormatError(file, `line ${line}`, `refers to entry ${id}, which sdn.csv does not have`);
  };
  for (const { line, row } of comments) {
    known('sdn_comments.csv', line, row[0]);
    remarks.set(row[0], `${remarks.get(row[0]) ?? ''}${row[1]}`);
  }
  const aliases = new Map<string, ListEntity['names']>();
  for (const { line, row } of alt) {
    known('alt.csv', line, row[0]);
    const name = value(row[3]);
    if (name === undefined) continue;
    const weak = value(row[2])?.toLowerCase() === 'weak aka';
    aliases.set(row[0], [...(aliases.get(row[0]) ?? []), { name, kind: weak ? 'weak-alias' : 'alias' }]);
  }
  const addresses = new Map<string, string[]>();
  for (const { line, row } of add) {
    known('add.csv', line, row[0]);
    const parts = [row[2], row[3], row[4]].map(value).filter((p): p is string => p !== undefined);
    if (parts.length > 0) addresses.set(row[0], [...(addresses.get(row[0]) ?? []), parts.join(', ')]);
  }

  return sdn.map(({ line, row }) => {
    const id = row[0];
    const text = remarks.get(id) ?? '';
    const type = value(row[2])?.toLowerCase();
    const program = value(row[3]);
    const name = value(row[1]);
    if (name === undefined) throw new ListFormatError('sdn.csv', `line ${line}`, `entry ${id} has no name`);
    return checkedEntity(
      {
        id: `${OFAC_SDN_LIST}:${id}`,
        list: OFAC_SDN_LIST,
        schema: type === undefined ? 'LegalEntity' : (SCHEMA_OF_TYPE[type] ?? 'Other'),
        names: [{ name, kind: 'primary' }, ...(aliases.get(id) ?? [])],
        ...remarkFeatures(text),
        addresses: addresses.get(id) ?? [],
        cryptoAddresses: cryptoAddressesIn(text),
        // "SDGT] [IFSR": OFAC joins several programmes with "] ["
        programs:
          program === undefined ? [] : program.split('] [').map((p) => p.replace(/[[\]]/g, '').trim()),
      },
      'sdn.csv',
      `line ${line} (entry ${id})`,
    );
  });
}
