// F2: the one entity model every list is parsed into (OFAC SDN, UN consolidated, FollowTheMoney lines), and
// the refusal a bad list file ends in. Pure.
import * as z from 'zod/mini';

export const SCHEMAS = [
  'Person',
  'Company',
  'Organization',
  'LegalEntity',
  'Vessel',
  'Aircraft',
  'Other',
] as const;

/** How a list names a person or body: the primary name, then the aliases. */
export const NAME_KINDS = ['primary', 'alias', 'weak-alias', 'original-script'] as const;

/**
 * The limits and patterns of a list entity, defined once: the schema below checks them at load, the entities
 * file's hand-written reader (list-entities.ts `decodeEntities`) at screening.
 */
export const ENTITY_RULES = {
  /** Characters of an entity id (`<list>:<the list's own id>`). */
  id: { min: 3, max: 200 },
  /** Characters of a list name. */
  list: { min: 1, max: 100 },
  /** Characters of a name, nationality, address, digital-currency address or programme. */
  text: { min: 1, max: 2000 },
  /** Names an entity has at least. */
  minNames: 1,
  /** A birth date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
  birthDate: /^\d{4}(-\d{2}(-\d{2})?)?$/,
  /** A digital-currency asset code (XBT, ETH, USDT …). */
  asset: /^[A-Z0-9]{2,10}$/,
} as const;

/** The schema of a list's entity: built on the first entity parsed (only the list loader parses lists). */
const buildListEntity = () => {
  const R = ENTITY_RULES;
  const sized = (limits: { min: number; max: number }) =>
    z.string().check(z.minLength(limits.min), z.maxLength(limits.max));
  const text = sized(R.text);
  return z.object({
    /** Unique across lists: `<list>:<the list's own id>`. */
    id: sized(R.id),
    /** The list it comes from (ofac-sdn, un-sc, or a FollowTheMoney dataset's name). */
    list: sized(R.list),
    schema: z.enum(SCHEMAS),
    /** The primary name first, then the aliases (a.k.a., f.k.a., n.k.a., original script). */
    names: z.array(z.object({ name: text, kind: z.enum(NAME_KINDS) })).check(z.minLength(R.minNames)),
    /** As the list gives them: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a range lists every year). */
    birthDates: z.array(z.string().check(z.regex(R.birthDate))),
    /** Country names or codes as the list gives them, lower case. */
    nationalities: z.array(text),
    addresses: z.array(text),
    /** Digital currency addresses, by the list's asset code (XBT, ETH, LTC …). */
    cryptoAddresses: z.array(z.object({ asset: z.string().check(z.regex(R.asset)), address: text })),
    /** Sanctions programmes or topics. */
    programs: z.array(text),
  });
};
export type ListEntity = z.infer<ReturnType<typeof buildListEntity>>;
let listEntity: ReturnType<typeof buildListEntity> | undefined;

/** A list file that cannot be used: it is refused whole, and the version in force stays in force. */
export class ListFormatError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${file}: ${where}: ${reason}`);
    this.name = 'ListFormatError';
  }
}

/** Validates a parsed entity; a bad one refuses the whole file, naming where it came from. */
export function checkedEntity(raw: unknown, file: string, where: string): ListEntity {
  listEntity ??= buildListEntity();
  const parsed = z.safeParse(listEntity, raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(entity)'}: ${i.message}`)
      .join('; ');
    throw new ListFormatError(file, where, issues);
  }
  return parsed.data;
}

const MONTHS: Readonly<Record<string, string>> = {
  jan: '01',
  feb: '02',
  mar: '03',
  apr: '04',
  may: '05',
  jun: '06',
  jul: '07',
  aug: '08',
  sep: '09',
  oct: '10',
  nov: '11',
  dec: '12',
};

/** A date as lists print it ("10 Dec 1948", "Dec 1948", "1948", "1948-12-10", "1960 to 1962") → ISO parts. */
export function isoDates(raw: string): string[] {
  const s = raw.trim().toLowerCase();
  let m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (m) return [`${m[1]}-${m[2]}-${m[3]}`];
  m = /^(\d{1,2}) ([a-z]{3})[a-z]* (\d{4})$/.exec(s);
  if (m && MONTHS[m[2] as string])
    return [`${m[3]}-${MONTHS[m[2] as string]}-${(m[1] as string).padStart(2, '0')}`];
  m = /^([a-z]{3})[a-z]* (\d{4})$/.exec(s);
  if (m && MONTHS[m[1] as string]) return [`${m[2]}-${MONTHS[m[1] as string]}`];
  m = /^(?:circa |approximately )?(\d{4})(?: to (\d{4}))?$/.exec(s);
  if (m) {
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Math.min(Number(m[2]), from + 20);
    return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
  }
  return [];
}
