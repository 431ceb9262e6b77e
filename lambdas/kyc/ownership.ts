// F1: the ownership of a business customer. A graph of persons and companies with share percentages, nested;
// the effective ownership of each natural person in the customer company is the sum over every chain from the
// person to the company of the product of the shares along it. Exact (rational bigint arithmetic), so a
// person at exactly the threshold is a beneficial owner. Refused with OwnershipRefused: a cycle, a company held
// more than 100 % directly, an unknown or duplicate party or holding, a person shown as owned.
import * as z from 'zod/mini';
import { AppError } from '../kernel/errors.js';

const partyId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id of letters, digits, _ or -'));
const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
const countryCode = z.string().check(z.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code'));
/** A share in percent, 0 < share ≤ 100, at most 4 decimals. */
const percent = z
  .string()
  .check(z.regex(/^(100(\.0{1,4})?|[1-9]?[0-9](\.[0-9]{1,4})?)$/, 'a percentage such as 33.3333'));

export const ownershipParty = z.union([
  z.strictObject({
    id: partyId,
    kind: z.literal('person'),
    name,
    /** What screening matches a beneficial owner on besides the name (F2), and what rates the risk (F1). */
    dateOfBirth: z.optional(z.iso.date()),
    nationality: z.optional(countryCode),
    residenceCountry: z.optional(countryCode),
  }),
  z.strictObject({
    id: partyId,
    kind: z.literal('company'),
    name,
    registrationNumber: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    jurisdiction: z.optional(countryCode),
  }),
]);

/** What a business customer declares: the parties, who holds what share of whom, and its senior managing official. */
export const ownershipDeclaration = z.strictObject({
  /** The customer company (one of the parties). */
  company: partyId,
  parties: z.array(ownershipParty).check(z.minLength(1), z.maxLength(200)),
  holdings: z.array(z.strictObject({ owner: partyId, owned: partyId, percent })).check(z.maxLength(500)),
  /** A natural person among the parties who manages the company; recorded when nobody reaches the threshold. */
  seniorManagingOfficial: z.optional(partyId),
});
export type OwnershipDeclaration = z.infer<typeof ownershipDeclaration>;

export type OwnershipRefusal =
  | 'cycle'
  | 'over-100'
  | 'unknown-party'
  | 'duplicate'
  | 'person-owned'
  | 'no-official';

/** A refused declaration (400 VALIDATION_FAILED); `reason` says which rule, `details` where. */
export class OwnershipRefused extends AppError {
  override readonly name = 'OwnershipRefused';
  readonly status = 400;
  readonly code = 'VALIDATION_FAILED';
  constructor(
    readonly reason: OwnershipRefusal,
    message: string,
    path = 'holdings',
  ) {
    super(message, [{ path, message: reason }]);
  }
}

/** An exact fraction of the whole (1 = 100 %). */
interface Fraction {
  num: bigint;
  den: bigint;
}
const PERCENT_DEN = 1_000_000n; // 100 % = 100.0000 → 1_000_000 units of 0.0001 %
const fromPercent = (p: string): Fraction => {
  const [whole = '0', frac = ''] = p.split('.');
  return { num: BigInt(whole) * 10_000n + BigInt(frac.padEnd(4, '0')), den: PERCENT_DEN };
};
const add = (a: Fraction, b: Fraction): Fraction => ({
  num: a.num * b.den + b.num * a.den,
  den: a.den * b.den,
});
const mul = (a: Fraction, b: Fraction): Fraction => ({ num: a.num * b.num, den: a.den * b.den });
const gte = (a: Fraction, b: Fraction) => a.num * b.den >= b.num * a.den;
const ZERO: Fraction = { num: 0n, den: 1n };
/** In percent with 4 decimals, rounded half up. */
const toPercent = (f: Fraction): string => {
  const tenThousandths = (f.num * 1_000_000n * 2n + f.den) / (2n * f.den);
  const whole = tenThousandths / 10_000n;
  const frac = (tenThousandths % 10_000n).toString().padStart(4, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole.toString();
};
const thresholdFraction = (percentValue: number): Fraction => ({
  num: BigInt(Math.round(percentValue * 10_000)),
  den: PERCENT_DEN,
});

export interface BeneficialOwner {
  personId: string;
  name: string;
  /** Effective ownership in percent (4 decimals). */
  percent: string;
}

export interface OwnershipResult {
  /** Every natural person's effective ownership of the company, highest first. */
  effective: BeneficialOwner[];
  /** Persons at or above the threshold: each must pass KYC and screening. */
  beneficialOwners: BeneficialOwner[];
  /** When nobody reaches the threshold: the senior managing official recorded instead. */
  seniorManagingOfficial?: { personId: string; name: string };
}

/** Checks the declaration and computes the effective ownership and the beneficial owners. */
export function beneficialOwnership(
  declaration: OwnershipDeclaration,
  thresholdPercent: number,
): OwnershipResult {
  const parties = new Map<string, z.infer<typeof ownershipParty>>();
  for (const party of declaration.parties) {
    if (parties.has(party.id))
      throw new OwnershipRefused('duplicate', `The party ${party.id} is declared twice`, 'parties');
    parties.set(party.id, party);
  }
  const company = parties.get(declaration.company);
  if (company?.kind !== 'company') {
    throw new OwnershipRefused('unknown-party', 'The customer company is not a declared company', 'company');
  }
  // owned company → its direct holders
  const holders = new Map<string, { owner: string; share: Fraction }[]>();
  const pairs = new Set<string>();
  for (const h of declaration.holdings) {
    const owner = parties.get(h.owner);
    const owned = parties.get(h.owned);
    if (!owner || !owned) {
      throw new OwnershipRefused(
        'unknown-party',
        `The holding ${h.owner} → ${h.owned} names an undeclared party`,
      );
    }
    if (owned.kind === 'person')
      throw new OwnershipRefused('person-owned', `${h.owned} is a person and cannot be owned`);
    if (h.owner === h.owned) throw new OwnershipRefused('cycle', `${h.owner} cannot hold shares in itself`);
    const pair = `${h.owner}\u0000${h.owned}`;
    if (pairs.has(pair))
      throw new OwnershipRefused('duplicate', `The holding ${h.owner} → ${h.owned} is declared twice`);
    pairs.add(pair);
    const list = holders.get(h.owned) ?? [];
    list.push({ owner: h.owner, share: fromPercent(h.percent) });
    holders.set(h.owned, list);
  }
  for (const [owned, list] of holders) {
    const total = list.reduce((sum, h) => add(sum, h.share), ZERO);
    if (!gte({ num: 1n, den: 1n }, total)) {
      throw new OwnershipRefused(
        'over-100',
        `The shares held in ${owned} add up to ${toPercent(total)} %, over 100 %`,
      );
    }
  }
  findCycle(holders);

  // Effective ownership of each person in each company, memoised (the graph is acyclic now).
  const memo = new Map<string, Map<string, Fraction>>();
  const ownersOf = (companyId: string): Map<string, Fraction> => {
    const known = memo.get(companyId);
    if (known) return known;
    const result = new Map<string, Fraction>();
    for (const { owner, share } of holders.get(companyId) ?? []) {
      const contributions =
        parties.get(owner)?.kind === 'person'
          ? new Map([[owner, share]])
          : new Map([...ownersOf(owner)].map(([person, f]) => [person, mul(share, f)] as const));
      for (const [person, f] of contributions) result.set(person, add(result.get(person) ?? ZERO, f));
    }
    memo.set(companyId, result);
    return result;
  };
  const effectiveFractions = [...ownersOf(declaration.company)];
  effectiveFractions.sort(([, a], [, b]) => (gte(a, b) ? (gte(b, a) ? 0 : -1) : 1));
  const threshold = thresholdFraction(thresholdPercent);
  const view = ([personId, f]: [string, Fraction]): BeneficialOwner => ({
    personId,
    name: parties.get(personId)?.name ?? personId,
    percent: toPercent(f),
  });
  const effective = effectiveFractions.map(view);
  const beneficialOwners = effectiveFractions.filter(([, f]) => gte(f, threshold)).map(view);
  if (beneficialOwners.length > 0) return { effective, beneficialOwners };

  const smoId = declaration.seniorManagingOfficial;
  const smo = smoId === undefined ? undefined : parties.get(smoId);
  if (!smoId || smo?.kind !== 'person') {
    throw new OwnershipRefused(
      'no-official',
      `Nobody owns ${thresholdPercent} % or more: name the senior managing official (a declared person)`,
      'seniorManagingOfficial',
    );
  }
  return { effective, beneficialOwners, seniorManagingOfficial: { personId: smoId, name: smo.name } };
}

/** Refuses a cycle of holdings (A holds B holds … holds A), naming it. */
function findCycle(holders: ReadonlyMap<string, readonly { owner: string }[]>): void {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      const loop = [...path.slice(path.indexOf(node)), node];
      throw new OwnershipRefused('cycle', `The holdings form a cycle: ${loop.join(' ← ')}`);
    }
    state.set(node, 'open');
    path.push(node);
    for (const { owner } of holders.get(node) ?? []) visit(owner);
    path.pop();
    state.set(node, 'done');
  };
  for (const node of holders.keys()) visit(node);
}
