// F2: one set of rules for a list entity (lambdas/screening/model.ts ENTITY_RULES): the zod schema the loader
// checks each parsed entity with, and the hand-written reader of the entities file the screening reads
// (list-entities.ts decodeEntities, by hand for speed), accept and refuse the same entities. Each bad entity
// below breaks one rule once; the good ones sit on the limits.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ListVersionManifest } from '../../lambdas/kernel/ports/list-store.js';
import {
  decodeEntities,
  encodeEntities,
  ListVersionUnusable,
} from '../../lambdas/screening/list-entities.js';
import {
  checkedEntity,
  ENTITY_RULES,
  type ListEntity,
  ListFormatError,
} from '../../lambdas/screening/model.js';

const R = ENTITY_RULES;
const base: ListEntity = {
  id: 'ofac-sdn:30518',
  list: 'ofac-sdn',
  schema: 'Person',
  names: [
    { name: 'Jan Pieter de Vries', kind: 'primary' },
    { name: 'J. P. de Vries', kind: 'alias' },
  ],
  birthDates: ['1960-05-05'],
  nationalities: ['nl'],
  addresses: ['Amsterdam'],
  cryptoAddresses: [{ asset: 'ETH', address: '0x7f367cc41522ce07553e823bf3be79a889debe1b' }],
  programs: ['CYBER2'],
};
const chars = (n: number) => 'x'.repeat(n);
const name = (n: string) => ({ name: n, kind: 'primary' });
const crypto = (asset: unknown, address: unknown = 'bc1qexample') => [{ asset, address }];

/** Entities within every rule: on its limits. */
const GOOD: Record<string, Partial<Record<keyof ListEntity, unknown>>> = {
  'as loaded': {},
  'id of the least length': { id: chars(R.id.min) },
  'id of the greatest length': { id: chars(R.id.max) },
  'list of the least length': { list: chars(R.list.min) },
  'list of the greatest length': { list: chars(R.list.max) },
  'every schema': { schema: 'Vessel' },
  'one name': { names: [name('A')] },
  'a name of the greatest length': { names: [name(chars(R.text.max))] },
  'every kind of name': {
    names: ['primary', 'alias', 'weak-alias', 'original-script'].map((kind) => ({ name: 'N', kind })),
  },
  'birth dates of a year, a month, a day': { birthDates: ['1960', '1960-05', '1960-05-05'] },
  'no birth dates, nationalities, addresses, digital-currency addresses or programmes': {
    birthDates: [],
    nationalities: [],
    addresses: [],
    cryptoAddresses: [],
    programs: [],
  },
  'asset codes of the least and greatest length': {
    cryptoAddresses: [
      { asset: 'X1', address: 'a' },
      { asset: 'ABCDEFGH12', address: chars(R.text.max) },
    ],
  },
  'texts of the greatest length': {
    nationalities: [chars(R.text.max)],
    addresses: [chars(R.text.max)],
    programs: [chars(R.text.max)],
  },
};

