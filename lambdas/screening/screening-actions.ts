// F2/C1/C2: what a screening decision leads to, apart from the matcher (so a route that screens an address
// bundles neither the matcher nor the lists): the decision is recorded with the list versions it used; a
// strong or medium hit opens a case through the cases seam (kind screening-hit, the decision as its source,
// joining the subject's case still being worked); a strong hit on a customer freezes their withdrawals; a
// PEP hit in the PEP band opens an enhanced-due-diligence case (kind pep-edd) and never freezes.
import type { CaseWork } from '../cases/contracts.js';
import type { Clock } from '../kernel/ports/clock.js';
import { bandOf, HIT_BANDS, type HitCategory } from './bands.js';
import { decide, type ScreeningDecision, type ScreeningSubject, type ScreeningTrigger } from './decision.js';
import type { ScreeningStore } from './screening-store.js';

export interface ScreeningOutcome {
  readonly decision: ScreeningDecision;
  readonly caseId?: string;
  readonly frozen: boolean;
}

export interface ScreeningActionPorts {
  store: Pick<ScreeningStore, 'record' | 'freeze' | 'noteFreezeCase'>;
  cases: Pick<CaseWork, 'openCase'>;
  clock: Clock;
}

export class ScreeningActions {
  constructor(private readonly ports: ScreeningActionPorts) {}

  /**
   * Records the decision of a withdrawal address's screening against the crypto addresses of the lists
   * (the sanctioned-address index, address-index.ts): a listed address is a strong hit on the address (a case opens; the
   * address itself is blocked by the address book, so the customer's other withdrawals are not frozen).
   */
  async recordAddressScreening(input: {
    userId: string;
    addressId: string;
    trigger: ScreeningTrigger;
    hit?: { entityId: string; listing: string };
    listVersions: ScreeningDecision['listVersions'];
  }): Promise<ScreeningOutcome> {
    const subject: ScreeningSubject = { kind: 'address', userId: input.userId, addressId: input.addressId };
    const hits = input.hit
      ? [
          {
            entityId: input.hit.entityId,
            list: input.hit.entityId.split(':')[0] ?? 'ofac-sdn',
            schema: 'Other' as const,
            matchedName: input.hit.listing,
            nameKind: 'primary' as const,
            nameScore: 1,
            score: 1,
            explanation: {
              tokens: [],
              unmatchedQuery: [],
              unmatchedCandidate: [],
              legalForms: { query: [], candidate: [] },
              adjustments: [
                { factor: 1, reason: 'the address is listed exactly (Digital Currency Address)' },
              ],
            },
          },
        ]
      : [];
    const decision = decide({
      subject,
      trigger: input.trigger,
      queryKey: input.addressId,
      result: { hits, listVersions: input.listVersions },
      now: this.ports.clock.now(),
    });
    // an address hit never freezes the customer: the address is blocked where it is used
    return this.act(decision, false);
  }

  async act(decision: ScreeningDecision, mayFreeze = true): Promise<ScreeningOutcome> {
    await this.ports.store.record(decision);
    if (decision.action !== 'block' && decision.action !== 'case' && decision.action !== 'edd')
      return { decision, frozen: false };
    const userId = decision.subject.userId;
    // only a sanctions band blocks; a PEP hit never freezes (bands.ts PEP_BANDS). The freeze comes first: no
    // moment shows the case without it, and a retried task finds it made.
    const freeze = mayFreeze && decision.action === 'block';
    if (freeze) await this.ports.store.freeze(userId, { decisionId: decision.decisionId, at: decision.at });
    const opened = await this.ports.cases.openCase({
      subject: { userId },
      // a sanctions hit's case also carries the PEP hits of the same decision (stricter outcome, one case)
      kind: decision.action === 'edd' ? 'pep-edd' : 'screening-hit',
      signals: decision.hits.map((hit) => {
        const category: HitCategory = hit.category ?? 'sanctions';
        const band = bandOf(hit.score, HIT_BANDS[category])?.band ?? decision.band;
        return {
          code: SIGNAL_CODE[category],
          score: Math.round(hit.score * 1000) / 1000,
          detail: `${band} hit (${decision.trigger}): ${hit.matchedName} [${hit.entityId}]`,
          facts: {
            band,
            entry: hit.entityId,
            list: versionOf(decision, hit.list),
            decisionId: decision.decisionId,
            ...(hit.pepRoles && hit.pepRoles.length > 0 ? { pepRoles: hit.pepRoles.join(',') } : {}),
          },
        };
      }),
      ...(decision.subject.kind === 'address'
        ? { evidence: [{ kind: 'address' as const, id: decision.subject.addressId }] }
        : {}),
      source: { kind: 'screening', id: decision.decisionId },
      attachToOpen: true,
    });
    if (freeze)
      await this.ports.store.noteFreezeCase(userId, {
        decisionId: decision.decisionId,
        caseId: opened.caseId,
      });
    return { decision, caseId: opened.caseId, frozen: freeze };
  }
}

/** The case signal of a hit, by category (an indicator in the goAML export). */
const SIGNAL_CODE: Readonly<Record<HitCategory, string>> = {
  sanctions: 'SCREENING_HIT',
  pep: 'PEP_HIT',
  listed: 'PEP_LIST_ENTRY',
};

const versionOf = (d: ScreeningDecision, list: string) => {
  const v = d.listVersions.find((x) => x.list === list);
  return v ? `${list}@${v.version}` : list;
};
