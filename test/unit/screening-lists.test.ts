// F2 list parsers on the real files in data/lists/ (copied from the shared reference data: see
// data/lists/README.md), the FollowTheMoney fixture, refusals of bad and truncated files, and versioned
// loading through the local ListStore. Expected counts were computed independently of the parsers:
//   OFAC SDN  (python csv over the Latin-1 text): 8,976 entries (4,620 individual, 3,673 entity, 406 vessel,
//             277 aircraft); alt.csv 11,910 aliases (11,523 aka, 369 fka, 18 nka); add.csv 13,837 rows of
//             which 11,440 have an address, city or country; 97 "Digital Currency Address" remarks once
//             sdn_comments.csv continues them (65 XBT, 10 ETH, 9 LTC, 3 ZEC, 3 DASH, 2 BCH, 1 each XMR, BTG,
//             ETC, BSV, XVG), 75 distinct XBT/ETH addresses;
//   UN        (grep / python ElementTree): 730 INDIVIDUAL, 273 ENTITY, 2,752 non-empty ALIAS_NAME, 378
//             NAME_ORIGINAL_SCRIPT, 743 addresses with a street, city, province, zip or country.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFtmLines } from '../../lambdas/screening/lists/ftm.js';
import { cryptoAddressesIn, parseOfacSdn } from '../../lambdas/screening/lists/ofac-sdn.js';
import { parseUnConsolidated } from '../../lambdas/screening/lists/un.js';
import { type ListEntity, ListFormatError } from '../../lambdas/screening/model.js';
import { currentLists, loadListVersion } from '../../lambdas/screening/versions.js';
import { LocalListStore } from '../../local/adapters/list-store.js';

const SDN_DIR = 'data/lists/ofac-sdn';
const sdnFiles = () => ({
  sdn: new Uint8Array(readFileSync(join(SDN_DIR, 'sdn.csv'))),
  alt: new Uint8Array(readFileSync(join(SDN_DIR, 'alt.csv'))),
  add: new Uint8Array(readFileSync(join(SDN_DIR, 'add.csv'))),
  comments: new Uint8Array(readFileSync(join(SDN_DIR, 'sdn_comments.csv'))),
});
const unXml = () => readFileSync('data/lists/un/consolidated.xml', 'utf8');
const sum = (entities: readonly ListEntity[], f: (e: ListEntity) => number) =>
  entities.reduce((s, e) => s + f(e), 0);
const bySchema = (entities: readonly ListEntity[]) =>
  Object.fromEntries(
    ['Person', 'LegalEntity', 'Vessel', 'Aircraft'].map((s) => [
      s,
      entities.filter((e) => e.schema === s).length,
    ]),
  );

