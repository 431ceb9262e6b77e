// F2: a customer's PEP status as the screening found it, for the KYC risk rating (lambdas/kyc/risk.ts takes a
// PEP status): read from the customer's newest screening decision (not an address's). `not-screened` when
// there is no decision yet, or the newest one used no PEP list version (none loaded then); `pep` when that
// decision's PEP flag is set (a PEP hit in the PEP band: bands.ts), with the PEP topics of its hits. Whether a
// PEP is domestic or foreign is the KYC's call (the customer's residence against the office's country).
import type { ListVersionRef } from './screen.js';
import type { ScreeningStore } from './screening-store.js';

export interface PepStatusFinding {
  readonly status: 'pep' | 'not-pep' | 'not-screened';
  /** FollowTheMoney PEP topics of the flagged hits: role.pep, role.pep.natl, role.pep.intl, role.pep.frmr, role.rca. */
  readonly roles: readonly string[];
  /** The decision it was read from, and when it was made. */
  readonly decisionId?: string;
  readonly at?: string;
  readonly listVersions: readonly ListVersionRef[];
}

export async function pepStatusOf(
  store: Pick<ScreeningStore, 'latestCustomerDecision'>,
  userId: string,
): Promise<PepStatusFinding> {
  const latest = await store.latestCustomerDecision(userId);
  if (latest === undefined) return { status: 'not-screened', roles: [], listVersions: [] };
  const from = { decisionId: latest.decisionId, at: latest.at, listVersions: latest.listVersions };
  if (latest.pep === undefined) return { status: 'not-screened', roles: [], ...from };
  return latest.pep.flagged
    ? { status: 'pep', roles: latest.pep.roles, ...from }
    : { status: 'not-pep', roles: [], ...from };
}
