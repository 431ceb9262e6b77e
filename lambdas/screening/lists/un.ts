// F2: the UN Security Council Consolidated List as XML: CONSOLIDATED_LIST → INDIVIDUALS/INDIVIDUAL and
// ENTITIES/ENTITY, each with DATAID, FIRST_NAME … FOURTH_NAME, NAME_ORIGINAL_SCRIPT, aliases
// (INDIVIDUAL_ALIAS / ENTITY_ALIAS: QUALITY, ALIAS_NAME), dates of birth (DATE, YEAR, FROM_YEAR/TO_YEAR),
// NATIONALITY/VALUE, addresses and UN_LIST_TYPE (the sanctions regime). The document is checked well-formed
// first (a truncated file fails there, with its line), then its shape with zod; a fault refuses it whole.
// Pure: takes the file's text.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as z from 'zod/mini';
import { checkedEntity, isoDates, type ListEntity, ListFormatError } from '../model.js';

export const UN_LIST = 'un-sc';
const FILE = 'consolidated.xml';

/** Elements that repeat: always arrays, even when a file has one. */
const REPEATED = new Set([
  'INDIVIDUAL',
  'ENTITY',
  'INDIVIDUAL_ALIAS',
  'ENTITY_ALIAS',
  'INDIVIDUAL_DATE_OF_BIRTH',
  'INDIVIDUAL_ADDRESS',
  'ENTITY_ADDRESS',
  'VALUE',
]);

const cell = z.optional(z.union([z.string(), z.number()]));
const values = z.optional(z.union([z.string(), z.object({ VALUE: z.optional(z.array(cell)) })]));
const alias = z.object({ QUALITY: cell, ALIAS_NAME: cell });
const address = z.object({ STREET: cell, CITY: cell, STATE_PROVINCE: cell, ZIP_CODE: cell, COUNTRY: cell });
const dob = z.object({ DATE: cell, YEAR: cell, FROM_YEAR: cell, TO_YEAR: cell });
const common = {
  DATAID: z.union([z.string().check(z.minLength(1)), z.number()]),
  FIRST_NAME: z.union([z.string(), z.number()]),
  SECOND_NAME: cell,
  THIRD_NAME: cell,
  FOURTH_NAME: cell,
  NAME_ORIGINAL_SCRIPT: cell,
  UN_LIST_TYPE: cell,
};
const individual = z.object({
  ...common,
  NATIONALITY: values,
  INDIVIDUAL_ALIAS: z.optional(z.array(alias)),
  INDIVIDUAL_ADDRESS: z.optional(z.array(address)),
  INDIVIDUAL_DATE_OF_BIRTH: z.optional(z.array(dob)),
});
const entity = z.object({
  ...common,
  ENTITY_ALIAS: z.optional(z.array(alias)),
  ENTITY_ADDRESS: z.optional(z.array(address)),
});
const document = z.object({
  CONSOLIDATED_LIST: z.object({
    INDIVIDUALS: z.union([z.literal(''), z.object({ INDIVIDUAL: z.optional(z.array(z.unknown())) })]),
    ENTITIES: z.union([z.literal(''), z.object({ ENTITY: z.optional(z.array(z.unknown())) })]),
  }),
});

const str = (v: string | number | undefined): string | undefined => {
  const s = v === undefined ? '' : String(v).trim();
  return s === '' ? undefined : s;
};

function parseShape<T>(schema: z.ZodMiniType<T>, raw: unknown, where: string): T {
  const parsed = z.safeParse(schema, raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ListFormatError(
      FILE,
      where,
      `${issue?.path.join('/') ?? ''}: ${issue?.message ?? 'bad shape'}`,
    );
  }
  return parsed.data;
}

function aliasesOf(list: readonly z.infer<typeof alias>[] | undefined): ListEntity['names'] {
  return (list ?? []).flatMap((a) => {
    const name = str(a.ALIAS_NAME);
    if (name === undefined) return [];
    return [
      { name, kind: str(a.QUALITY)?.toLowerCase() === 'low' ? ('weak-alias' as const) : ('alias' as const) },
    ];
  });
}

function addressesOf(list: readonly z.infer<typeof address>[] | undefined): string[] {
  return (list ?? []).flatMap((a) => {
    const parts = [a.STREET, a.CITY, a.STATE_PROVINCE, a.ZIP_CODE, a.COUNTRY]
      .map(str)
      .filter((p) => p !== undefined);
    return parts.length === 0 ? [] : [parts.join(', ')];
  });
}

