// F2/C1/C2: the screening port the product calls. It screens against the list versions in force (their
// entities and index files, read through the ListStore: S3 in AWS, the state folder locally; list-entities.ts,
// list-index.ts), laying the index out once per container and
// again only when a version changes (cached by the versions' digests), decides the band (bands.ts), records
// the decision with the list versions it used, opens a case through the cases seam for a strong or medium
// hit, and freezes the customer's withdrawals for a strong one. Nothing here answers a customer: callers
// never pass a hit on (tipping-off, docs/screening.md).
import type { CaseWork } from '../cases/contracts.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { ListStore } from '../kernel/ports/list-store.js';
import { hitCategoryOf, pepRolesOf } from './bands.js';
import { RESCREEN_PAGE, SCREENED_LISTS, type ScreenedList } from './config.js';
import { type DecisionHit, decide, type ScreeningDecision, type ScreeningTrigger } from './decision.js';
import type { ListEntity } from './model.js';
import { type ScreeningHit, type ScreeningIndex, screen } from './screen.js';
import { ScreeningActions, type ScreeningOutcome } from './screening-actions.js';
import type { ScreeningStore } from './screening-store.js';

export type { ScreeningOutcome } from './screening-actions.js';

import { indexOfVersions } from './list-index.js';

export interface ScreeningWorkPorts {
  lists: Pick<ListStore, 'current' | 'readDerived'>;
  store: Pick<ScreeningStore, 'record' | 'freeze' | 'noteFreezeCase'> &
    Partial<Pick<ScreeningStore, 'enrol' | 'rosterPage' | 'rosterEntry'>>;
  cases: Pick<CaseWork, 'openCase'>;
  clock: Clock;
  /** The lists screened against (configuration: config.ts). */
  screened?: readonly ScreenedList[];
}

/** What a customer is screened on: the username-derived name before KYC, the legal name, birth date and nationality after. */
export interface CustomerFacts {
  readonly userId: string;
  /** The username-derived name (docs/screening.md), or the legal name once KYC has it. */
  readonly name: string;
  readonly birthDate?: string;
  readonly nationalities?: readonly string[];
}

/** The index of one container, for the versions (digests) it was built from. */
let cached: { key: string; index: Promise<ScreeningIndex> } | undefined;

const keyOf = (versions: readonly { list: string; sha256: string }[]) =>
  versions.map((v) => `${v.list}@${v.sha256}`).join(',');

/** The index over the versions in force: built once per container and again only when a version changes. */
export async function currentIndex(
  lists: Pick<ListStore, 'current' | 'readDerived'>,
  screened: readonly ScreenedList[] = SCREENED_LISTS,
): Promise<ScreeningIndex> {
  const manifests = await Promise.all(screened.map(({ list }) => lists.current(list)));
  const key = keyOf(manifests.filter((m) => m !== undefined));
  if (cached?.key !== key) {
    // each version's entities file and the index the loader built from it (list-index.ts), of the very
    // manifests the key was made from: not read a second time, and the index is the key's
    const index = indexOfVersions(lists, manifests);
    cached = { key, index };
    index.catch(() => {
      if (cached?.index === index) cached = undefined;
    });
  }
  return cached.index;
}

/** The entities of an index by id (built once per index, for the topics of the entities hit). */
const entitiesById = new WeakMap<ScreeningIndex, ReadonlyMap<string, ListEntity>>();

/**
 * F2: each hit with its category (bands.ts): a hit on a `sanctions` list is a sanctions hit; on a `pep` list,
 * a PEP hit (with the entity's PEP topics) when the listed entity has a PEP topic, else `listed`.
 */
export function classifyHits(
  hits: readonly ScreeningHit[],
  index: ScreeningIndex,
  screened: readonly ScreenedList[] = SCREENED_LISTS,
): DecisionHit[] {
  let byId = entitiesById.get(index);
  if (byId === undefined) {
    byId = new Map(index.entities.map((e) => [e.id, e] as const));
    entitiesById.set(index, byId);
  }
  return hits.map((hit) => {
    const kind = screened.find((l) => l.list === hit.list)?.kind ?? 'sanctions';
    const topics = byId.get(hit.entityId)?.programs ?? [];
    const category = hitCategoryOf(kind, topics);
    return category === 'pep' ? { ...hit, category, pepRoles: pepRolesOf(topics) } : { ...hit, category };
  });
}

/** For tests: forget the container's index. */
export const forgetIndex = (): void => {
  cached = undefined;
};

export { nameOfUsername } from './intake.js';

