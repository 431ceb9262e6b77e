// C1/C2: screening of withdrawal destinations against the sanctions list of crypto addresses shipped in the
// repository (data/sanctions/crypto-addresses.json, format in docs/addresses.md). That file is generated from
// the OFAC SDN list's "Digital Currency Address" remarks (data/lists/ofac-sdn, parsed by
// lambdas/screening/lists/ofac-sdn.ts) by scripts/sanctions-crypto.ts: every listed address of an asset
// Palisade withdraws, compact enough to bundle (the CSV is ~3.5 MB). The file is bundled into
// the function by esbuild (a JSON import), parsed with zod and indexed once per container; a bad entry fails
// the container's start loudly rather than screening against half a list.
import * as z from 'zod/mini';
import list from '../../data/sanctions/crypto-addresses.json' with { type: 'json' };
import { ASSET_IDS, type Asset } from '../kernel/assets.js';
import { normaliseAddress } from './validate.js';

const line = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const sanctionsEntry = z.object({
  asset: z.enum(ASSET_IDS),
  /** As the list prints it; compared in the normalised form of validate.ts. */
  address: line(128),
  /** The listed party and its sanctions programmes, as the list names them. */
  listing: line(200),
  /** Where the listing is recorded (list entity id, notice). */
  reference: line(200),
});
export type SanctionsEntry = z.infer<typeof sanctionsEntry>;

export const sanctionsList = z.object({
  source: line(500),
  sourceUrl: z.url({ protocol: /^https$/ }),
  retrieved: z.iso.date(),
  scope: z.enum(['full', 'excerpt']),
  entries: z.array(sanctionsEntry).check(z.minLength(1)),
});
export type SanctionsList = z.infer<typeof sanctionsList>;

const keyOf = (asset: Asset, normalised: string) => `${asset}:${normalised}`;

/** Parses a list and indexes it by normalised address; an entry that is not a valid address throws. */
export function indexSanctions(raw: unknown): {
  list: SanctionsList;
  byAddress: ReadonlyMap<string, SanctionsEntry>;
} {
  const parsed = z.safeParse(sanctionsList, raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid sanctions list: ${issues}`);
  }
  const byAddress = new Map<string, SanctionsEntry>();
  for (const entry of parsed.data.entries) {
    const normalised = normaliseAddress(entry.asset, entry.address);
    if (!normalised) throw new Error(`Invalid sanctions list: ${entry.asset} entry is not a valid address`);
    byAddress.set(keyOf(entry.asset, normalised), entry);
  }
  return { list: parsed.data, byAddress };
}

// Once per container: the import is bundled, the parse happens at module load.
const SANCTIONS = indexSanctions(list);

/** Which list this container screens against (for records and the docs' freshness check). */
export const sanctionsListInfo = {
  source: SANCTIONS.list.source,
  retrieved: SANCTIONS.list.retrieved,
  scope: SANCTIONS.list.scope,
  entries: SANCTIONS.byAddress.size,
} as const;

/** The list entry `address` matches once normalised (so case and blanks do not matter), if any. */
export function sanctionsHit(asset: Asset, address: string): SanctionsEntry | undefined {
  const normalised = normaliseAddress(asset, address);
  return normalised === undefined ? undefined : SANCTIONS.byAddress.get(keyOf(asset, normalised));
}

/** Whether `address` of `asset` is on the sanctions list: at whitelisting and again at every withdrawal. */
export function isSanctioned(asset: Asset, address: string): boolean {
  return sanctionsHit(asset, address) !== undefined;
}

/**
 * F2/C1: the list version the bundled addresses come from, recorded with every address screening decision:
 * the SDN files' sha-256 as the generator printed it into `source`, under a version id naming the bundle.
 */
export const sanctionsListVersions: readonly { list: string; version: string; sha256: string }[] = (() => {
  const sha256 = /sha-256 ([0-9a-f]{64})/.exec(SANCTIONS.list.source)?.[1] ?? '0'.repeat(64);
  return [
    { list: 'ofac-sdn', version: `bundled-${SANCTIONS.list.retrieved}-${sha256.slice(0, 12)}`, sha256 },
  ];
})();

/** The screening of one destination: the listed entry it matches (as `<list>:<id>`), and the versions used. */
export function screenAddress(
  asset: Asset,
  address: string,
): { hit?: { entityId: string; listing: string }; listVersions: typeof sanctionsListVersions } {
  const entry = sanctionsHit(asset, address);
  if (!entry) return { listVersions: sanctionsListVersions };
  const id = /(\d+)\s*$/.exec(entry.reference)?.[1] ?? entry.reference;
  return { hit: { entityId: `ofac-sdn:${id}`, listing: entry.listing }, listVersions: sanctionsListVersions };
}