function namesOf(
  e: z.infer<typeof entity> | z.infer<typeof individual>,
  aliases: ListEntity['names'],
): ListEntity['names'] {
  const primary = [e.FIRST_NAME, e.SECOND_NAME, e.THIRD_NAME, e.FOURTH_NAME]
    .map((p) => str(p))
    .filter((p) => p !== undefined)
    .join(' ');
  const original = str(e.NAME_ORIGINAL_SCRIPT);
  return [
    { name: primary, kind: 'primary' as const },
    ...(original === undefined ? [] : [{ name: original, kind: 'original-script' as const }]),
    ...aliases,
  ];
}

/** The entities of one consolidated list. */
export function parseUnConsolidated(xml: string): ListEntity[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const unclosed = /^Invalid '\[(.*)\]' found/s.exec(valid.err.msg);
    if (unclosed) {
      // the validator's way of saying the document ended with elements still open: a truncated file
      const open = (unclosed[1] as string).replace(/[\s"]/g, '').split(',').join('/');
      const lines = xml.split('\n').length;
      throw new ListFormatError(
        FILE,
        `line ${lines} (end of file)`,
        `the document ends inside ${open}: truncated`,
      );
    }
    throw new ListFormatError(FILE, `line ${valid.err.line}, column ${valid.err.col}`, valid.err.msg);
  }
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => REPEATED.has(name),
  });
  const root = parseShape(document, parser.parse(xml), 'CONSOLIDATED_LIST');
  const individuals =
    root.CONSOLIDATED_LIST.INDIVIDUALS === '' ? [] : (root.CONSOLIDATED_LIST.INDIVIDUALS.INDIVIDUAL ?? []);
  const entities =
    root.CONSOLIDATED_LIST.ENTITIES === '' ? [] : (root.CONSOLIDATED_LIST.ENTITIES.ENTITY ?? []);
  if (individuals.length + entities.length === 0)
    throw new ListFormatError(FILE, 'CONSOLIDATED_LIST', 'the list is empty');

  const people = individuals.map((raw, n) => {
    const where = `INDIVIDUALS/INDIVIDUAL[${n + 1}]`;
    const p = parseShape(individual, raw, where);
    const nationality = typeof p.NATIONALITY === 'object' ? (p.NATIONALITY.VALUE ?? []) : [];
    return checkedEntity(
      {
        id: `${UN_LIST}:${p.DATAID}`,
        list: UN_LIST,
        schema: 'Person',
        names: namesOf(p, aliasesOf(p.INDIVIDUAL_ALIAS)),
        birthDates: [
          ...new Set(
            (p.INDIVIDUAL_DATE_OF_BIRTH ?? []).flatMap((d) => {
              const date = str(d.DATE);
              if (date !== undefined) return isoDates(date);
              const year = str(d.YEAR);
              if (year !== undefined) return isoDates(year);
              const from = str(d.FROM_YEAR);
              const to = str(d.TO_YEAR);
              return from !== undefined ? isoDates(to === undefined ? from : `${from} to ${to}`) : [];
            }),
          ),
        ],
        nationalities: nationality
          .map(str)
          .filter((v) => v !== undefined)
          .map((v) => v.toLowerCase()),
        addresses: addressesOf(p.INDIVIDUAL_ADDRESS),
        cryptoAddresses: [],
        programs: str(p.UN_LIST_TYPE) === undefined ? [] : [str(p.UN_LIST_TYPE)],
      },
      FILE,
      where,
    );
  });
  const organisations = entities.map((raw, n) => {
    const where = `ENTITIES/ENTITY[${n + 1}]`;
    const e = parseShape(entity, raw, where);
    return checkedEntity(
      {
        id: `${UN_LIST}:${e.DATAID}`,
        list: UN_LIST,
        schema: 'LegalEntity',
        names: namesOf(e, aliasesOf(e.ENTITY_ALIAS)),
        birthDates: [],
        nationalities: [],
        addresses: addressesOf(e.ENTITY_ADDRESS),
        cryptoAddresses: [],
        programs: str(e.UN_LIST_TYPE) === undefined ? [] : [str(e.UN_LIST_TYPE)],
      },
      FILE,
      where,
    );
  });
  return [...people, ...organisations];
}