export class ScreeningWork {
  private readonly actions: ScreeningActions;
  constructor(private readonly ports: ScreeningWorkPorts) {
    this.actions = new ScreeningActions(ports);
  }

  /** Screens a customer by name (and birth date, nationality where known) against the lists in force. */
  async screenCustomer(customer: CustomerFacts, trigger: ScreeningTrigger): Promise<ScreeningOutcome> {
    const index = await currentIndex(this.ports.lists, this.ports.screened);
    const query = {
      name: customer.name,
      ...(customer.birthDate ? { birthDate: customer.birthDate } : {}),
      ...(customer.nationalities ? { nationalities: customer.nationalities } : {}),
    };
    const screened = this.ports.screened ?? SCREENED_LISTS;
    const result = screen(query, index);
    const decision = decide({
      subject: { kind: 'customer', userId: customer.userId },
      trigger,
      queryKey: JSON.stringify(query),
      result: { hits: classifyHits(result.hits, index, screened), listVersions: result.listVersions },
      now: this.ports.clock.now(),
      pepLists: screened.filter((l) => l.kind === 'pep').map((l) => l.list),
    });
    return this.act(decision);
  }

  /**
   * F1 (Travel Rule): the beneficiary a customer names for one of their withdrawal addresses, screened by name
   * against the lists in force. The decision's subject is the address (its beneficiary); a strong hit opens a
   * case and is blocked where the address is used (as an address hit, it never freezes the customer), a medium
   * one opens a case. The caller keeps the decision's action on the address.
   */
  async screenBeneficiary(input: {
    userId: string;
    addressId: string;
    name: string;
  }): Promise<ScreeningOutcome> {
    const index = await currentIndex(this.ports.lists, this.ports.screened);
    const screened = this.ports.screened ?? SCREENED_LISTS;
    const result = screen({ name: input.name }, index);
    const decision = decide({
      subject: { kind: 'address', userId: input.userId, addressId: input.addressId },
      trigger: 'address-added',
      queryKey: JSON.stringify({ beneficiary: input.name }),
      result: { hits: classifyHits(result.hits, index, screened), listVersions: result.listVersions },
      now: this.ports.clock.now(),
      pepLists: screened.filter((l) => l.kind === 'pep').map((l) => l.list),
    });
    return this.actions.act(decision, false);
  }

  /** Enrols the customer in the roster (what a re-screen maps over) and screens them. */
  async enrolAndScreen(customer: CustomerFacts, trigger: ScreeningTrigger): Promise<ScreeningOutcome> {
    const { enrol } = this.ports.store;
    if (!enrol) throw new Error('This screening work was built without the roster');
    await enrol.call(this.ports.store, customer);
    return this.screenCustomer(customer, trigger);
  }

  /**
   * Screens the customer on the facts the roster holds for them (KYC's legal name, birth date and nationality
   * once given); a customer not in the roster is enrolled with `fallback` first (the username-derived name).
   */
  async screenEnrolled(
    userId: string,
    fallback: () => Promise<CustomerFacts>,
    trigger: ScreeningTrigger,
  ): Promise<ScreeningOutcome> {
    const { rosterEntry } = this.ports.store;
    if (!rosterEntry) throw new Error('This screening work was built without the roster');
    const entry = await rosterEntry.call(this.ports.store, userId);
    return entry ? this.screenCustomer(entry, trigger) : this.enrolAndScreen(await fallback(), trigger);
  }

  /** Re-screens one page of a roster partition; answers the cursor of the next page while there is one. */
  async rescreenPage(
    partition: number,
    cursor?: string,
  ): Promise<{ screened: number; hits: number; cursor?: string }> {
    const { rosterPage } = this.ports.store;
    if (!rosterPage) throw new Error('This screening work was built without the roster');
    const page = await rosterPage.call(this.ports.store, partition, RESCREEN_PAGE, cursor);
    let hits = 0;
    for (const customer of page.customers) {
      const out = await this.screenCustomer(customer, 'rescreen');
      if (out.decision.hits.length > 0) hits += 1;
    }
    return { screened: page.customers.length, hits, ...(page.next ? { cursor: page.next } : {}) };
  }

  /** An address's screening against the lists' crypto addresses (screening-actions.ts). */
  recordAddressScreening(
    input: Parameters<ScreeningActions['recordAddressScreening']>[0],
  ): Promise<ScreeningOutcome> {
    return this.actions.recordAddressScreening(input);
  }

  private act(decision: ScreeningDecision): Promise<ScreeningOutcome> {
    return this.actions.act(decision);
  }
}
