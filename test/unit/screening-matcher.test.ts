// F2 the name matcher: normalisation across scripts, token-wise order-insensitive comparison with
// explanations, the measured F1 on the labelled pairs at the production threshold, screening with
// DOB / nationality / type adjustments, the blocked path against the exhaustive scan, and the pair command.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import anyAscii from '../../lambdas/screening/any-ascii.js';
import { compareNames } from '../../lambdas/screening/compare.js';
import { MATCH_THRESHOLD } from '../../lambdas/screening/config.js';
import { parseUnConsolidated } from '../../lambdas/screening/lists/un.js';
import type { ListEntity } from '../../lambdas/screening/model.js';
import { normaliseName, words } from '../../lambdas/screening/normalise.js';
import { schemaOf } from '../../lambdas/screening/pairs.js';
import { buildIndex, screen } from '../../lambdas/screening/screen.js';

const match = (a: string, b: string, schema: Parameters<typeof compareNames>[2] = 'Person') =>
  compareNames(a, b, schema).score >= MATCH_THRESHOLD;

describe('F2 normalisation', () => {
  it('F2 transliterates Cyrillic, Greek, Arabic and CJK, folds case, accents and punctuation', () => {
    expect(words('Владимир Путин')).toEqual(['vladimir', 'putin']);
    expect(words('Ελευθέριος Βενιζέλος')).toEqual(['eleytherios', 'venizelos']);
    expect(words('ESTÊVÃO Na-Tchuto')).toEqual(['estevao', 'na', 'tchuto']);
    expect(words('ОБЩЕСТВО')).toEqual(['obshchestvo']);
    expect(words('محمد')).toEqual(['mhmd']);
    expect(words('習近平').join('')).toBe('xijinping');
    expect(words('FridrichBuchenberg')).toEqual(['fridrich', 'buchenberg']);
    expect(words('Ig0r Sech1n')).toEqual(['igor', 'sechin']);
    expect(words('A.B.C. Company')).toEqual(['abc', 'company']);
  });

  it('F2 sets aside honorifics, particles and (for organisations) legal forms in one canonical spelling', () => {
    expect(normaliseName('Dr. Osama bin Laden', 'Person')).toMatchObject({
      tokens: ['osama', 'laden'],
      dropped: ['dr', 'bin'],
    });
    expect(normaliseName('OAO Gazprom', 'Company').forms).toEqual(['ojsc']);
    expect(normaliseName('Open Joint Stock Company Gazprom', 'Company')).toMatchObject({
      tokens: ['gazprom'],
      forms: ['ojsc'],
    });
    expect(normaliseName('ООО "Ромашка"', 'Company')).toMatchObject({ tokens: ['romashka'], forms: ['llc'] });
    expect(normaliseName('Deutsche Bank Aktiengesellschaft', 'Company')).toMatchObject({
      tokens: ['deutsche', 'bank'],
      forms: ['ag'],
    });
  });

  it('F2 an ASCII name skips NFKD, marks and transliteration and ends as the full pipeline makes it (every listed name)', () => {
    // the full pipeline's text before splitting, as words() wrote it for every name before the ASCII path
    const full = (raw: string) =>
      anyAscii(
        raw
          .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
          .toLowerCase()
          .normalize('NFKD')
          .replace(/\p{M}+/gu, ''),
      )
        .toLowerCase()
        .replace(/&/g, ' and ')
        .replace(/['`’‘ʼʻ]/g, '');
    const ascii = [
      "O'Brien-McDonald & Sons",
      'FridrichBuchenberg',
      'Ig0r Sech1n',
      'A.B.C. Company',
      '  Al-Qa`ida  ',
    ];
    for (const name of ascii) expect(words(name)).toEqual(words(full(name)));
    expect(words("O'Brien-McDonald & Sons")).toEqual(['obrien', 'mc', 'donald', 'and', 'sons']);
    const listed = parseUnConsolidated(readFileSync('data/lists/un/consolidated.xml', 'utf8')).flatMap((e) =>
      e.names.map((n) => n.name),
    );
    expect(listed.length).toBeGreaterThan(1000);
    for (const name of listed) expect(words(name)).toEqual(words(full(name)));
    // legal-form phrases looked up by their first word: the longer phrase first, as in LEGAL_FORMS
    expect(normaliseName('Otkrytoe Aktsionernoe Obshchestvo Gazprom Co Ltd', 'Company')).toMatchObject({
      tokens: ['gazprom'],
      forms: ['ojsc', 'ltd'],
    });
  });
});

describe('F2 name comparison', () => {
  it('F2 matches reorderings, typos, transliterations, joins and initials; not different people', () => {
    expect(match('bin Salman Mohammed', 'Mohammed bin Salman')).toBe(true);
    expect(match('Moammar Qaddafi', 'Muammar Gaddafi')).toBe(true);
    expect(match('Владимир Путин', 'Vladimir Putin')).toBe(true);
    expect(match('FridrichBuchenberg', 'Friedrich Buchenberg')).toBe(true);
    expect(match('MOHAMMAD HASNI HAJI SSAD KHAN ZARKARI', 'HAJI ASAD KHAN ZARKARI MOHAMMADHASNI')).toBe(true);
    expect(match('GENA C RANDOLPH', 'Randolph, Gena')).toBe(true);
    expect(match('Kim Jong-un', 'Kim Jong Un')).toBe(true);
    expect(match('Sergey Ivanov', 'Sergey Viktorovich LAVROV')).toBe(false);
    expect(match('QASIM MOHAMED MAHDI AL-HOUTHI', 'QASIM MOHAMED MAHDI AL-RIMI')).toBe(false);
    expect(match('이재형', '이재명')).toBe(false);
    expect(match('高石早苗', '高市早苗')).toBe(false);
  });

  it('F2 companies: legal forms in any language agree; other words do not', () => {
    expect(match('OAO Gazprom', 'Open Joint Stock Company Gazprom', 'Company')).toBe(true);
    expect(
      match('JSC TACTICAL MISSILES CORP.', 'TACTICAL MISSILES CORPORATION JOINT STOCK COMPANY', 'Company'),
    ).toBe(true);
    expect(match('Apple, Inc.', 'Apple Inc.', 'Company')).toBe(true);
    expect(
      match(
        'OJSC TACTICAL KITTENS CORPORATION',
        'TACTICAL MISSILES CORPORATION JOINT STOCK COMPANY',
        'Company',
      ),
    ).toBe(false);
    expect(match('Government of Estonia', 'Government of Ethiopia', 'Company')).toBe(false);
  });

  it('F2 explains a comparison token by token', () => {
    const result = compareNames('Moammar al-Qaddafi', 'Muammar Gaddafi', 'Person');
    expect(result.aligned.map((a) => [a.query, a.candidate, a.relation])).toEqual([
      ['moammar', 'muammar', expect.stringMatching(/similar|phonetic/)],
      ['qaddafi', 'gaddafi', expect.stringMatching(/similar|phonetic/)],
    ]);
    expect(result.unmatchedQuery).toEqual([]);
    const contradicted = compareNames('Sergey Ivanov', 'Sergey Viktorovich Lavrov', 'Person');
    expect(contradicted.aligned).toEqual([
      expect.objectContaining({ query: 'sergey', candidate: 'sergey', relation: 'equal', score: 1 }),
    ]);
    expect(contradicted.unmatchedQuery).toEqual(['ivanov']);
    expect(contradicted.unmatchedCandidate).toEqual(['viktorovich', 'lavrov']);
  });

  it('F2 reaches F1 ≥ 0.85 on the labelled pairs at the one production threshold', () => {
    const rows = parse(readFileSync('data/name-matching/name-pairs.csv'), { columns: true }) as Record<
      string,
      string
    >[];
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const r of rows) {
      const predicted =
        compareNames(r.name1 as string, r.name2 as string, schemaOf(r.schema as string)).score >=
        MATCH_THRESHOLD;
      const truth = r.is_match === 'true';
      if (predicted && truth) tp++;
      else if (predicted) fp++;
      else if (truth) fn++;
    }
    const p = tp / (tp + fp);
    const r = tp / (tp + fn);
    expect((2 * p * r) / (p + r)).toBeGreaterThanOrEqual(0.85);
  });
});

const entity = (
  id: string,
  schema: ListEntity['schema'],
  names: string[],
  more: Partial<ListEntity> = {},
): ListEntity => ({
  id: `test:${id}`,
  list: 'test',
  schema,
  names: names.map((name, i) => ({ name, kind: i === 0 ? 'primary' : 'alias' })),
  birthDates: [],
  nationalities: [],
  addresses: [],
  cryptoAddresses: [],
  programs: [],
  ...more,
});

describe('F2 screening', () => {
  const entities = [
    entity('1', 'Person', ['Muammar Gaddafi', 'Moammar Qaddafi'], {
      birthDates: ['1942-06-07'],
      nationalities: ['libya'],
    }),
    entity('2', 'Person', ['Sergey Viktorovich Lavrov'], { birthDates: ['1950-03-21'] }),
    entity('3', 'LegalEntity', ['Open Joint Stock Company Gazprom']),
    entity('4', 'Person', ['Mohammed Hassan']),
  ];
  const index = buildIndex(entities, [{ list: 'test', version: 'v1', sha256: 'a'.repeat(64) }]);

  it('F2 finds listed names and aliases, explains each hit and records the list versions used', () => {
    const result = screen({ name: 'Muamar al-Gadafi' }, index);
    expect(result.listVersions).toEqual([{ list: 'test', version: 'v1', sha256: 'a'.repeat(64) }]);
    expect(result.hits).toHaveLength(1);
    expect(result.hits[0]).toMatchObject({ entityId: 'test:1', list: 'test', schema: 'Person' });
    expect(result.hits[0]?.explanation.tokens.length).toBe(2);
    expect(screen({ name: 'OAO Gazprom', schema: 'Company' }, index).hits.map((h) => h.entityId)).toEqual([
      'test:3',
    ]);
    expect(screen({ name: 'Jane Doe' }, index).hits).toEqual([]);
  });

  it('F2 date of birth, nationality and entity type adjust the score where both sides have them', () => {
    const plain = screen({ name: 'Sergey Viktorovich Lavrov' }, index).hits[0];
    const sameDob = screen({ name: 'Sergey Viktorovich Lavrov', birthDate: '1950' }, index).hits[0];
    const otherDob = screen({ name: 'Sergei Viktorovich Lavrov', birthDate: '1985-01-01' }, index).hits;
    expect(plain?.score).toBeLessThanOrEqual(1);
    expect(sameDob?.explanation.adjustments).toEqual([
      expect.objectContaining({ factor: 1.1, reason: expect.stringMatching(/agrees/) }),
    ]);
    expect(otherDob.length === 0 || (otherDob[0]?.score ?? 1) < (plain?.score ?? 0)).toBe(true);
    const nationality = screen({ name: 'Muammar Gaddafi', nationalities: ['France'] }, index).hits[0];
    expect(nationality?.explanation.adjustments).toEqual([
      expect.objectContaining({ reason: 'nationality differs' }),
    ]);
    // a company named like a listed person is a weaker hit than the person
    const asCompany = screen({ name: 'Muammar Gaddafi', schema: 'Company' }, index).hits;
    expect(asCompany.every((h) => h.score < 0.8)).toBe(true);
  });

  it('F2 the blocked search finds what the exhaustive scan finds', () => {
    for (const name of [
      'Moamar Kadafi',
      'Lavrov Sergei',
      'Gazprom',
      'Mohamed Hasan',
      'Mohammed',
      'Nobody Atall',
    ]) {
      const fast = screen({ name }, index).hits.map((h) => h.entityId);
      const slow = screen({ name }, index, { exhaustive: true }).hits.map((h) => h.entityId);
      expect(fast, name).toEqual(slow);
    }
  });
});

describe('F2 screening:pairs command', () => {
  it('F2 prints one JSON line per row in order, whatever the column order; a bad header is an error', () => {
    const file = join(tmpdir(), `pairs-${process.pid}.csv`);
    writeFileSync(
      file,
      'name2,extra,schema,name1\n"Gaddafi, Muammar",x,Person,Moammar Qaddafi\nApple Inc.,,Company,"Apple, Inc."\nUlf Kristersson,,Person,Anders Kristersson\n',
    );
    const out = execFileSync('npx', ['tsx', 'scripts/screening-pairs.ts', file], { encoding: 'utf8' });
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { name1: 'Moammar Qaddafi', name2: 'Gaddafi, Muammar', score: expect.any(Number), match: true },
      { name1: 'Apple, Inc.', name2: 'Apple Inc.', score: 1, match: true },
      { name1: 'Anders Kristersson', name2: 'Ulf Kristersson', score: expect.any(Number), match: false },
    ]);
    writeFileSync(file, 'a,name1\n1,2\n');
    const bad = spawnSync('npx', ['tsx', 'scripts/screening-pairs.ts', file], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/lacks schema, name2/);
  });
});