describe('F2 OFAC SDN legacy CSV', () => {
  let sdn: ListEntity[];
  beforeAll(() => {
    sdn = parseOfacSdn(sdnFiles());
  });

  it('F2 reads every entry, alias, address and digital currency address of the real files', () => {
    expect(sdn).toHaveLength(8976);
    expect(bySchema(sdn)).toEqual({ Person: 4620, LegalEntity: 3673, Vessel: 406, Aircraft: 277 });
    expect(sum(sdn, (e) => e.names.length - 1)).toBe(11910);
    expect(sum(sdn, (e) => e.addresses.length)).toBe(11440);
    const crypto = sdn.flatMap((e) => e.cryptoAddresses);
    expect(crypto).toHaveLength(97);
    const perAsset = Object.fromEntries(
      [...new Set(crypto.map((c) => c.asset))].map((a) => [a, crypto.filter((c) => c.asset === a).length]),
    );
    expect(perAsset).toEqual({
      XBT: 65,
      ETH: 10,
      LTC: 9,
      ZEC: 3,
      DASH: 3,
      BCH: 2,
      XMR: 1,
      BTG: 1,
      ETC: 1,
      BSV: 1,
      XVG: 1,
    });
    expect(
      new Set(crypto.filter((c) => c.asset === 'XBT' || c.asset === 'ETH').map((c) => c.address)).size,
    ).toBe(75);
  });

  it('F2 continues remarks from sdn_comments.csv, even mid-word, and reads DOB, nationality and programmes', () => {
    const andreyev = sdn.find((e) => e.id === 'ofac-sdn:29703');
    // sdn.csv ends this entry's remarks with "Digital Currency Addres"; sdn_comments.csv goes on "s - ETH 0x8576…"
    expect(andreyev?.cryptoAddresses).toContainEqual({
      asset: 'ETH',
      address: '0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c',
    });
    expect(andreyev).toMatchObject({
      schema: 'Person',
      names: [{ name: 'ANDREYEV, Anton Nikolaeyvich', kind: 'primary' }],
      birthDates: ['1985-03-03'],
      nationalities: ['russia'],
      programs: ['CYBER2', 'ELECTION-EO13848'],
    });
    expect(sdn.find((e) => e.id === 'ofac-sdn:306')?.names.map((n) => n.name)).toContain(
      'NATIONAL BANK OF CUBA',
    );
    expect(
      cryptoAddressesIn('x; alt. Digital Currency Address - XBT 1abc; Digital Currency Address - ETH 0xdef.'),
    ).toEqual([
      { asset: 'XBT', address: '1abc' },
      { asset: 'ETH', address: '0xdef' },
    ]);
  });

  it('F2 refuses a truncated, malformed or inconsistent file whole, naming the file and line', () => {
    const files = sdnFiles();
    // cut inside the last line: no end-of-file byte
    expect(() => parseOfacSdn({ ...files, sdn: files.sdn.slice(0, files.sdn.length - 40) })).toThrow(
      /sdn\.csv: end of file: no end-of-file byte \(0x1A\): the file is truncated/,
    );
    // cut at a line end, end-of-file byte kept: the aliases then name entries sdn.csv no longer has
    const text = Buffer.from(files.sdn).toString('latin1');
    const cut = text.slice(0, text.indexOf('\n', text.length / 2) + 1);
    expect(() =>
      parseOfacSdn({ ...files, sdn: new Uint8Array(Buffer.from(`${cut}\x1a`, 'latin1')) }),
    ).toThrow(/(sdn_comments|alt)\.csv: line \d+: refers to entry \d+, which sdn\.csv does not have/);
    // an unclosed quote
    const broken = new Uint8Array(
      Buffer.from(
        '36,"AEROCARIBBEAN AIRLINES,-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a',
        'latin1',
      ),
    );
    expect(() => parseOfacSdn({ ...files, sdn: broken })).toThrow(ListFormatError);
    // a row of the wrong width
    const narrow = new Uint8Array(Buffer.from('36,"AEROCARIBBEAN AIRLINES",-0- \r\n\x1a', 'latin1'));
    expect(() => parseOfacSdn({ ...files, sdn: narrow })).toThrow(
      /sdn\.csv: line 1: expected 12 fields \(3 found\)/,
    );
  });
});

describe('F2 UN consolidated XML', () => {
  it('F2 reads every individual and entity with aliases, original-script names, DOBs, nationalities and addresses', () => {
    const un = parseUnConsolidated(unXml());
    expect(un).toHaveLength(1003);
    expect(bySchema(un)).toEqual({ Person: 730, LegalEntity: 273, Vessel: 0, Aircraft: 0 });
    expect(sum(un, (e) => e.names.filter((n) => n.kind === 'alias' || n.kind === 'weak-alias').length)).toBe(
      2752,
    );
    expect(sum(un, (e) => e.names.filter((n) => n.kind === 'original-script').length)).toBe(378);
    expect(sum(un, (e) => e.addresses.length)).toBe(743);
    expect(un.find((e) => e.id === 'un-sc:6907994')).toMatchObject({
      names: [
        { name: 'FRANK KAKOLELE BWAMBALE', kind: 'primary' },
        { name: 'FRANK KAKORERE', kind: 'alias' },
        { name: 'FRANK KAKORERE BWAMBALE', kind: 'alias' },
        { name: 'AIGLE BLANC', kind: 'alias' },
      ],
      nationalities: ['democratic republic of the congo'],
      programs: ['DRC'],
    });
    expect(un.find((e) => e.id === 'un-sc:6907993')?.birthDates).toEqual(['1971']);
  });

  it('F2 refuses a truncated or malformed document whole', () => {
    const xml = unXml();
    // cut between two lines: elements left open
    expect(() => parseUnConsolidated(xml.slice(0, xml.indexOf('\n', 100_000)))).toThrow(
      /consolidated\.xml: line \d+ \(end of file\): the document ends inside CONSOLIDATED_LIST\/INDIVIDUALS\/INDIVIDUAL/,
    );
    // cut inside a tag
    expect(() => parseUnConsolidated(xml.slice(0, 100_000))).toThrow(
      /consolidated\.xml: line 2373, column 17: Closing tag 'LIST_TYP'/,
    );
    expect(() =>
      parseUnConsolidated('<CONSOLIDATED_LIST><INDIVIDUALS>\n<INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>'),
    ).toThrow(/consolidated\.xml: line 2/);
    expect(() => parseUnConsolidated(xml.replace('<DATAID>6907993</DATAID>', ''))).toThrow(
      /INDIVIDUALS\/INDIVIDUAL\[1\]: DATAID/,
    );
  });
});