/** Each breaks one rule once. */
const BAD: Record<string, Partial<Record<keyof ListEntity, unknown>>> = {
  'id too short': { id: chars(R.id.min - 1) },
  'id too long': { id: chars(R.id.max + 1) },
  'id not a string': { id: 30518 },
  'list empty': { list: '' },
  'list too long': { list: chars(R.list.max + 1) },
  'list not a string': { list: null },
  'unknown schema': { schema: 'Spaceship' },
  'schema not a string': { schema: 1 },
  'no names': { names: [] },
  'names not a list': { names: 'Jan' },
  'an empty name': { names: [name('')] },
  'a name too long': { names: [name(chars(R.text.max + 1))] },
  'a name not a string': { names: [{ name: 7, kind: 'primary' }] },
  'an unknown kind of name': { names: [{ name: 'Jan', kind: 'nickname' }] },
  'a birth date as printed': { birthDates: ['5 May 1960'] },
  'a birth date of two digits': { birthDates: ['60'] },
  'a birth date with a short month': { birthDates: ['1960-5'] },
  'a birth date with a time': { birthDates: ['1960-05-05T00:00'] },
  'a birth date not a string': { birthDates: [1960] },
  'birth dates not a list': { birthDates: '1960' },
  'an empty nationality': { nationalities: [''] },
  'a nationality too long': { nationalities: [chars(R.text.max + 1)] },
  'nationalities not a list': { nationalities: 'nl' },
  'an empty address': { addresses: [''] },
  'an address too long': { addresses: [chars(R.text.max + 1)] },
  'a programme not a string': { programs: [3] },
  'a programme too long': { programs: [chars(R.text.max + 1)] },
  'a lower-case asset': { cryptoAddresses: crypto('eth') },
  'an asset too short': { cryptoAddresses: crypto('X') },
  'an asset too long': { cryptoAddresses: crypto('ABCDEFGHIJK') },
  'an asset with a sign': { cryptoAddresses: crypto('USD-T') },
  'an empty digital-currency address': { cryptoAddresses: crypto('XBT', '') },
  'a digital-currency address too long': { cryptoAddresses: crypto('XBT', chars(R.text.max + 1)) },
  'digital-currency addresses not a list': { cryptoAddresses: 'XBT' },
};

/** Whether the loader's schema accepts it. */
const bySchema = (entity: unknown): boolean => {
  try {
    checkedEntity(entity, 'test.json', 'entity 0');
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(ListFormatError);
    return false;
  }
};

/** An entity as the entities file holds it (encodeEntities's tuple), for any value of its fields. */
const tupleOf = (e: Record<string, unknown>) => {
  const pairs = (value: unknown, a: string, b: string) =>
    Array.isArray(value) ? value.map((v: Record<string, unknown>) => [v[a], v[b]]) : value;
  return [
    e.id,
    e.list,
    e.schema,
    pairs(e.names, 'name', 'kind'),
    e.birthDates,
    e.nationalities,
    e.addresses,
    pairs(e.cryptoAddresses, 'asset', 'address'),
    e.programs,
  ];
};

/** Whether the screening's reader of the entities file accepts it (in a file holding it alone). */
const byReader = (entity: Record<string, unknown>): boolean => {
  const { file: template } = encodeEntities('ofac-sdn', 'v1', []);
  const bytes = new TextEncoder().encode(
    JSON.stringify({ format: template.format, list: 'ofac-sdn', version: 'v1', entities: [tupleOf(entity)] }),
  );
  const manifest: ListVersionManifest = {
    list: 'ofac-sdn',
    version: 'v1',
    sha256: '0'.repeat(64),
    loadedAt: '2026-12-05T00:00:00.000Z',
    files: [],
    entities: 1,
    counts: {},
    loadedBy: 'test',
    entitiesFile: {
      ...template,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    },
  };
  try {
    const [read] = decodeEntities(manifest, bytes);
    expect(read).toEqual(entity);
    return true;
  } catch (error) {
    expect(error).toMatchObject({ name: 'ListVersionUnusable', reason: 'malformed' });
    expect(error).toBeInstanceOf(ListVersionUnusable);
    return false;
  }
};

describe('F2 one set of rules for a list entity', () => {
  it('F2 the loader’s schema and the entities file’s hand reader accept the same entities, each on the limits of a rule', () => {
    for (const [what, change] of Object.entries(GOOD)) {
      const entity = { ...base, ...change };
      expect({ what, schema: bySchema(entity), reader: byReader(entity) }).toEqual({
        what,
        schema: true,
        reader: true,
      });
    }
  });

  it('F2 the loader’s schema and the entities file’s hand reader refuse the same entities, each breaking one rule once', () => {
    expect(Object.keys(BAD).length).toBeGreaterThanOrEqual(30);
    for (const [what, change] of Object.entries(BAD)) {
      const entity = { ...base, ...change };
      expect({ what, schema: bySchema(entity), reader: byReader(entity) }).toEqual({
        what,
        schema: false,
        reader: false,
      });
    }
  });
});
