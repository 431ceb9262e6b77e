// F2: FollowTheMoney entities as JSON lines (one entity per line: {"id", "schema", "properties": {…},
// "datasets"}), the format in which PEP and other commercial lists are licensed. Persons, companies,
// organisations, legal entities, vessels and airplanes become list entities; CryptoWallet lines add their
// address to the holder they name; other schemata (addresses, sanctions, relations) are skipped and counted.
// A line that is not JSON or not an entity refuses the whole file, naming the line. Pure.
import * as z from 'zod/mini';
import { checkedEntity, isoDates, type ListEntity, ListFormatError } from '../model.js';

const ftmLine = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(190)),
  schema: z.string().check(z.minLength(1)),
  properties: z.record(z.string(), z.array(z.string())),
  datasets: z.optional(z.array(z.string())),
});

const SCHEMA_OF: Readonly<Record<string, ListEntity['schema']>> = {
  Person: 'Person',
  Company: 'Company',
  Organization: 'Organization',
  LegalEntity: 'LegalEntity',
  PublicBody: 'Organization',
  Vessel: 'Vessel',
  Airplane: 'Aircraft',
};

/** FollowTheMoney currency codes onto the SDN's asset codes (BTC is XBT there). */
const ASSET_OF: Readonly<Record<string, string>> = { BTC: 'XBT', XBT: 'XBT' };

export interface FtmParse {
  readonly entities: ListEntity[];
  readonly skipped: number;
}

/** The entities of one FollowTheMoney file, as list `list`. */
export function parseFtmLines(text: string, list: string, file = `${list}.ftm.json`): FtmParse {
  const lines = text.split('\n');
  const entities = new Map<
    string,
    Record<string, unknown> & { cryptoAddresses: { asset: string; address: string }[] }
  >();
  const wallets: { line: number; holder: string; asset: string; address: string }[] = [];
  const lineOf = new Map<string, number>();
  let skipped = 0;
  lines.forEach((raw, n) => {
    const line = n + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new ListFormatError(
        file,
        `line ${line}`,
        `not JSON (${(error as Error).message}); a truncated file?`,
      );
    }
    const parsed = z.safeParse(ftmLine, json);
    if (!parsed.success) {
      throw new ListFormatError(
        file,
        `line ${line}`,
        `not a FollowTheMoney entity: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
      );
    }
    const { id, schema, properties: p } = parsed.data;
    if (schema === 'CryptoWallet') {
      const holder = p.holder?.[0];
      const address = p.publicKey?.[0];
      const currency = p.currency?.[0]?.toUpperCase();
      if (holder && address && currency)
        wallets.push({ line, holder, asset: ASSET_OF[currency] ?? currency, address });
      return;
    }
    const ours = SCHEMA_OF[schema];
    if (ours === undefined) {
      skipped += 1;
      return;
    }
    const names = [
      ...(p.name ?? []).map((name) => ({ name, kind: 'primary' as const })),
      ...(p.alias ?? []).map((name) => ({ name, kind: 'alias' as const })),
      ...(p.previousName ?? []).map((name) => ({ name, kind: 'alias' as const })),
      ...(p.weakAlias ?? []).map((name) => ({ name, kind: 'weak-alias' as const })),
    ];
    if (names.length === 0) throw new ListFormatError(file, `line ${line}`, `entity ${id} has no name`);
    if (lineOf.has(id))
      throw new ListFormatError(
        file,
        `line ${line}`,
        `entity ${id} appears twice (first on line ${lineOf.get(id)})`,
      );
    lineOf.set(id, line);
    entities.set(id, {
      id: `${list}:${id}`,
      list,
      schema: ours,
      names,
      birthDates: [...new Set((p.birthDate ?? []).flatMap(isoDates))],
      nationalities: [...(p.nationality ?? []), ...(p.citizenship ?? [])].map((c) => c.toLowerCase()),
      addresses: p.address ?? [],
      cryptoAddresses: [],
      programs: [...(p.topics ?? []), ...(p.program ?? [])],
    });
  });
  for (const w of wallets) {
    const holder = entities.get(w.holder);
    if (holder === undefined)
      throw new ListFormatError(file, `line ${w.line}`, `wallet holder ${w.holder} is not in the file`);
    holder.cryptoAddresses.push({ asset: w.asset, address: w.address });
  }
  const out = [...entities.values()].map((e) =>
    checkedEntity(e, file, `line ${lineOf.get(String(e.id).slice(list.length + 1))}`),
  );
  if (out.length === 0) throw new ListFormatError(file, 'line 1', 'the file has no entities');
  return { entities: out, skipped };
}