describe('F2 FollowTheMoney JSON lines', () => {
  const text = readFileSync('test/fixtures/screening/pep-sample.ftm.jsonl', 'utf8');

  it('F2 reads persons, companies and public bodies, attaches wallets to holders, skips other schemata', () => {
    const { entities, skipped } = parseFtmLines(text, 'sample_peps');
    expect(entities.map((e) => [e.id, e.schema, e.names.length])).toEqual([
      ['sample_peps:pep-nl-001', 'Person', 2],
      ['sample_peps:pep-ru-002', 'Person', 3],
      ['sample_peps:co-003', 'Company', 2],
      ['sample_peps:org-006', 'Organization', 2],
    ]);
    expect(skipped).toBe(1);
    expect(entities[1]).toMatchObject({
      birthDates: ['1970'],
      nationalities: ['ru'],
      cryptoAddresses: [{ asset: 'XBT', address: 'bc1qsampleaddressxxxxxxxxxxxxxxxxxxxxxxxx' }],
    });
  });

  it('F2 refuses a file with a line that is not JSON (truncated) or not an entity, naming the line', () => {
    expect(() => parseFtmLines(text.slice(0, 300), 'x', 'x.json')).toThrow(/x\.json: line 2: not JSON/);
    expect(() => parseFtmLines(`${text}{"id":"a"}\n`, 'x', 'x.json')).toThrow(
      /x\.json: line 7: not a FollowTheMoney entity/,
    );
  });
});

describe('F2 list versions', () => {
  it('F2 a load is stored with an id and a sha-256 digest; a bad file is refused whole and the previous version stays current', async () => {
    const store = new LocalListStore(mkdtempSync(join(tmpdir(), 'lists-')));
    const good = new Map([
      ['consolidated.xml', new Uint8Array(readFileSync('data/lists/un/consolidated.xml'))],
    ]);
    const first = await loadListVersion(store, {
      format: 'un-xml',
      list: 'un-sc',
      files: good,
      loadedBy: 'test',
      now: new Date('2026-03-01T10:00:00Z'),
    });
    expect(first).toMatchObject({
      outcome: 'loaded',
      manifest: { list: 'un-sc', entities: 1003, counts: { aliases: 2752 } },
    });
    expect(first.manifest.version).toMatch(/^20260301T100000Z-[0-9a-f]{12}$/);
    expect(first.manifest.sha256).toMatch(/^[0-9a-f]{64}$/);

    const truncated = new Map([
      ['consolidated.xml', (good.get('consolidated.xml') as Uint8Array).slice(0, 50_000)],
    ]);
    await expect(
      loadListVersion(store, {
        format: 'un-xml',
        list: 'un-sc',
        files: truncated,
        loadedBy: 'test',
        now: new Date('2026-03-02T10:00:00Z'),
      }),
    ).rejects.toThrow(ListFormatError);
    expect((await store.current('un-sc'))?.version).toBe(first.manifest.version);

    const again = await loadListVersion(store, {
      format: 'un-xml',
      list: 'un-sc',
      files: good,
      loadedBy: 'test',
      now: new Date('2026-03-03T10:00:00Z'),
    });
    expect(again).toMatchObject({ outcome: 'unchanged', manifest: { version: first.manifest.version } });

    const loaded = await currentLists(store, [
      { list: 'un-sc', format: 'un-xml' },
      { list: 'ofac-sdn', format: 'ofac-sdn-csv' },
    ]);
    expect(loaded.entities).toHaveLength(1003);
    expect(loaded.versions).toEqual([
      { list: 'un-sc', version: first.manifest.version, sha256: first.manifest.sha256 },
    ]);
  });
});
