// C3: the workflow's own screening, just before anything moves: the request route scored the risk when the
// withdrawal was created; this re-checks what may have changed since (the account suspended, the
// destination removed or sanctioned) and decides the branch. Pure: the task reads, this decides.
import type { AccountStatus } from '../account/contracts.js';
import type { AddressStatus } from '../addresses/contracts.js';
import { IllegalTransition } from './lifecycle.js';
import type { RiskBand, WithdrawalRecord } from './record.js';

export type ScreeningOutcome = { cancelled: true } | { cancelled: false; band: RiskBand; reason: string };

export interface ScreeningFacts {
  record: Pick<WithdrawalRecord, 'status' | 'risk' | 'withdrawalId'>;
  account: { status: AccountStatus } | undefined;
  destination: { status: AddressStatus } | undefined;
  /** The destination is on the sanctions list now. */
  sanctioned: boolean;
  /**
   * F2: a strong screening hit froze the customer's withdrawals. The withdrawal goes to review (a compliance
   * officer decides; the review's timeout rejects it), so the customer sees the status every reviewed
   * withdrawal shows and learns nothing of the hit (tipping-off).
   */
  screeningFrozen?: boolean;
  /**
   * F1/F2: the Travel Rule beneficiary of the destination is under screening review (a medium or PEP hit): a
   * withdrawal that carries Travel Rule data goes to review, as a frozen customer's does.
   */
  beneficiaryInReview?: boolean;
}

export function screen(facts: ScreeningFacts): ScreeningOutcome {
  const { record } = facts;
  if (record.status === 'cancelled') return { cancelled: true };
  if (record.status !== 'screening') {
    throw new IllegalTransition(`Withdrawal ${record.withdrawalId} is ${record.status}, not screening`);
  }
  if (facts.account?.status !== 'active') {
    return { cancelled: false, band: 'blocked', reason: 'The account is not active' };
  }
  if (facts.sanctioned) {
    return { cancelled: false, band: 'blocked', reason: 'The destination is on the sanctions list' };
  }
  if (facts.destination?.status !== 'active') {
    return { cancelled: false, band: 'blocked', reason: 'The destination is no longer whitelisted' };
  }
  if (facts.beneficiaryInReview) {
    return {
      cancelled: false,
      band: 'unusual',
      reason: 'The Travel Rule beneficiary is under screening review',
    };
  }
  if (facts.screeningFrozen) {
    return {
      cancelled: false,
      band: 'unusual',
      reason: 'Withdrawals frozen by a screening hit: compliance reviews',
    };
  }
  const reason =
    record.risk.band === 'low'
      ? `Risk score ${record.risk.score}: low`
      : `Risk score ${record.risk.score}: ${record.risk.band} (${record.risk.signals.map((s) => s.id).join(', ') || 'no signal'})`;
  return { cancelled: false, band: record.risk.band, reason };
}
