// F1/F2: a screening hit on a business's beneficial owner acts on the customer, as a hit on a person does. The
// owner's own screening (subject `bo_…`) has recorded the decision and opened its case on the owner's subject;
// this opens (or joins: the customer's case still being worked) a case on the customer with the owner's
// decision as its source, and a strong hit freezes the customer's withdrawals, as screening's bands say
// (bands.ts: `block` freezes and opens a case, `case` opens one, `edd` an enhanced-due-diligence case). The
// business's level is held by the rule (owners.ts): the owner's screening is not clear.
import type { CaseWork } from '../cases/contracts.js';
import {
  type BandRule,
  PEP_BANDS,
  SCREENING_BANDS,
  type ScreeningAction,
  type ScreeningStore,
} from '../screening/contracts.js';

export interface OwnerHit {
  customerId: string;
  ownerId: string;
  decisionId: string;
  band: string;
  at: string;
}

export interface OwnerHitPorts {
  cases: Pick<CaseWork, 'openCase'>;
  screening: Pick<ScreeningStore, 'freeze' | 'noteFreezeCase'>;
}

const RULES: readonly BandRule[] = [...SCREENING_BANDS, ...PEP_BANDS];

/** What screening's bands say a band leads to (undefined: recorded only, or clear). */
export const actionOfBand = (band: string): ScreeningAction | undefined =>
  RULES.find((rule) => rule.band === band)?.action;

/** The case opened or joined on the customer and whether it was frozen; nothing for a band that only records. */
export async function actOnOwnerHit(
  ports: OwnerHitPorts,
  hit: OwnerHit,
): Promise<{ caseId: string; frozen: boolean } | undefined> {
  const action = actionOfBand(hit.band);
  if (action !== 'block' && action !== 'case' && action !== 'edd') return undefined;
  // the freeze comes first: no moment shows the case without it (screening-store.ts, freeze)
  const frozen = action === 'block';
  if (frozen) await ports.screening.freeze(hit.customerId, { decisionId: hit.decisionId, at: hit.at });
  const opened = await ports.cases.openCase({
    subject: { userId: hit.customerId },
    kind: action === 'edd' ? 'pep-edd' : 'screening-hit',
    signals: [
      {
        code: action === 'edd' ? 'PEP_HIT' : 'SCREENING_HIT',
        detail: `${hit.band} hit on the business's beneficial owner ${hit.ownerId} (kyc)`,
        facts: { band: hit.band, decisionId: hit.decisionId, owner: hit.ownerId },
      },
    ],
    // one case per owner decision; a second recording of the same decision finds it
    source: { kind: 'kyc-owner', id: hit.decisionId },
    attachToOpen: true,
  });
  if (frozen)
    await ports.screening.noteFreezeCase(hit.customerId, {
      decisionId: hit.decisionId,
      caseId: opened.caseId,
    });
  return { caseId: opened.caseId, frozen };
}
